import type { Span } from '../source/span.js';

/** Numbers kept per element: byte offset, line, col, endLine, endCol. */
const STRIDE = 5;

/**
 * Where each integer element of a value (a cell, a `/bits/` element, a byte
 * of a `[…]` string) was written in the source, so that a finding about one
 * entry or cell can point at it. A board has tens of thousands of cells and
 * each of these lives as long as the tree, so they are kept as small integers
 * in one list (no object per element for the garbage collector to copy), the
 * file once for all elements (one per element only once they differ), and
 * macro names only when an element has one. Keeping each cell's token as its
 * span, as the parser had it, kept a token object alive per cell. (A plain
 * list rather than an Int32Array: V8 makes and cuts one faster, and a run over
 * many small boards makes thousands.)
 */
export class ElementSpans {
  private nums: number[];
  /** Elements recorded. */
  count = 0;
  /** The file of every element, while they all share one. */
  private file: string | null = null;
  /** The file of each element, once they differ. */
  private files: string[] | null = null;
  /** The macro each element came from, once one did. */
  private macros: (string | undefined)[] | null = null;

  constructor(nums: number[] = []) {
    this.nums = nums;
  }

  /** The byte offset of element `i` in its value. */
  offset(i: number): number {
    return this.nums[i * STRIDE]!;
  }

  /** Where element `i` was written, as a span of its own. */
  span(i: number): Span {
    const n = this.nums;
    const at = i * STRIDE;
    const span: { -readonly [K in keyof Span]: Span[K] } = {
      file: this.files ? this.files[i]! : this.file!,
      line: n[at + 1]!,
      col: n[at + 2]!,
      endLine: n[at + 3]!,
      endCol: n[at + 4]!,
    };
    const macro = this.macros?.[i];
    if (macro !== undefined) span.macro = macro;
    return span;
  }

  /** Record an element at byte `offset` written at `span` (only its position is kept). */
  add(offset: number, span: Span): void {
    const i = this.count;
    this.nums.push(offset, span.line, span.col, span.endLine, span.endCol);
    this.count = i + 1;
    this.setFile(i, span.file);
    this.setMacro(i, span.macro);
  }

  /** Put `span` in place of element `i`'s position (its offset stays). */
  set(i: number, span: Span): void {
    const n = this.nums;
    const at = i * STRIDE;
    n[at + 1] = span.line;
    n[at + 2] = span.col;
    n[at + 3] = span.endLine;
    n[at + 4] = span.endCol;
    this.setFile(i, span.file);
    this.setMacro(i, span.macro);
  }

  /** Add `by` to the offset of every element at or after byte `from` (bytes were inserted there). */
  shift(from: number, by: number): void {
    const n = this.nums;
    for (let at = 0; at < this.count * STRIDE; at += STRIDE) if (n[at]! >= from) n[at] = n[at]! + by;
  }

  /** Append `other`'s elements, their offsets moved on by `base`. */
  append(other: ElementSpans, base: number): void {
    for (let i = 0; i < other.count; i++) this.add(other.offset(i) + base, other.span(i));
  }

  /** A copy of its own, holding exactly these elements. */
  copy(): ElementSpans {
    const copy = new ElementSpans(this.nums.slice(0, this.count * STRIDE));
    copy.count = this.count;
    copy.file = this.file;
    copy.files = this.files?.slice(0, this.count) ?? null;
    copy.macros = this.macros?.slice(0, this.count) ?? null;
    return copy;
  }

  /** Forget every element. */
  clear(): void {
    if (this.count === 0) return;
    this.nums.length = 0;
    this.count = 0;
    this.file = null;
    this.files = null;
    this.macros = null;
  }

  /** Element `i`'s macro: a list is made only once some element has one. */
  private setMacro(i: number, macro: string | undefined): void {
    if (macro === undefined && !this.macros) return;
    (this.macros ??= new Array<string | undefined>(this.count).fill(undefined))[i] = macro;
  }

  /** Element `i`'s file (of `count` recorded): kept once while every element shares it. */
  private setFile(i: number, file: string): void {
    if (this.files) this.files[i] = file;
    else if (this.count === 1) this.file = file;
    else if (this.file !== file) {
      this.files = new Array<string>(this.count).fill(this.file!);
      this.files[i] = file;
    }
  }
}
