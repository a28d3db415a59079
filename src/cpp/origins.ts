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

/** A line's ranges, in the order recorded; `ordered` while each starts at or after the previous one's end. */
interface LineSegments {
  readonly segs: Segment[];
  ordered: boolean;
}

export class OriginMap {
  private readonly files = new Map<string, Map<number, LineSegments>>();

  /** Record that output columns [startCol, endCol) of (file, line) hold text from `origin`. */
  add(file: string, line: number, startCol: number, endCol: number, origin: Origin): void {
    let lines = this.files.get(file);
    if (!lines) this.files.set(file, (lines = new Map()));
    let l = lines.get(line);
    if (!l) lines.set(line, (l = { segs: [], ordered: true }));
    const last = l.segs[l.segs.length - 1];
    if (last && startCol < last.endCol) l.ordered = false;
    l.segs.push({ startCol, endCol: Math.max(endCol, startCol + 1), origin });
  }

  /** The range holding `col`: the first recorded, found by halving when the ranges are ordered (a long expanded line would otherwise cost its length per lookup). */
  private find(l: LineSegments, col: number): Segment | undefined {
    if (!l.ordered) return l.segs.find((s) => col >= s.startCol && col < s.endCol);
    let lo = 0;
    let hi = l.segs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (l.segs[mid]!.startCol <= col) lo = mid + 1;
      else hi = mid;
    }
    const s = l.segs[lo - 1];
    return s && col < s.endCol ? s : undefined;
  }

  /** The original position of output position (file, line, col), as the line markers name it. */
  locate(file: string, line: number, col: number): Origin {
    const l = this.files.get(file)?.get(line);
    const s = l && this.find(l, col);
    if (s) {
      // Inside a token that kept its text: keep the offset too; expansion results point at the invocation.
      const o = s.origin;
      return o.macro === undefined ? { file: o.file, line: o.line, col: o.col + (col - s.startCol) } : o;
    }
    return { file, line, col };
  }

  /** Number of recorded ranges (for tests and statistics). */
  get size(): number {
    let n = 0;
    for (const lines of this.files.values()) for (const l of lines.values()) n += l.segs.length;
    return n;
  }
}
