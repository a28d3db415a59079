import { existsSync } from 'node:fs';
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
