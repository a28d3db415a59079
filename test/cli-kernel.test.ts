/**
 * `--kernel DIR`: a kernel tree's boards linted as `make dtbs_check` lints
 * them, on a small tree laid out as the kernel's is (the include prefixes
 * folder whose links lead to include/dt-bindings and to the boards).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.js';

function kernelTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kernel-'));
  const put = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  put('include/dt-bindings/interrupt-controller/irq.h', '#define IRQ_TYPE_LEVEL_HIGH 4\n');
  put(
    'arch/arm64/boot/dts/acme/acme-soc.dtsi',
    `#include <dt-bindings/interrupt-controller/irq.h>
/ {
  #address-cells = <1>;
  #size-cells = <1>;
  uart@1000 {
    compatible = "acme,uart";
    reg = <0x1000 0x100>;
    interrupts = <IRQ_TYPE_LEVEL_HIGH>;
  };
};
`,
  );
  put('arch/arm64/boot/dts/acme/acme-board.dts', '/dts-v1/;\n#include "acme-soc.dtsi"\n/ { model = "Acme board"; compatible = "acme,board"; };\n');
  put(
    'Documentation/devicetree/bindings/serial/acme,uart.yaml',
    `%YAML 1.2
---
$id: http://devicetree.org/schemas/serial/acme,uart.yaml#
$schema: http://devicetree.org/meta-schemas/core.yaml#
title: Acme UART
maintainers:
  - Test Author <test@example.org>
properties:
  compatible:
    const: acme,uart
  reg:
    maxItems: 1
  interrupts:
    maxItems: 1
  clocks:
    maxItems: 1
required: [compatible, reg, clocks]
additionalProperties: false
`,
  );
  mkdirSync(join(dir, 'scripts/dtc/include-prefixes'), { recursive: true });
  symlinkSync('../../../include/dt-bindings', join(dir, 'scripts/dtc/include-prefixes/dt-bindings'));
  symlinkSync('../../../arch/arm64/boot/dts', join(dir, 'scripts/dtc/include-prefixes/arm64'));
  return dir;
}

test('--kernel DIR: the include prefixes, the tree inside the fence, every binding, and --all', async () => {
  const dir = kernelTree();
  try {
    const r = await runCli(['--kernel', dir, '--no-config', '-f', 'json', join(dir, 'arch/arm64/boot/dts')]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout.toString());
    const findings = report.files.flatMap((f: { diagnostics: { check: string; message: string; nodePath?: string }[] }) => f.diagnostics);
    // The board's own binding judged the node (found only with the kernel's bindings) ...
    assert.ok(findings.some((d: { check: string; message: string }) => d.check === 'schema_required' && /clocks/.test(d.message)), JSON.stringify(findings));
    // ... and the header the prefixes' link leads to was read (no include error).
    assert.ok(!findings.some((d: { check: string }) => /include|cpp/.test(d.check)), JSON.stringify(findings));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--kernel on a folder that is no kernel tree is a usage error that says why', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'not-kernel-'));
  try {
    const r = await runCli(['--kernel', dir, 'board.dts']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a kernel source tree \(no scripts\/dtc\/include-prefixes\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
