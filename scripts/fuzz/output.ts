/**
 * Outputs that must destroy nothing: -o onto a symbolic link (the link stays,
 * its target is written), a file with its own mode (kept), a FIFO or a
 * character device (written in place, still a FIFO or a device), a folder,
 * and every file the run read (the input itself however spelled, an
 * /include/d .dtsi, an /incbin/ file, a #include'd header, a --schema):
 * refused, exit 2, nothing changed. The snapshot compares everything else.
 */
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import type { Rng } from '../rng.js';
import { ROOT, type Case } from './case.js';
import type { Corpus } from './corpus.js';

const SOURCE = [
  '/dts-v1/;',
  '/include/ "common.dtsi"',
  '/ {',
  '\tcompatible = "example,board";',
  '\t#address-cells = <1>;',
  '\t#size-cells = <1>;',
  '\tblob = /incbin/("blob.bin");',
  '\tvmgenid@1000 {',
  '\t\tcompatible = "microsoft,vmgenid";',
  '\t\treg = <0x1000 0x1000>;',
  '\t};',
  '};',
  '',
].join('\n');
const CPP_SOURCE = '#include "h.h"\n' + SOURCE.replace('"microsoft,vmgenid"', 'VMGENID');

export function outputCase(rng: Rng, corpus: Corpus): Case {
  const cpp = rng.chance(0.3);
  const files: Record<string, string | Uint8Array> = {
    'in.dts': cpp ? CPP_SOURCE : SOURCE,
    'common.dtsi': '/ { model = "common"; };\n',
    'blob.bin': new Uint8Array([1, 2, 3, 4]),
    'h.h': '#define VMGENID "microsoft,vmgenid"\n',
    'b.yaml': readFileSync(join(ROOT, 'schemas/rng/vmgenid.yaml'), 'utf8'),
    'old.txt': 'an earlier report\n',
  };
  const command = rng.pick([['in.dts'], ['-f', 'json', 'in.dts'], ['--schema', 'b.yaml', 'in.dts'], ['compile', 'in.dts'], ['compile', '-O', 'dts', 'in.dts'], ['check-binding', 'b.yaml']]);
  const c: Case = { kind: 'output', what: '', files, argv: [], outputs: [] };
  let target: string;
  const refuse = (what: string, path: string) => {
    c.what = `-o onto ${what}`;
    c.expect = { codes: [2], why: 'an output that is a file the run reads is refused' };
    target = path;
  };
  switch (rng.int(0, 9)) {
    case 0: {
      c.links = { 'out.link': 'old.txt' };
      c.outputs = ['old.txt'];
      c.what = '-o onto a symbolic link to a file (the link stays, the file is written)';
      target = 'out.link';
      break;
    }
    case 1: {
      c.links = { 'out.link': 'new.txt' };
      c.outputs = ['new.txt'];
      c.what = '-o onto a dangling symbolic link (its target is made)';
      target = 'out.link';
      break;
    }
    case 2: {
      const mode = rng.pick([0o600, 0o640, 0o755, 0o444]);
      c.modes = { 'old.txt': mode };
      c.outputs = ['old.txt'];
      c.what = `-o onto a file of mode ${mode.toString(8)} (kept)`;
      target = 'old.txt';
      break;
    }
    case 3: {
      c.fifos = ['out.fifo'];
      c.outputs = ['out.fifo'];
      c.mode = 'process';
      c.what = '-o onto a FIFO (written in place)';
      target = 'out.fifo';
      break;
    }
    case 4: {
      c.devices = { 'null': [1, 3] };
      c.outputs = ['null'];
      c.mode = 'process';
      c.what = '-o onto a character device (our own null device; written in place)';
      target = 'null';
      break;
    }
    case 5: {
      c.files['sub/keep'] = 'x';
      c.what = '-o onto a folder';
      c.expect = { codes: [2], why: 'a folder is not an output' };
      target = rng.pick(['sub', 'sub/']);
      break;
    }
    case 6: {
      const spelled = rng.pick(['in.dts', './in.dts', 'sub/../in.dts']);
      c.files['sub/keep'] = 'x';
      if (command.includes('check-binding')) refuse('the binding checked', rng.pick(['b.yaml', './b.yaml']));
      else refuse(`the input spelled ${spelled}`, spelled);
      break;
    }
    case 7:
      refuse('the /include/d .dtsi', 'common.dtsi');
      break;
    case 8:
      refuse('the /incbin/ file', 'blob.bin');
      break;
    default:
      if (cpp) refuse('the #include\'d header', 'h.h');
      else if (command.includes('--schema') || command.includes('check-binding')) refuse('the --schema or binding', 'b.yaml');
      else refuse('the /include/d .dtsi', 'common.dtsi');
  }
  // -o goes with the command it follows: after compile or check-binding, before the inputs of lint.
  const sub = command[0] === 'compile' || command[0] === 'check-binding' ? [command[0]] : [];
  c.argv = [...sub, '-o', target!, ...command.slice(sub.length)];
  if (c.expect && command.includes('check-binding') && !['b.yaml', './b.yaml'].includes(target!)) {
    // check-binding reads only the binding: writing over a source is allowed there.
    delete c.expect;
    c.outputs = [normalize(target!)];
  }
  c.what += ` (${command.join(' ')})`;
  void corpus;
  return c;
}
