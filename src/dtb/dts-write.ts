/**
 * The DTS writer: a tree back to source, character for character as
 * `dtc -O dts` 1.6.1 (treesource.c). Values keep the types their markers
 * record; a value without any (read from a blob) gets dtc's guess: a string
 * list, cells, or bytes. References print as the numbers they resolved to.
 */
import { isTypeMarker, markerWidth, type Data, type Marker, type MarkerType } from '../tree/data.js';
import { liveLabels, type DeviceTree, type Label, type Node, type Property } from '../tree/node.js';

/** C's isprint in the C locale. */
function isPrint(byte: number): boolean {
  return byte >= 0x20 && byte < 0x7f;
}

/** dtc's isstring: printable, NUL, or one of the escapes it writes. */
function isStringByte(byte: number): boolean {
  return isPrint(byte) || byte === 0 || (byte >= 7 && byte <= 13);
}

const ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  0x5c: '\\\\',
  0x22: '\\"',
  0: '\\0',
};

function hex2(n: number | bigint): string {
  return n.toString(16).padStart(2, '0');
}

/**
 * One string chunk (it ends with its NUL). dtc prints a byte that is not
 * printable through a signed `char`, so 0x80 and above come out sign-extended
 * (`\xffffff80`); we keep that, since our output must equal dtc's.
 */
function stringChunk(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  let out = '"';
  for (let i = 0; i < bytes.length - 1; i++) {
    const b = bytes[i]!;
    const escape = ESCAPES[b];
    if (escape !== undefined) out += escape;
    else if (isPrint(b)) out += String.fromCharCode(b);
    else out += '\\x' + (b >= 0x80 ? 'ffffff' + hex2(b) : hex2(b));
  }
  return out + '"';
}

function intChunk(bytes: Uint8Array, width: number): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words: string[] = [];
  for (let p = 0; p + width <= bytes.length; p += width) {
    switch (width) {
      case 1:
        words.push(hex2(bytes[p]!));
        break;
      case 2:
        words.push('0x' + hex2(view.getUint16(p)));
        break;
      case 4:
        words.push('0x' + hex2(view.getUint32(p)));
        break;
      default:
        words.push('0x' + hex2(view.getBigUint64(p)));
    }
  }
  return words.join(' ');
}

const DELIM_START: Partial<Record<MarkerType, string>> = {
  uint8: '[',
  uint16: '/bits/ 16 <',
  uint32: '<',
  uint64: '/bits/ 64 <',
  string: '',
};
const DELIM_END: Partial<Record<MarkerType, string>> = {
  uint8: ']',
  uint16: '>',
  uint32: '>',
  uint64: '>',
  string: '',
};

/** dtc's guess_value_type, for values with no type markers. */
function guessType(value: Data): MarkerType {
  return guessBytesType(value.bytes, value.markers);
}

function guessBytesType(bytes: Uint8Array, markers: readonly Marker[]): MarkerType {
  const len = bytes.length;
  let notString = 0;
  let nuls = 0;
  for (const b of bytes) {
    if (!isStringByte(b)) notString++;
    if (b === 0) nuls++;
  }
  let labelsNotAfterString = 0;
  let labelsNotOnCell = 0;
  for (const m of markers) {
    if (m.type !== 'label') continue;
    if (m.offset > 0 && bytes[m.offset - 1] !== 0) labelsNotAfterString++;
    if (m.offset % 4 !== 0) labelsNotOnCell++;
  }
  if (bytes[len - 1] === 0 && notString === 0 && nuls <= len - nuls && labelsNotAfterString === 0) return 'string';
  if (len % 4 === 0 && labelsNotOnCell === 0) return 'uint32';
  return 'uint8';
}

/** Bytes from `marker` to the next type marker after it (0 when there is none), as dtc's type_marker_length. */
function typeMarkerLength(markers: readonly Marker[], index: number): number {
  for (let j = index + 1; j < markers.length; j++) {
    if (isTypeMarker(markers[j]!.type)) return markers[j]!.offset - markers[index]!.offset;
  }
  return 0;
}

/** ` = …` for a value, following dtc's write_propval marker walk. */
function valueText(value: Data): string {
  const bytes = value.bytes;
  const len = bytes.length;
  let markers: Marker[] = value.markers;
  if (!markers.some((m) => isTypeMarker(m.type))) {
    markers = [{ offset: 0, type: guessType(value), ref: null }, ...markers];
  }
  let out = ' =';
  let emitType: MarkerType | null = null;
  markers.forEach((m, i) => {
    const chunkEnd = i + 1 < markers.length ? markers[i + 1]!.offset : len;
    const chunkLen = chunkEnd - m.offset;
    const dataLen = typeMarkerLength(markers, i) || len - m.offset;
    if (isTypeMarker(m.type)) {
      emitType = m.type;
      out += ' ' + (DELIM_START[m.type] ?? '');
    } else if (m.type === 'label') {
      out += ` ${m.ref}:`;
    } else if (m.offset) {
      out += ' ';
    }
    const chunk = bytes.subarray(m.offset, chunkEnd);
    if (emitType === null) {
      // Untyped bytes (an /incbin/) before a typed chunk: dtc 1.6.1 fails an
      // assertion here; we print them with a guessed type rather than drop them.
      if (chunkLen === 0) return;
      const guessed = guessBytesType(chunk, []);
      out += (m.offset ? '' : ' ') + (DELIM_START[guessed] ?? '');
      out += guessed === 'string' ? stringChunk(chunk) : intChunk(chunk, markerWidth[guessed] ?? 1);
      out += (DELIM_END[guessed] ?? '') + (chunkEnd === len ? '' : ',');
      return;
    }
    if (emitType === 'string') out += stringChunk(chunk);
    else out += intChunk(chunk, markerWidth[emitType] ?? 1);
    if (chunkLen === dataLen) {
      out += (DELIM_END[emitType] ?? '') + (m.offset + chunkLen === len ? '' : ',');
      emitType = null;
    }
  });
  return out;
}

function labelPrefix(labels: readonly Label[]): string {
  return liveLabels(labels)
    .map((l) => `${l.name}: `)
    .join('');
}

function propertyText(prop: Property, indent: string): string {
  const value = prop.value.length === 0 ? '' : valueText(prop.value);
  return `${indent}${labelPrefix(prop.labels)}${prop.name}${value};\n`;
}

function nodeText(node: Node, level: number, out: string[]): void {
  const indent = '\t'.repeat(level);
  out.push(`${indent}${labelPrefix(node.labels)}${node.name ? node.name : '/'} {\n`);
  for (const prop of node.liveProperties) out.push(propertyText(prop, indent + '\t'));
  for (const child of node.liveChildren) {
    out.push('\n');
    nodeText(child, level + 1, out);
  }
  out.push(`${indent}};\n`);
}

/** The source dtc would write for `tree`. */
export function writeDts(tree: DeviceTree): string {
  const out: string[] = ['/dts-v1/;\n\n'];
  for (const entry of tree.reserves) {
    out.push(`${labelPrefix(entry.labels)}/memreserve/\t0x${entry.address.toString(16).padStart(16, '0')} 0x${entry.size.toString(16).padStart(16, '0')};\n`);
  }
  nodeText(tree.root, 0, out);
  return out.join('');
}
