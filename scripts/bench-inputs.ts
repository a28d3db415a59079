/**
 * The benchmark's own inputs, generated (seeded, so every run times the same
 * files): one large board of a few thousand devices spread over /include/d
 * files, with labels, phandle references and overrides by label, and a
 * batch of small guest boards. Plain DTS that dtc reads as is (no cpp), so
 * that `dtc` alone is an anchor on exactly the same files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from './rng.js';

const hex = (n: number): string => `0x${n.toString(16)}`;

/** The parts every board shares: root cells, memory, a reserved page and the vmgenid device in it. */
function guestBase(memBase: number, memSize: number, gicAt: number): string {
  const page = memBase + memSize - 0x10000;
  return `	#address-cells = <2>;
	#size-cells = <2>;
	interrupt-parent = <&gic>;

	memory@${memBase.toString(16)} {
		device_type = "memory";
		reg = <0x0 ${hex(memBase)} 0x0 ${hex(memSize)}>;
	};

	reserved-memory {
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;

		vmgenid_buffer: vmgenid@${page.toString(16)} {
			reg = <0x0 ${hex(page)} 0x0 0x1000>;
			no-map;
		};
	};

	gic: interrupt-controller@${gicAt.toString(16)} {
		compatible = "arm,gic-v3";
		#interrupt-cells = <3>;
		#address-cells = <2>;
		#size-cells = <2>;
		interrupt-controller;
		reg = <0x0 ${hex(gicAt)} 0x0 0x10000>,
		      <0x0 ${hex(gicAt + 0xa0000)} 0x0 0xf60000>;
	};

	timer {
		compatible = "arm,armv8-timer";
		interrupts = <1 13 0xf08>, <1 14 0xf08>, <1 11 0xf08>, <1 10 0xf08>;
	};

	vmgenid@${page.toString(16)} {
		compatible = "microsoft,vmgenid";
		reg = <0x0 ${hex(page)} 0x0 0x10>;
		interrupts = <0 35 1>;
	};
`;
}

function cpus(count: number): string {
  let out = `	cpus {
		#address-cells = <1>;
		#size-cells = <0>;
`;
  for (let i = 0; i < count; i++) {
    out += `
		cpu${i}: cpu@${i} {
			device_type = "cpu";
			compatible = "arm,cortex-a57";
			reg = <${i}>;
			enable-method = "psci";
		};
`;
  }
  return out + '	};\n';
}

const DEVICE_KINDS = [
  { name: 'serial', compatible: '"arm,pl011", "arm,primecell"', size: 0x1000 },
  { name: 'gpio', compatible: '"arm,pl061", "arm,primecell"', size: 0x1000 },
  { name: 'rtc', compatible: '"arm,pl031", "arm,primecell"', size: 0x1000 },
  { name: 'virtio_mmio', compatible: '"virtio,mmio"', size: 0x200 },
  { name: 'watchdog', compatible: '"arm,sp805", "arm,primecell"', size: 0x1000 },
] as const;

function device(kind: (typeof DEVICE_KINDS)[number], label: string, at: number, irq: number, clock: string | null, indent: string): string {
  const node = kind.name.replace(/_/g, '-');
  return `
${indent}${label}: ${node}@${at.toString(16)} {
${indent}	compatible = ${kind.compatible};
${indent}	reg = <0x0 ${hex(at)} 0x0 ${hex(kind.size)}>;
${indent}	interrupts = <0 ${irq} 4>;
${clock ? `${indent}	clocks = <${clock}>;\n${indent}	clock-names = "apb_pclk";\n` : ''}${indent}	pinctrl-names = "default";
${indent}	dma-coherent;
${indent}	status = "okay";
${indent}};
`;
}

/**
 * The large board: `devices` devices under a simple-bus, their nodes split
 * over `parts` included files, fixed clocks they reference by label, aliases
 * to some, and a board file that overrides every fifth by label.
 */
