/** Mutated and synthetic devicetree blobs. */
import type { Rng } from '../rng.js';
import type { Case } from './case.js';
import type { Corpus } from './corpus.js';
import { sized } from './scale.js';


export const BE = {
  get(b: Uint8Array, off: number): number {
    return off + 4 <= b.length ? ((b[off]! << 24) | (b[off + 1]! << 16) | (b[off + 2]! << 8) | b[off + 3]!) >>> 0 : 0;
  },
  set(b: Uint8Array, off: number, v: number): void {
    if (off + 4 > b.length) return;
    b[off] = v >>> 24;
    b[off + 1] = (v >>> 16) & 0xff;
    b[off + 2] = (v >>> 8) & 0xff;
    b[off + 3] = v & 0xff;
  },
};

/** A blob from a structure block (32-bit words) and a strings block. */
export function buildFdt(words: number[], strings: Uint8Array, rsv: Array<[bigint, bigint]> = []): Uint8Array {
  const rsvBytes = (rsv.length + 1) * 16;
  const offRsv = 40;
  const offStruct = offRsv + rsvBytes;
  const structSize = words.length * 4;
  const offStrings = offStruct + structSize;
  const total = offStrings + strings.length;
  const b = new Uint8Array(total);
  const dv = new DataView(b.buffer);
  const hdr = [0xd00dfeed, total, offStruct, offStrings, offRsv, 17, 16, 0, strings.length, structSize];
  hdr.forEach((v, i) => dv.setUint32(i * 4, v));
  rsv.forEach(([a, s], i) => {
    dv.setBigUint64(offRsv + i * 16, a);
    dv.setBigUint64(offRsv + i * 16 + 8, s);
  });
  words.forEach((w, i) => dv.setUint32(offStruct + i * 4, w >>> 0));
  b.set(strings, offStrings);
  return b;
}

export function nameWords(name: Uint8Array): number[] {
  const padded = new Uint8Array(Math.ceil((name.length + 1) / 4) * 4);
  padded.set(name);
  const out: number[] = [];
  for (let i = 0; i < padded.length; i += 4) out.push(BE.get(padded, i));
  return out;
}

/** Offsets of the structure block's tokens (walked as a reader would, stopping at anything odd). */
export function tokenOffsets(b: Uint8Array): Array<{ off: number; token: number }> {
  const offStruct = BE.get(b, 8);
  const out: Array<{ off: number; token: number }> = [];
  let off = offStruct;
  for (let guard = 0; guard < 100000 && off + 4 <= b.length; guard++) {
    const token = BE.get(b, off);
    out.push({ off, token });
    if (token === 1) {
      let end = off + 4;
      while (end < b.length && b[end] !== 0) end++;
      off = Math.ceil((end + 1) / 4) * 4;
    } else if (token === 3) {
      const len = BE.get(b, off + 4);
      off = off + 12 + Math.ceil(len / 4) * 4;
    } else if (token === 2 || token === 4) off += 4;
    else break;
  }
  return out;
}

export const EXTREMES = [0, 1, 3, 4, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff, 0xffff, 0x10000];

