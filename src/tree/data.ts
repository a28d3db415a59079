import type { Span } from '../source/span.js';
import { ElementSpans } from './element-spans.js';

/**
 * A property value as dtc keeps it: the bytes that go into the blob, plus
 * markers saying what the source wrote at each offset (a string, cells of a
 * width, a reference to resolve, a label). The DTB writer reads only the bytes;
 * the DTS writer, the JSON view and the checks read the markers.
 */

export const MarkerType = {
  /** Raw bytes of unknown type (`/incbin/`). */
  None: 'none',
  RefPhandle: 'ref-phandle',
  RefPath: 'ref-path',
  Label: 'label',
  Uint8: 'uint8',
  Uint16: 'uint16',
  Uint32: 'uint32',
  Uint64: 'uint64',
  String: 'string',
} as const;
export type MarkerType = (typeof MarkerType)[keyof typeof MarkerType];

export interface Marker {
  /** Byte offset into the value. */
  offset: number;
  type: MarkerType;
  /** The label or path for references and labels; the path for `&ref` strings. */
  ref: string | null;
}

/** Widths of the typed markers, in bytes. */
export const markerWidth: Partial<Record<MarkerType, number>> = {
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
};

/**
 * True for the markers that say how the following bytes are typed. `none`
 * (raw `/incbin/` bytes) says nothing: as in dtc, such bytes get a guessed type.
 */
export function isTypeMarker(type: MarkerType): boolean {
  return type !== 'none' && type !== 'ref-phandle' && type !== 'ref-path' && type !== 'label';
}

/**
 * A growable value. Mutating methods return `this` so that the parser can
 * build one without copying on every appended cell.
 */
/** The starting buffer of every empty value: never written to (the first append replaces it). */
const EMPTY = new Uint8Array(0);
/** The element list of a value with no integer elements (strings, most values): shared, replaced on the first element. */
const NO_ELEMENTS = new ElementSpans();

export class Data {
  private buf: Uint8Array;

  length: number;
  markers: Marker[];
  /**
   * Source positions of the value's integer elements (a cell, a `/bits/`
   * element), in offset order, so a finding about one entry or cell can
   * point at it; none for blob values. Values without elements share one
   * empty list (never added to: see ownElements).
   */
  elements: ElementSpans = NO_ELEMENTS;

  constructor(bytes?: Uint8Array, markers: Marker[] = []) {
    this.buf = bytes ?? EMPTY;
    this.length = this.buf.length;
    this.markers = markers;
  }

  /**
   * The value's bytes (copy before keeping it past the next mutation). The
   * buffer is cut to size on the first read rather than viewed: V8 keeps
   * small typed arrays on its heap, and a view of one (`subarray`) first
   * moves its bytes off the heap, which costs more than copying them.
   */
  get bytes(): Uint8Array {
    this.fitBuffer();
    return this.buf;
  }

  /** The buffer cut to the value's length (a copy, not a view: see above). */
  private fitBuffer(): void {
    if (this.length !== this.buf.length) this.buf = this.buf.slice(0, this.length);
  }

