/**
 * The detectors: what is wrong with a finished run, judged from its exit
 * code and its output alone (the files it touched are judged by snapshot.ts).
 */
import type { Case } from './case.js';

/** What a run printed: the start of each stream, and how much there was in all. */
export interface Printed {
  code: number | null;
  /** The signal that ended a child process, if one did. */
  signal?: string | null;
  stdout: string;
  stderr: string;
  stdoutBytes: number;
  stderrBytes: number;
  /** The report was written to a file (-o), so standard output is empty by design. */
  toFile: boolean;
}

const MIB = 1 << 20;

/** A report may be this much larger than its input (a finding quotes a line, names a path…), plus a fixed allowance. */
export const REPORT_BYTES_PER_INPUT_BYTE = 64;
export const REPORT_BYTES_ALLOWANCE = MIB;

/** Exit codes a run may end with: verdicts, usage/bad input, and interrupted by SIGINT/SIGTERM. */
export const GOOD_EXIT_CODES: readonly number[] = [0, 1, 2, 130, 143];

const STACK_FRAME = /^\s{4}at |\n {4}at \S+ \(/m;
const JS_ERROR =
  /RangeError|TypeError|ReferenceError|SyntaxError: |EvalError|URIError|AggregateError|Cannot read properties|Maximum call stack|Invalid string length|Invalid array length|is not a function|is not iterable|undefined is not|out of memory|Array buffer allocation failed/;
/** In a child's environment: a report that shows it has read /proc/self/environ. */
export const ENVIRONMENT_SECRET = 'vmgenid-fuzz-environment-secret';

/** Characters a report must never carry raw: a terminal escape, a carriage return (forges a line in a log), a NUL. */
const RAW_CONTROL = /[\x1b\r\0]/;

/** True when standard output is the tool's product (a blob or DTS from `compile`), not a report. */
export function stdoutIsProduct(argv: readonly string[]): boolean {
  return argv.includes('compile');
}

function describeControl(text: string): string {
  const at = text.search(RAW_CONTROL);
  const ch = text[at]!;
  const name = ch === '\x1b' ? 'ESC' : ch === '\r' ? 'CR' : 'NUL';
  return `raw ${name} in the report: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}`;
}

/** What is wrong with a finished run, or null. `inputBytes` is the size of everything the case gives it. */
export function judge(c: Case, p: Printed, inputBytes: number): string | null {
  const text = p.stdout + '\n' + p.stderr;
  if (p.code === null) {
    if (p.signal && c.signal && p.signal === c.signal.name) return null; // ended by the signal we sent, before any handler
    return `ended without an exit code${p.signal ? ` (signal ${p.signal})` : ''}`;
  }
  if (p.code === 70) return `internal error (exit 70): ${p.stderr.trim().split('\n')[0]?.slice(0, 300) ?? ''}`;
  if (!GOOD_EXIT_CODES.includes(p.code)) return `exit ${p.code}`;
  if ((p.code === 130 || p.code === 143) && c.signal === undefined) return `exit ${p.code} with no signal sent`;
  if (c.signal && p.code === 130 && c.signal.name !== 'SIGINT') return `exit 130 after ${c.signal.name}`;
  if (c.signal && p.code === 143 && c.signal.name !== 'SIGTERM') return `exit 143 after ${c.signal.name}`;
  if (STACK_FRAME.test(text)) return 'stack trace in the output';
  const js = JS_ERROR.exec(text);
  if (js) return `JavaScript error in the output: ${js[0]}`;
  // With standard output closed before the first write the report had nowhere to go: the exit code is all there is.
  const stdoutGone = c.pipe?.atOnce === true;
  if (p.code === 2 && !p.toFile && !stdoutGone && p.stdout.trim() === '' && p.stderr.trim() === '') return 'exit 2 without a message';
  for (const secret of c.secrets ?? []) if (text.includes(secret)) return `the report shows ${JSON.stringify(secret)}, which is in no input`;
  if (RAW_CONTROL.test(p.stderr)) return describeControl(p.stderr);
  const product = stdoutIsProduct(c.argv);
  if (!product && RAW_CONTROL.test(p.stdout)) return describeControl(p.stdout);
  const reportBytes = p.stderrBytes + (product ? 0 : p.stdoutBytes);
  const bound = REPORT_BYTES_ALLOWANCE + REPORT_BYTES_PER_INPUT_BYTE * inputBytes;
  if (reportBytes > bound) return `a report of ${reportBytes} bytes for ${inputBytes} bytes of input (bound ${bound})`;
  if (c.expect && !c.expect.codes.includes(p.code)) return `exit ${p.code}, expected ${c.expect.codes.join(' or ')}: ${c.expect.why}`;
  return null;
}

/** Collects one output stream: its first `keep` characters, and its size. */
export class Capture {
  text = '';
  bytes = 0;
  constructor(private readonly keep = MIB) {}
  add(chunk: string | Uint8Array): void {
    this.bytes += chunk.length;
    if (this.text.length < this.keep) this.text += (typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1')).slice(0, this.keep - this.text.length);
  }
}