export function mutateBlob(rng: Rng, corpus: Corpus): { what: string; bytes: Uint8Array } {
  const src = rng.pick(corpus.dtbs);
  const b = new Uint8Array(src.bytes);
  const choice = rng.int(0, 11);
  switch (choice) {
    case 0: {
      const n = rng.int(1, 8);
      for (let i = 0; i < n; i++) b[rng.int(0, b.length - 1)]! ^= 1 << rng.int(0, 7);
      return { what: `${src.name}: ${n} bit flips`, bytes: b };
    }
    case 1: {
      const len = rng.int(0, b.length - 1);
      return { what: `${src.name}: truncated to ${len}`, bytes: b.slice(0, len) };
    }
    case 2: {
      const other = rng.pick(corpus.dtbs).bytes;
      const a = rng.int(0, b.length);
      const c = rng.int(0, other.length);
      const out = new Uint8Array(a + other.length - c);
      out.set(b.subarray(0, a));
      out.set(other.subarray(c), a);
      return { what: `${src.name}: spliced at ${a}`, bytes: out };
    }
    case 3: {
      const field = rng.int(0, 9);
      const v = rng.chance(0.7) ? rng.pick(EXTREMES) : rng.int(0, b.length + 64);
      BE.set(b, field * 4, v);
      return { what: `${src.name}: header field ${field} = ${v}`, bytes: b };
    }
    case 4:
    case 5: {
      const props = tokenOffsets(b).filter((t) => t.token === 3);
      if (props.length === 0) return { what: `${src.name}: unchanged`, bytes: b };
      const p = rng.pick(props);
      const which = rng.int(0, 1);
      const v = rng.pick(EXTREMES);
      BE.set(b, p.off + 4 + which * 4, v);
      return { what: `${src.name}: property at ${p.off} ${which ? 'nameoff' : 'len'} = ${v}`, bytes: b };
    }
    case 6: {
      const toks = tokenOffsets(b);
      if (toks.length === 0) return { what: `${src.name}: unchanged`, bytes: b };
      const t = rng.pick(toks);
      const v = rng.pick([0, 1, 2, 3, 4, 5, 9, 0xffffffff]);
      BE.set(b, t.off, v);
      return { what: `${src.name}: token at ${t.off} = ${v}`, bytes: b };
    }
    case 7: {
      // Odd bytes in the strings block (property names).
      const offStrings = BE.get(b, 12);
      const size = BE.get(b, 32);
      const n = rng.int(1, 4);
      for (let i = 0; i < n && size > 0; i++) b[offStrings + rng.int(0, size - 1)] = rng.pick([0x00, 0x01, 0x0a, 0x22, 0x5c, 0x7f, 0x80, 0xc3, 0xff, 0x40, 0x2f, 0x23, 0x20]);
      return { what: `${src.name}: ${n} odd bytes in property names`, bytes: b };
    }
    case 8: {
      const depth = sized(rng, [rng.pick([10, 100, 511, 512, 513]), 1000, 5000, 20000]);
      const words: number[] = [1, 0];
      const names = ['a', 'a@1', 'x,y', ''];
      for (let i = 0; i < depth; i++) words.push(1, ...nameWords(Buffer.from(rng.pick(names))));
      for (let i = 0; i < depth; i++) words.push(2);
      words.push(2, 9);
      return { what: `synthetic: nested ${depth} deep`, bytes: buildFdt(words, new Uint8Array()) };
    }
    case 9: {
      const count = sized(rng, [rng.pick([10, 100]), 1000, 65536, 200000]);
      const names = ['compatible', 'reg', '#address-cells', 'x', 'interrupts', 'status', 'phandle'];
      const strings = Buffer.from(names.join('\0') + '\0');
      const offs = names.map((_, i) => names.slice(0, i).reduce((s, n) => s + n.length + 1, 0));
      const words: number[] = [1, 0];
      if (rng.chance(0.5)) words.push(1, ...nameWords(Buffer.from('vmgenid@0')));
      const same = rng.chance(0.5);
      for (let i = 0; i < count; i++) {
        const k = same ? 0 : rng.int(0, names.length - 1);
        const len = rng.pick([0, 4, 8]);
        words.push(3, len, offs[k]!, ...new Array(len / 4).fill(rng.int(0, 0xffffffff)));
      }
      if (words[2] === 1) words.push(2);
      words.push(2, 9);
      return { what: `synthetic: ${count} properties${same ? ' all named compatible' : ''}`, bytes: buildFdt(words, strings) };
    }
    case 10: {
      const count = sized(rng, [rng.pick([10, 100]), 1000, 100000]);
      const words: number[] = [1, 0];
      for (let i = 0; i < count; i++) words.push(1, ...nameWords(Buffer.from(rng.chance(0.5) ? 'n' : `n@${i.toString(16)}`)), 2);
      words.push(2, 9);
      return { what: `synthetic: ${count} sibling nodes`, bytes: buildFdt(words, new Uint8Array()) };
    }
    default: {
      // Odd node names.
      const odd = [Buffer.from([0xff, 0xfe]), Buffer.from('a/b'), Buffer.from('@'), Buffer.from('a@'), Buffer.from('\x01\n'), Buffer.from('x'.repeat(5000)), Buffer.from('vmgenid@\xff', 'latin1')];
      const name = rng.pick(odd);
      const strings = Buffer.from('compatible\0reg\0');
      const words = [1, 0, 1, ...nameWords(name), 3, 18, 0, ...nameWords(Buffer.from('microsoft,vmgenid')).slice(0, 5), 3, 8, 11, 0, 0x1000, 2, 2, 9];
      return { what: `synthetic: node name ${JSON.stringify(name.toString('latin1').slice(0, 20))}`, bytes: buildFdt(words, strings) };
    }
  }
}

export function dtbCase(rng: Rng, corpus: Corpus): Case {
  const m = mutateBlob(rng, corpus);
  const argv = rng.pick([['in.dtb'], ['--all', 'in.dtb'], ['dump', 'in.dtb'], ['compile', '-O', 'dts', 'in.dtb'], ['compile', 'in.dtb'], ['-f', 'sarif', 'in.dtb'], ['-f', 'json', '--all', 'in.dtb']]);
  if (rng.chance(0.1)) return { kind: 'dtb', what: m.what + ' (stdin)', files: {}, argv: argv.map((a) => (a === 'in.dtb' ? '-' : a)), stdin: m.bytes };
  return { kind: 'dtb', what: m.what, files: { 'in.dtb': m.bytes }, argv };
}

