/**
 * The flattened devicetree format (DTSpec chapter 5) as dtc writes it:
 * version 17, last compatible version 16, a 40-byte header.
 */

export const FDT_MAGIC = 0xd00dfeed;

/** Structure block tokens. */
export const FdtToken = {
  BeginNode: 1,
  EndNode: 2,
  Prop: 3,
  Nop: 4,
  End: 9,
} as const;

/** The version dtc writes by default, and the oldest one a reader of it must understand. */
export const FDT_VERSION = 17;
export const FDT_LAST_COMPATIBLE_VERSION = 16;

/** Size of a version 17 header: ten 32-bit fields. */
export const FDT_HEADER_SIZE = 40;
/** Size of a version 16 header: no `size_dt_struct`. */
export const FDT_V16_HEADER_SIZE = 36;
/** One memory reservation entry: 64-bit address and size. */
export const FDT_RESERVE_ENTRY_SIZE = 16;

/** Field offsets in the header. */
export const HeaderField = {
  magic: 0,
  totalsize: 4,
  offDtStruct: 8,
  offDtStrings: 12,
  offMemRsvmap: 16,
  version: 20,
  lastCompVersion: 24,
  bootCpuidPhys: 28,
  sizeDtStrings: 32,
  sizeDtStruct: 36,
} as const;

/** Round `n` up to a multiple of `align` (a power of two, or any positive integer). */
export function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}