export function writeLargeBoard(dir: string, devices: number, parts = 6, seed = 1): { path: string; bytes: number; nodes: number } {
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  const clocks = 32;
  let bytes = 0;
  const write = (name: string, text: string): void => {
    writeFileSync(join(dir, name), text);
    bytes += Buffer.byteLength(text);
  };
  let clockText = '/ {\n';
  for (let c = 0; c < clocks; c++) {
    clockText += `
	clk${c}: clock-${c} {
		compatible = "fixed-clock";
		#clock-cells = <0>;
		clock-frequency = <${24000000 + c * 1000}>;
		clock-output-names = "clk${c}";
	};
`;
  }
  write('clocks.dtsi', clockText + '};\n');
  const perPart = Math.ceil(devices / parts);
  const labels: string[] = [];
  for (let p = 0; p < parts; p++) {
    let text = `/ {\n\tsoc {\n`;
    for (let i = p * perPart; i < Math.min(devices, (p + 1) * perPart); i++) {
      const kind = rng.pick(DEVICE_KINDS);
      const label = `${kind.name}${i}`;
      labels.push(label);
      const clock = kind.compatible.includes('primecell') ? `&clk${rng.int(0, clocks - 1)}` : null;
      text += device(kind, label, 0x10000000 + i * 0x10000, 32 + (i % 900), clock, '\t\t');
    }
    write(`soc-part${p}.dtsi`, text + '\t};\n};\n');
  }
  let board = `/dts-v1/;

/memreserve/ 0x80000000 0x1000;

/ {
	compatible = "example,large-guest";
	model = "vmgenid-lint benchmark: large board";
${guestBase(0x80000000, 0x80000000, 0x08000000)}
${cpus(8)}
	soc {
		compatible = "simple-bus";
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
	};

	aliases {
`;
  for (let i = 0; i < Math.min(64, labels.length); i++) board += `		serial${i} = &${labels[i]};\n`;
  board += '	};\n};\n\n/include/ "clocks.dtsi"\n';
  for (let p = 0; p < parts; p++) board += `/include/ "soc-part${p}.dtsi"\n`;
  board += '\n';
  for (let i = 0; i < labels.length; i += 5) {
    board += `&${labels[i]} {\n\tstatus = "disabled";\n\tlabel = "board-override-${i}";\n};\n\n`;
  }
  write('large-board.dts', board);
  // Devices, clocks, cpus and the fixed nodes (root, memory, reserved-memory and its page, gic, timer, vmgenid, soc, cpus, aliases).
  return { path: join(dir, 'large-board.dts'), bytes, nodes: devices + clocks + 8 + 10 };
}

/**
 * The flat large board: `devices` labelled devices under one simple-bus, all
 * in one file, each referring to another (chosen at random) by label, so that
 * every one of them gets a phandle. The shape the front end (one long file)
 * and the reference resolution weigh on most.
 */
export function writeFlatBoard(dir: string, devices: number, seed = 3): { path: string; bytes: number; nodes: number } {
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  let text = `/dts-v1/;

/ {
	compatible = "example,flat-guest";
	model = "vmgenid-lint benchmark: flat board";
${guestBase(0x80000000, 0x80000000, 0x08000000)}
${cpus(4)}
	soc {
		compatible = "simple-bus";
		#address-cells = <2>;
		#size-cells = <2>;
		ranges;
`;
  for (let i = 0; i < devices; i++) {
    const kind = rng.pick(DEVICE_KINDS);
    const peer = rng.int(0, devices - 1);
    const node = device(kind, `dev${i}`, 0x10000000 + i * 0x10000, 32 + (i % 900), null, '\t\t');
    // The peer reference goes in before the node's closing brace.
    text += node.replace(/\t\t\};\n$/, `\t\t\texample,peer = <&dev${peer}>;\n\t\t};\n`);
  }
  text += '\t};\n};\n';
  const path = join(dir, 'flat-board.dts');
  writeFileSync(path, text);
  // Devices, cpus and the fixed nodes (root, memory, reserved-memory and its page, gic, timer, vmgenid, soc, cpus).
  return { path, bytes: Buffer.byteLength(text), nodes: devices + 4 + 9 };
}

/** `count` small guest boards: a few cpus, memory, the GIC, the vmgenid device and a handful of devices each. */
export function writeSmallBoards(dir: string, count: number, seed = 2): string[] {
  mkdirSync(dir, { recursive: true });
  const rng = new Rng(seed);
  const paths: string[] = [];
  for (let b = 0; b < count; b++) {
    const memSize = 0x10000000 * rng.int(1, 8);
    let text = `/dts-v1/;

/ {
	compatible = "example,guest-${b}";
	model = "vmgenid-lint benchmark: small board ${b}";
${guestBase(0x40000000, memSize, 0x08000000)}
${cpus(rng.int(1, 4))}
	chosen {
		stdout-path = "serial0";
	};
`;
    const devices = rng.int(3, 10);
    for (let i = 0; i < devices; i++) {
      const kind = rng.pick(DEVICE_KINDS);
      text += device(kind, `dev${i}`, 0x09000000 + i * 0x10000, 1 + i, null, '\t');
    }
    text += '\n	aliases {\n		serial0 = &dev0;\n	};\n};\n';
    const path = join(dir, `guest-${String(b).padStart(3, '0')}.dts`);
    writeFileSync(path, text);
    paths.push(path);
  }
  return paths;
}
