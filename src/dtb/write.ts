/**
 * The DTB writer: a tree to a version 17 blob, byte for byte as `dtc -O dtb`
 * (dtc's flattree.c): header, memory reservation block, structure block,
 * strings block, then any padding asked for with `-p`, `-S` or `-a`.
 */
import { InputError } from '../source/diagnostic.js';
import type { DeviceTree, Node } from '../tree/node.js';
import {
  alignUp,
  FDT_HEADER_SIZE,
  FDT_LAST_COMPATIBLE_VERSION,
  FDT_MAGIC,
  FDT_RESERVE_ENTRY_SIZE,
  FDT_VERSION,
  FdtToken,
} from './fdt.js';
import { MAX_INPUT_BYTES } from '../source/host.js';

export interface WriteDtbOptions {
  /** dtc's `-p`: bytes of zero padding after the blob (wins over `minSize`). */
  padding?: number;
  /** dtc's `-S`: pad the blob up to at least this many bytes. */
  minSize?: number;
  /** dtc's `-R`: empty memory reservation slots to add. */
  reserveSlots?: number;
  /** dtc's `-a`: pad the blob to a multiple of this (a power of two). */
  align?: number;
}

/** A byte buffer that grows as we append big-endian words. */
class ByteSink {
  private buf = new Uint8Array(256);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.length));
    this.buf = grown;
  }

  u32(value: number): void {
    this.reserve(4);
    new DataView(this.buf.buffer).setUint32(this.length, value >>> 0);
    this.length += 4;
  }

  u64(value: bigint): void {
    this.reserve(8);
    new DataView(this.buf.buffer).setBigUint64(this.length, BigInt.asUintN(64, value));
    this.length += 8;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  /** Zero bytes up to the next multiple of 4, as the structure block requires. */
  align4(): void {
    const pad = alignUp(this.length, 4) - this.length;
    this.reserve(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }

  get view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * The strings block. dtc reuses a name when it occurs anywhere in the block
 * followed by a NUL, so `names` can point into the tail of `reg-names`: the
 * first such occurrence wins.
 */
class StringTable {
  private text = '';

  offsetOf(name: string): number {
    const at = this.text.indexOf(name + '\0');
    if (at >= 0) return at;
    const offset = this.text.length;
    this.text += name + '\0';
    return offset;
  }

  get bytes(): Uint8Array {
    return Uint8Array.from(this.text, (c) => c.charCodeAt(0) & 0xff);
  }
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
}

function flattenNode(node: Node, struct: ByteSink, strings: StringTable): void {
  struct.u32(FdtToken.BeginNode);
  struct.bytes(latin1(node.name));
  struct.bytes(new Uint8Array(1));
  struct.align4();
  for (const prop of node.liveProperties) {
    const value = prop.value.bytes;
    struct.u32(FdtToken.Prop);
    struct.u32(value.length);
    struct.u32(strings.offsetOf(prop.name));
    struct.bytes(value);
    struct.align4();
  }
  for (const child of node.liveChildren) flattenNode(child, struct, strings);
  struct.u32(FdtToken.EndNode);
}

function badOption(message: string): InputError {
  return new InputError([{ severity: 'error', check: 'dtb_write', message }]);
}

/** A blob we would refuse to read back (-p, -S, -a or -R asked for gigabytes). */
function tooBig(size: number): InputError {
  return badOption(`the blob would be ${size} bytes, more than the ${MAX_INPUT_BYTES} bytes allowed`);
}

/** How many zero bytes follow the strings block, as dtc's dt_to_blob works it out. */
function paddingLength(totalsize: number, options: WriteDtbOptions): number {
  let padlen = 0;
  if (options.minSize !== undefined && options.minSize > 0) padlen = Math.max(0, options.minSize - totalsize);
  if (options.padding !== undefined && options.padding > 0) padlen = options.padding;
  if (options.align !== undefined && options.align > 0) padlen = alignUp(totalsize + padlen, options.align) - totalsize;
  return padlen;
}

/** The blob dtc would write for `tree`. */
export function writeDtb(tree: DeviceTree, options: WriteDtbOptions = {}): Uint8Array {
  const slots = options.reserveSlots ?? 0;
  if (!Number.isInteger(slots) || slots < 0) throw badOption(`invalid number of reserve slots: ${slots}`);
  if (slots * FDT_RESERVE_ENTRY_SIZE > MAX_INPUT_BYTES) throw tooBig(slots * FDT_RESERVE_ENTRY_SIZE);

  const reserve = new ByteSink();
  for (const entry of tree.reserves) {
    reserve.u64(entry.address);
    reserve.u64(entry.size);
  }
  for (let i = 0; i < slots; i++) {
    reserve.u64(0n);
    reserve.u64(0n);
  }
  // The terminating all-zero entry.
  reserve.u64(0n);
  reserve.u64(0n);

  const struct = new ByteSink();
  const strings = new StringTable();
  flattenNode(tree.root, struct, strings);
  struct.u32(FdtToken.End);
  const stringBytes = strings.bytes;

  const offMemRsvmap = alignUp(FDT_HEADER_SIZE, 8);
  const offDtStruct = offMemRsvmap + reserve.length;
  const offDtStrings = offDtStruct + struct.length;
  const used = offDtStrings + stringBytes.length;
  const padlen = paddingLength(used, options);
  const totalsize = used + padlen;
  if (totalsize > MAX_INPUT_BYTES) throw tooBig(totalsize);

  const blob = new Uint8Array(totalsize);
  const header = new DataView(blob.buffer);
  const fields = [
    FDT_MAGIC,
    totalsize,
    offDtStruct,
    offDtStrings,
    offMemRsvmap,
    FDT_VERSION,
    FDT_LAST_COMPATIBLE_VERSION,
    tree.bootCpuid,
    stringBytes.length,
    struct.length,
  ];
  fields.forEach((value, i) => header.setUint32(i * 4, value >>> 0));
  blob.set(reserve.view, offMemRsvmap);
  blob.set(struct.view, offDtStruct);
  blob.set(stringBytes, offDtStrings);
  return blob;
}
