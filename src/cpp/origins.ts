/**
 * Where output tokens came from. Only tokens that moved are recorded (those
 * made by macro expansion, or pushed to another column by one), per output
 * line as a short list of column ranges; every other position maps to itself.
 * The ranges are kept in flat arrays of numbers (no object per token: a long
 * expanded line records hundreds of thousands of them), and an Origin is made
 * only when a position is looked up.
 */
export interface Origin {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** The outermost macro invoked at this place, when the token came from an expansion. */
  readonly macro?: string;
}

/** A line's ranges, in the order recorded; `ordered` while each starts at or after the previous one's end. */
interface LineSegments {
  /** Per range: start column, end column (exclusive), origin line, origin column. */
  readonly cols: number[];
  readonly files: string[];
  readonly macros: Array<string | undefined>;
  ordered: boolean;
}

export class OriginMap {
  private readonly files = new Map<string, Map<number, LineSegments>>();
  private lastFile = '';
  private lastLines: Map<number, LineSegments> | null = null;
  private lastLine = 0;
  private last: LineSegments | null = null;

  /** Record that output columns [startCol, endCol) of (file, line) hold text from `origin`. */
  add(file: string, line: number, startCol: number, endCol: number, origin: Origin): void {
    this.addAt(file, line, startCol, endCol, origin.file, origin.line, origin.col, origin.macro);
  }

  /** As add(), the origin given by its parts. */
  addAt(file: string, line: number, startCol: number, endCol: number, fromFile: string, fromLine: number, fromCol: number, macro: string | undefined): void {
    let l = this.last;
    if (l === null || file !== this.lastFile || line !== this.lastLine) {
      let lines = this.lastLines !== null && file === this.lastFile ? this.lastLines : this.files.get(file);
      if (!lines) this.files.set(file, (lines = new Map()));
      l = lines.get(line) ?? null;
      if (!l) lines.set(line, (l = { cols: [], files: [], macros: [], ordered: true }));
      this.lastFile = file;
      this.lastLines = lines;
      this.lastLine = line;
      this.last = l;
    }
    const c = l.cols;
    if (c.length > 0 && startCol < c[c.length - 3]!) l.ordered = false;
    c.push(startCol, Math.max(endCol, startCol + 1), fromLine, fromCol);
    l.files.push(fromFile);
    l.macros.push(macro);
  }

  /** The index of the range holding `col`: the first recorded, found by halving when the ranges are ordered (a long expanded line would otherwise cost its length per lookup); -1 when none. */
  private find(l: LineSegments, col: number): number {
    const c = l.cols;
    const n = c.length / 4;
    if (!l.ordered) {
      for (let k = 0; k < n; k++) if (col >= c[4 * k]! && col < c[4 * k + 1]!) return k;
      return -1;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[4 * mid]! <= col) lo = mid + 1;
      else hi = mid;
    }
    const k = lo - 1;
    return k >= 0 && col < c[4 * k + 1]! ? k : -1;
  }

  /** The original position of output position (file, line, col), as the line markers name it. */
  locate(file: string, line: number, col: number): Origin {
    const l = this.files.get(file)?.get(line);
    const k = l ? this.find(l, col) : -1;
    if (l && k >= 0) {
      // Inside a token that kept its text: keep the offset too; expansion results point at the invocation.
      const c = l.cols;
      const macro = l.macros[k];
      if (macro === undefined) return { file: l.files[k]!, line: c[4 * k + 2]!, col: c[4 * k + 3]! + (col - c[4 * k]!) };
      return { file: l.files[k]!, line: c[4 * k + 2]!, col: c[4 * k + 3]!, macro };
    }
    return { file, line, col };
  }

  /** Number of recorded ranges (for tests and statistics). */
  get size(): number {
    let n = 0;
    for (const lines of this.files.values()) for (const l of lines.values()) n += l.files.length;
    return n;
  }
}
