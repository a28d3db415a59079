/**
 * Where output tokens came from. Only tokens that moved are recorded (those
 * made by macro expansion, or pushed to another column by one), per output
 * line as a short list of column ranges; every other position maps to itself.
 */
export interface Origin {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The outermost macro invoked at this place, when the token came from an expansion. */
  readonly macro?: string;
}

interface Segment {
  readonly startCol: number;
  readonly endCol: number;
  readonly origin: Origin;
}

export class OriginMap {
  private readonly files = new Map<string, Map<number, Segment[]>>();

  /** Record that output columns [startCol, endCol) of (file, line) hold text from `origin`. */
  add(file: string, line: number, startCol: number, endCol: number, origin: Origin): void {
    let lines = this.files.get(file);
    if (!lines) this.files.set(file, (lines = new Map()));
    let segs = lines.get(line);
    if (!segs) lines.set(line, (segs = []));
    segs.push({ startCol, endCol: Math.max(endCol, startCol + 1), origin });
  }

  /** The original position of output position (file, line, col), as the line markers name it. */
  locate(file: string, line: number, col: number): Origin {
    const segs = this.files.get(file)?.get(line);
    if (segs) {
      for (const s of segs) {
        if (col >= s.startCol && col < s.endCol) {
          // Inside a token that kept its text: keep the offset too; expansion results point at the invocation.
          const o = s.origin;
          return o.macro === undefined ? { file: o.file, line: o.line, col: o.col + (col - s.startCol) } : o;
        }
      }
    }
    return { file, line, col };
  }

  /** Number of recorded ranges (for tests and statistics). */
  get size(): number {
    let n = 0;
    for (const lines of this.files.values()) for (const segs of lines.values()) n += segs.length;
    return n;
  }
}