  private reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = Math.max(16, this.buf.length * 2);
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    // The whole old buffer (it is smaller): a view of its used part would cost more.
    grown.set(this.buf);
    this.buf = grown;
  }

  addMarker(type: MarkerType, ref: string | null = null): this {
    const marker = { offset: this.length, type, ref };
    // Most values have one marker: a list of exactly one, where a push would reserve room for seventeen
    // (and every value lives as long as the tree).
    if (this.markers.length === 0) this.markers = [marker];
    else this.markers.push(marker);
    return this;
  }

  /** The element list made this value's own (not the shared empty one) before one is added. */
  private ownElements(): ElementSpans {
    if (this.elements === NO_ELEMENTS) this.elements = new ElementSpans();
    return this.elements;
  }

  appendBytes(bytes: ArrayLike<number>): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  appendByte(byte: number): this {
    this.reserve(1);
    this.buf[this.length++] = byte & 0xff;
    return this;
  }

  /** Append the low `bits` bits of `value`, big-endian, as dtc's data_append_integer. */
  appendInteger(value: bigint, bits: 8 | 16 | 32 | 64): this {
    // Most cells are 32-bit values that fit: written from a number, not byte by byte through BigInt.
    if (bits === 32 && value >= 0n && value <= 0xffff_ffffn) return this.appendCell(Number(value));
    const n = bits / 8;
    this.reserve(n);
    let v = BigInt.asUintN(bits, value);
    for (let i = n - 1; i >= 0; i--) {
      this.buf[this.length + i] = Number(v & 0xffn);
      v >>= 8n;
    }
    this.length += n;
    return this;
  }

  appendCell(value: number): this {
    this.reserve(4);
    const v = value >>> 0;
    this.buf[this.length] = v >>> 24;
    this.buf[this.length + 1] = (v >>> 16) & 0xff;
    this.buf[this.length + 2] = (v >>> 8) & 0xff;
    this.buf[this.length + 3] = v & 0xff;
    this.length += 4;
    return this;
  }

  /** Record where the element starting at the current end was written. */
  addElementSpan(span: Span): this {
    this.ownElements().add(this.length, span);
    return this;
  }

  /** Append `other` (bytes and markers, shifted), as dtc's data_merge. */
  merge(other: Data): this {
    const base = this.length;
    this.appendBytes(other.bytes);
    const markers = other.markers;
    for (let i = 0; i < markers.length; i++) this.markers.push({ ...markers[i]!, offset: markers[i]!.offset + base });
    if (other.elements.count > 0) this.ownElements().append(other.elements, base);
    return this;
  }

  /**
   * Insert bytes at a marker's offset and move every later marker in the list
   * along, as dtc's data_insert_at_marker (used for path references).
   */
  insertAtMarker(marker: Marker, bytes: Uint8Array): this {
    const at = marker.offset;
    this.reserve(bytes.length);
    this.buf.copyWithin(at + bytes.length, at, this.length);
    this.buf.set(bytes, at);
    this.length += bytes.length;
    const index = this.markers.indexOf(marker);
    for (let i = index + 1; i < this.markers.length; i++) this.markers[i]!.offset += bytes.length;
    this.elements.shift(at, bytes.length);
    return this;
  }

  /** Overwrite one big-endian 32-bit cell at `offset`. */
  setCell(offset: number, value: number): void {
    const v = value >>> 0;
    this.buf[offset] = v >>> 24;
    this.buf[offset + 1] = (v >>> 16) & 0xff;
    this.buf[offset + 2] = (v >>> 8) & 0xff;
    this.buf[offset + 3] = v & 0xff;
  }

  /** The big-endian 32-bit cell at `offset` (as an unsigned number). */
  cell(offset: number): number {
    const b = this.buf;
    return ((b[offset]! << 24) | (b[offset + 1]! << 16) | (b[offset + 2]! << 8) | b[offset + 3]!) >>> 0;
  }

  /**
   * The value built so far as a new value of exactly its size (its markers
   * handed over; clear() readies this one for the next). The parser builds
   * every cell list and byte string in one such scratch value, so a value's
   * buffer and element lists are made once at their final size, not grown
   * and then cut.
   */
  take(): Data {
    const taken = new Data(this.buf.slice(0, this.length), this.markers);
    if (this.elements.count > 0) taken.elements = this.elements.copy();
    return taken;
  }

  /** Empty this value (its buffer and lists kept for reuse, its markers begun anew): see take(). */
  clear(): this {
    this.length = 0;
    this.markers = [];
    this.elements.clear();
    return this;
  }

  copy(): Data {
    const copy = new Data(this.bytes.slice(), this.markers.map((m) => ({ ...m })));
    if (this.elements.count > 0) copy.elements = this.elements.copy();
    return copy;
  }

  /**
   * The source span covering the elements in bytes [start, end), when the
   * value came from source and every piece of it is known; null otherwise.
   */
  spanOfBytes(start: number, end: number): Span | null {
    const elements = this.elements;
    let firstIndex = -1;
    let lastIndex = -1;
    for (let i = 0; i < elements.count; i++) {
      const offset = elements.offset(i);
      if (offset < start || offset >= end) continue;
      if (firstIndex < 0) firstIndex = i;
      lastIndex = i;
    }
    if (firstIndex < 0) return null;
    const first = elements.span(firstIndex);
    const last = elements.span(lastIndex);
    // span() makes a plain object of its own: the result can be built on it.
    if (first.file !== last.file) return first;
    return { ...first, endLine: last.endLine, endCol: last.endCol };
  }
}

/**
 * Source text is read as latin1 so that one character is one byte, as dtc sees
 * it: this turns such text back into its bytes.
 */
export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/** Bytes per String.fromCharCode call: its arguments go on the stack. */
const CHARS_PER_CALL = 4096;

/**
 * Bytes [0, end) as latin1 text. The bytes are handed to String.fromCharCode
 * as its arguments, not viewed (a view of a small typed array would cost
 * more) nor added one character at a time (a string per byte, before the
 * JIT has warmed up).
 */
export function latin1Text(bytes: Uint8Array, end = bytes.length): string {
  const codes = bytes as unknown as number[];
  if (bytes.length <= CHARS_PER_CALL) {
    const text = String.fromCharCode.apply(null, codes);
    return end === bytes.length ? text : text.slice(0, end);
  }
  let text = '';
  for (let at = 0; at < end; at += CHARS_PER_CALL) {
    text += String.fromCharCode.apply(null, bytes.slice(at, Math.min(end, at + CHARS_PER_CALL)) as unknown as number[]);
  }
  return text;
}

/** A NUL-terminated string value with a string marker (text in latin1, see above). */
export function stringData(text: string): Data {
  return new Data().addMarker('string').appendBytes(latin1Bytes(text)).appendByte(0);
}
