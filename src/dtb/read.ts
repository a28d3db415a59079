/**
 * The DTB reader. A blob is untrusted input: every header field, offset and
 * length is checked against the blob before it is used, and a bad blob is an
 * InputError naming what is wrong and at which byte offset — never a crash.
 * Versions 16 and 17 (and later versions that declare compatibility with 17).
 */
import { InputError, type Diagnostic } from '../source/diagnostic.js';
import { Data } from '../tree/data.js';
import { MAX_PROPERTY_BYTES, MAX_TREE_NODES, MAX_TREE_PROPERTIES, Node, Property, type DeviceTree, type ReserveEntry } from '../tree/node.js';
import {
  alignUp,
  FDT_HEADER_SIZE,
  FDT_MAGIC,
  FDT_RESERVE_ENTRY_SIZE,
  FDT_V16_HEADER_SIZE,
  FDT_VERSION,
  FdtToken,
  HeaderField,
} from './fdt.js';
import { quote, shownName } from '../source/quote.js';

/** Deepest node nesting we accept, as for DTS source. */
export const MAX_DTB_NODE_DEPTH = 512;

function hex(n: number): string {
  return '0x' + n.toString(16);
}

class BlobReader {
  private readonly view: DataView;

  constructor(
    private readonly blob: Uint8Array,
    private readonly file: string,
  ) {
    this.view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  }

  fail(message: string, nodePath?: string): never {
    const d: Diagnostic = { severity: 'error', check: 'dtb_format', message, file: this.file };
    if (nodePath) d.nodePath = nodePath;
    throw new InputError([d]);
  }

  u32(offset: number, what: string, limit = this.blob.length): number {
    if (offset + 4 > limit) this.fail(`${what} at offset ${hex(offset)} runs past the end of its block (${hex(limit)})`);
    return this.view.getUint32(offset);
  }

  u64(offset: number, what: string, limit = this.blob.length): bigint {
    if (offset + 8 > limit) this.fail(`${what} at offset ${hex(offset)} runs past the end of its block (${hex(limit)})`);
    return this.view.getBigUint64(offset);
  }

  /** A NUL-terminated string starting at `offset`, which must end before `limit`. */
  cString(offset: number, limit: number): string | null {
    const end = this.blob.indexOf(0, offset);
    if (end < 0 || end >= limit) return null;
    let text = '';
    for (let i = offset; i < end; i++) text += String.fromCharCode(this.blob[i]!);
    return text;
  }

  bytes(offset: number, length: number): Uint8Array {
    return this.blob.slice(offset, offset + length);
  }
}

interface Header {
  totalsize: number;
  offDtStruct: number;
  offDtStrings: number;
  offMemRsvmap: number;
  version: number;
  bootCpuid: number;
  sizeDtStrings: number;
  /** End of the structure block: exact for version 17, the blob's end for 16. */
  structLimit: number;
}

