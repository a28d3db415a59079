/**
 * Files already cut into logical lines, kept by their text so that the same
 * header or .dtsi read again (by a guarded re-include, or by the next board
 * of a run) is not lexed again. Lines and tokens are only read, never
 * changed, after lexing, so any number of preprocessor runs may share them.
 *
 * A run over a kernel tree reads the same few hundred headers and SoC .dtsi
 * files for board after board (in folder order, so a vendor's files come
 * back while they are still here): the cache is bounded by the text it
 * holds, and forgets the file least recently read first.
 */
import type { Diagnostic } from '../source/diagnostic.js';
import { BoundedCache } from '../bounded-cache.js';
import { bytesToLatin1 } from '../source/host.js';
import { lexFile, type LogicalLine } from './tokens.js';

export interface LexedFile {
  readonly lines: LogicalLine[];
  /** What lexing found, under the name the file was first lexed as. */
  readonly diagnostics: Diagnostic[];
  readonly name: string;
}

/**
 * How much source text a cache shared by the inputs of a run keeps by
 * default. On Linux 6.1's 765 arm64 boards (one call, no bindings) 256 KiB
 * cut the run by a fifth for 35 MiB more at the peak; 128 KiB kept too few
 * of the SoC .dtsi files to gain anything, 1 MiB gained no more and peaked
 * 63 MiB higher still.
 */
export const DEFAULT_LEXED_BUDGET = 256 * 1024;

export class LexedFiles {
  private readonly files: BoundedCache<string, LexedFile>;
  /** File contents as text, by the bytes they were read as: a run's include cache gives the same bytes for the same file. */
  private readonly texts = new WeakMap<Uint8Array, string>();

  /** `budget`: characters of source text kept at most (the last file lexed is always kept, whatever its size). */
  constructor(budget = Infinity) {
    this.files = new BoundedCache(budget, (text) => text.length);
  }

  /** A file's bytes as the preprocessor reads them (latin1), decoded once for the same bytes. */
  textOf(bytes: Uint8Array): string {
    let text = this.texts.get(bytes);
    if (text === undefined) this.texts.set(bytes, (text = bytesToLatin1(bytes)));
    return text;
  }

  /** The file of this text, lexed now or before. */
  lex(name: string, text: string): LexedFile {
    const known = this.files.get(text);
    if (known) return known;
    const diagnostics: Diagnostic[] = [];
    const lexed: LexedFile = { lines: lexFile(name, text, diagnostics), diagnostics, name };
    this.files.set(text, lexed);
    return lexed;
  }
}
