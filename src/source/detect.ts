/** What an input holds, judged by its content rather than its name. */
export type InputKind = 'dtb' | 'dts';

/** FDT magic, first four bytes of every blob (big-endian 0xd00dfeed). */
const FDT_MAGIC = [0xd0, 0x0d, 0xfe, 0xed] as const;

export function detectInputKind(bytes: Uint8Array): InputKind {
  return bytes.length >= 4 && FDT_MAGIC.every((b, i) => bytes[i] === b) ? 'dtb' : 'dts';
}