function readHeader(r: BlobReader, blob: Uint8Array): Header {
  if (blob.length < 8) r.fail(`blob is ${blob.length} bytes, too short for an FDT header`);
  const magic = r.u32(HeaderField.magic, 'magic');
  if (magic !== FDT_MAGIC) r.fail(`bad magic ${hex(magic)} (expected ${hex(FDT_MAGIC)}): not a devicetree blob`);
  const totalsize = r.u32(HeaderField.totalsize, 'totalsize');
  if (totalsize > blob.length) r.fail(`header totalsize ${totalsize} is larger than the blob (${blob.length} bytes): truncated?`);
  if (totalsize < FDT_V16_HEADER_SIZE) r.fail(`header totalsize ${totalsize} is smaller than a header`);
  const version = r.u32(HeaderField.version, 'version', totalsize);
  const lastComp = r.u32(HeaderField.lastCompVersion, 'last_comp_version', totalsize);
  if (version < 16) r.fail(`FDT version ${version} is not supported (versions 16 and 17 are)`);
  if (lastComp > FDT_VERSION) r.fail(`FDT last compatible version ${lastComp} is newer than 17, which this reader understands`);
  const headerSize = version >= 17 ? FDT_HEADER_SIZE : FDT_V16_HEADER_SIZE;
  if (totalsize < headerSize) r.fail(`header totalsize ${totalsize} is smaller than a version ${version} header (${headerSize})`);
  const h: Header = {
    totalsize,
    offDtStruct: r.u32(HeaderField.offDtStruct, 'off_dt_struct'),
    offDtStrings: r.u32(HeaderField.offDtStrings, 'off_dt_strings'),
    offMemRsvmap: r.u32(HeaderField.offMemRsvmap, 'off_mem_rsvmap'),
    version,
    bootCpuid: r.u32(HeaderField.bootCpuidPhys, 'boot_cpuid_phys'),
    sizeDtStrings: r.u32(HeaderField.sizeDtStrings, 'size_dt_strings'),
    structLimit: totalsize,
  };
  if (h.offMemRsvmap >= totalsize) r.fail(`memory reservation block offset ${hex(h.offMemRsvmap)} is past totalsize ${hex(totalsize)}`);
  if (h.offMemRsvmap % 8 !== 0) r.fail(`memory reservation block offset ${hex(h.offMemRsvmap)} is not 8-byte aligned`);
  if (h.offDtStruct >= totalsize) r.fail(`structure block offset ${hex(h.offDtStruct)} is past totalsize ${hex(totalsize)}`);
  if (h.offDtStruct % 4 !== 0) r.fail(`structure block offset ${hex(h.offDtStruct)} is not 4-byte aligned`);
  if (h.offDtStrings > totalsize) r.fail(`strings block offset ${hex(h.offDtStrings)} is past totalsize ${hex(totalsize)}`);
  if (h.offDtStrings + h.sizeDtStrings > totalsize) {
    r.fail(`strings block (${hex(h.offDtStrings)} + ${h.sizeDtStrings} bytes) extends past totalsize ${hex(totalsize)}`);
  }
  if (version >= 17) {
    const sizeDtStruct = r.u32(HeaderField.sizeDtStruct, 'size_dt_struct');
    if (h.offDtStruct + sizeDtStruct > totalsize) {
      r.fail(`structure block (${hex(h.offDtStruct)} + ${sizeDtStruct} bytes) extends past totalsize ${hex(totalsize)}`);
    }
    h.structLimit = h.offDtStruct + sizeDtStruct;
  }
  return h;
}

/** Entries up to the first with size 0, which ends the list (as dtc reads it). */
function readReserves(r: BlobReader, h: Header): ReserveEntry[] {
  const entries: ReserveEntry[] = [];
  for (let offset = h.offMemRsvmap; ; offset += FDT_RESERVE_ENTRY_SIZE) {
    if (offset + FDT_RESERVE_ENTRY_SIZE > h.totalsize) r.fail(`memory reservation block has no terminating entry before ${hex(h.totalsize)}`);
    const address = r.u64(offset, 'reservation address', h.totalsize);
    const size = r.u64(offset + 8, 'reservation size', h.totalsize);
    if (size === 0n) {
      checkOverlaps(r, h, offset + FDT_RESERVE_ENTRY_SIZE);
      return entries;
    }
    entries.push({ address, size, labels: [], span: null });
  }
}

/**
 * The three blocks must not share bytes (the reservation map up to and with
 * its terminator, the structure block, the strings block): a blob whose
 * blocks overlap was not written by any compiler, and reading it would read
 * one block's bytes as another's. dtc reads such a blob without a word.
 */
function checkOverlaps(r: BlobReader, h: Header, rsvEnd: number): void {
  const blocks: Array<[string, number, number]> = [
    ['memory reservation block', h.offMemRsvmap, rsvEnd],
    ['strings block', h.offDtStrings, h.offDtStrings + h.sizeDtStrings],
  ];
  // Version 16 does not give the structure block's size; its start must still be outside the others.
  blocks.push(['structure block', h.offDtStruct, h.version >= 17 ? h.structLimit : h.offDtStruct + 4]);
  for (let i = 0; i < blocks.length; i++) {
    for (let j = i + 1; j < blocks.length; j++) {
      const [a, aStart, aEnd] = blocks[i]!;
      const [b, bStart, bEnd] = blocks[j]!;
      if (aStart < aEnd && bStart < bEnd && aStart < bEnd && bStart < aEnd) {
        r.fail(`${a} (${hex(aStart)}-${hex(aEnd)}) and ${b} (${hex(bStart)}-${hex(bEnd)}) overlap`);
      }
    }
  }
}

