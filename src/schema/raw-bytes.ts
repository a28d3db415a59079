/**
 * A property value dt-schema cannot decode: dtb.py leaves it as Python
 * `bytes` (an undeclared value that is neither one printable string nor a
 * whole number of 32-bit cells, a flag with a value, a value whose length
 * its declared type does not divide). Python's jsonschema finds such a
 * value of no JSON type at all: every `type` fails (dt-core's "is not of
 * type 'object', 'array', 'boolean', 'null'", a string-array's "is not of
 * type 'array'"), and keywords about strings, numbers, arrays and objects
 * pass it by. In JavaScript only a function has that standing with Ajv (a
 * typed array would pass `type: object`), so the value is one, carrying the
 * bytes; JSON.stringify shows it as Python writes bytes.
 */
export interface RawBytes {
  (): void;
  readonly bytes: Uint8Array;
  toJSON(): string;
}

export function rawBytes(bytes: Uint8Array): RawBytes {
  const value = (() => undefined) as unknown as { bytes: Uint8Array; toJSON(): string };
  Object.defineProperty(value, 'bytes', { value: bytes, enumerable: true });
  Object.defineProperty(value, 'toJSON', { value: () => pythonBytes(bytes) });
  return value as unknown as RawBytes;
}

export function isRawBytes(v: unknown): v is RawBytes {
  return typeof v === 'function' && (v as Partial<RawBytes>).bytes instanceof Uint8Array;
}

/** `b'Mic\x00Jack\x00'`: how Python shows bytes (and dt-validate quotes them). */
export function pythonBytes(bytes: Uint8Array): string {
  let s = "b'";
  for (const b of bytes) {
    if (b === 0x5c) s += '\\\\';
    else if (b === 0x27) s += "\\'";
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x0d) s += '\\r';
    else if (b === 0x09) s += '\\t';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${s}'`;
}
