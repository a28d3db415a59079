import { existsSync } from 'node:fs';
import { run } from '../src/cli/main.js';
import type { CliIo } from '../src/cli/io.js';
import { preprocess, type PreprocessOptions, type PreprocessResult } from '../src/cpp/index.js';
import { fileURLToPath } from 'node:url';
import { compileDtsText, type CompileOptions, type CompileResult } from '../src/compiler.js';
import type { FileHost } from '../src/source/host.js';
import { latin1Bytes } from '../src/tree/data.js';

/** A path inside the project (tests run from dist/test/). */
export function projectPath(relative: string): string {
  return fileURLToPath(new URL(`../../${relative}`, import.meta.url));
}

/** The shared conformance corpus beside the checkout, or null when it is absent. */
export function corpusPath(): string | null {
  const path = projectPath('../shared/corpus');
  return existsSync(path) ? path : null;
}

/** A host serving files from memory (latin1 text or bytes). */
export function memoryHost(files: Record<string, string | Uint8Array>): FileHost {
  return {
    readBytes(path: string) {
      const f = files[path];
      if (f === undefined) return { error: 'No such file or directory' };
      return typeof f === 'string' ? latin1Bytes(f) : f;
    },
  };
}

/** Compile DTS text held in memory (extra files may be included). */
export function compileString(
  text: string,
  files: Record<string, string | Uint8Array> = {},
  options: Partial<CompileOptions> = {},
): CompileResult {
  return compileDtsText('test.dts', text, { host: memoryHost(files), ...options });
}

/** Hex of a byte array, for readable assertions. */
export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** What a CLI run printed and returned. */
export interface CliRun {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Run the CLI in-process with captured output and the given surroundings (stdin, terminal, environment). */
export async function runCli(
  args: string[],
  surroundings: { stdin?: Uint8Array | string; tty?: boolean; env?: Record<string, string> } = {},
): Promise<CliRun> {
  const out: Buffer[] = [];
  let stderr = '';
  const stdin = surroundings.stdin ?? '';
  const io: CliIo = {
    stdout: (chunk) => out.push(Buffer.from(chunk)),
    stderr: (text) => {
      stderr += text;
    },
    readStdin: () => (typeof stdin === 'string' ? new Uint8Array(Buffer.from(stdin, 'latin1')) : stdin),
    stdoutIsTTY: surroundings.tty ?? false,
    env: surroundings.env ?? {},
  };
  const code = await run(args, io);
  return { code, stdout: Buffer.concat(out), stderr };
}

/** Preprocess text held in memory as `test.dts` (extra files may be included). */
export function preprocessString(text: string, files: Record<string, string> = {}, options: Partial<PreprocessOptions> = {}): PreprocessResult {
  return preprocess('test.dts', text, { host: memoryHost(files), includeDirs: [], ...options });
}

/** Preprocessor output without line markers and blank lines, for compact comparisons. */
export function outputBody(r: PreprocessResult): string {
  return r.output
    .split('\n')
    .filter((l) => !/^# \d+ "/.test(l) && l.trim() !== '')
    .map((l) => l.trim())
    .join('\n');
}