function readStructure(r: BlobReader, h: Header): Node {
  const limit = h.structLimit;
  const stringsEnd = h.offDtStrings + h.sizeDtStrings;
  let offset = h.offDtStruct;
  const word = (what: string) => {
    const value = r.u32(offset, what, limit);
    offset += 4;
    return value;
  };
  let first = word('first structure token');
  while (first === FdtToken.Nop) first = word('first structure token');
  if (first !== FdtToken.BeginNode) r.fail(`structure block begins with token ${hex(first)} at ${hex(offset - 4)}, not FDT_BEGIN_NODE`);

  const stack: Node[] = [];
  let root: Node | null = null;
  let nodes = 0;
  let properties = 0;
  const beginNode = () => {
    if (++nodes > MAX_TREE_NODES) r.fail(`more than ${MAX_TREE_NODES} nodes (at ${hex(offset - 4)})`, stack.at(-1)?.path);
    const nameAt = offset;
    const name = r.cString(nameAt, limit);
    if (name === null) r.fail(`node name at ${hex(nameAt)} is not NUL-terminated inside the structure block`, stack.at(-1)?.path);
    offset = alignUp(nameAt + name.length + 1, 4);
    const node = new Node(name);
    if (stack.length === 0) root = node;
    else stack.at(-1)!.addChild(node);
    stack.push(node);
    if (stack.length > MAX_DTB_NODE_DEPTH) r.fail(`nodes nested more than ${MAX_DTB_NODE_DEPTH} deep at ${hex(nameAt)}`);
  };
  beginNode();
  while (stack.length > 0) {
    const at = offset;
    const token = word('structure token');
    const node = stack.at(-1)!;
    switch (token) {
      case FdtToken.BeginNode:
        beginNode();
        break;
      case FdtToken.EndNode:
        stack.pop();
        break;
      case FdtToken.Prop: {
        const length = word('property length');
        const nameOffset = word('property name offset');
        if (nameOffset >= h.sizeDtStrings) r.fail(`property at ${hex(at)} names string offset ${nameOffset}, outside the strings block (${h.sizeDtStrings} bytes)`, node.path);
        const name = r.cString(h.offDtStrings + nameOffset, stringsEnd);
        if (name === null) r.fail(`property name at string offset ${nameOffset} is not NUL-terminated inside the strings block`, node.path);
        if (offset + length > limit) r.fail(`property ${quote(name)} at ${hex(at)} has length ${length}, past the end of the structure block`, node.path);
        if (length > MAX_PROPERTY_BYTES) r.fail(`property ${quote(name)} at ${hex(at)} has length ${length}, more than the ${MAX_PROPERTY_BYTES} bytes a property may hold`, node.path);
        if (++properties > MAX_TREE_PROPERTIES) r.fail(`more than ${MAX_TREE_PROPERTIES} properties (at ${hex(at)})`, node.path);
        node.addProperty(new Property(name, new Data(r.bytes(offset, length))));
        offset = alignUp(offset + length, 4);
        break;
      }
      case FdtToken.Nop:
        break;
      case FdtToken.End:
        r.fail(`FDT_END at ${hex(at)} before node '${shownName(node.path)}' was closed`, node.path);
      default:
        r.fail(`unknown structure token ${hex(token)} at ${hex(at)}`, node.path);
    }
  }
  let end = word('FDT_END');
  while (end === FdtToken.Nop) end = word('FDT_END');
  if (end !== FdtToken.End) r.fail(`expected FDT_END after the root node at ${hex(offset - 4)}, found ${hex(end)}`);
  return root!;
}

/** Read a blob into a tree (no labels; values carry no type markers, as dtc). */
export function readDtb(blob: Uint8Array, file: string): DeviceTree {
  const r = new BlobReader(blob, file);
  const header = readHeader(r, blob);
  const reserves = readReserves(r, header);
  const root = readStructure(r, header);
  return { plugin: false, reserves, root, bootCpuid: header.bootCpuid };
}
