/**
 * Preprocess one real-world corpus case with our built-in preprocessor, as
 * `cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I <dirs> <input>`;
 * includes read through `host` (conformance gives the CLI's fenced one).
 */
import { preprocess } from '../src/cpp/index.js';
import { bytesToLatin1, nodeFileHost, type FileHost } from '../src/source/host.js';

export function preprocessCorpusCase(input: string, includeDirs: string[], host: FileHost = nodeFileHost): string | { error: string } | { text: string } {
  const bytes = nodeFileHost.readBytes(input);
  if (!(bytes instanceof Uint8Array)) return { error: `${input}: ${bytes.error}` };
  const result = preprocess(input, bytesToLatin1(bytes), { host, includeDirs });
  if (!result.ok) {
    const first = result.diagnostics.find((d) => d.severity === 'error');
    return { error: first ? `${first.span ? `${first.span.file}:${first.span.line}:${first.span.col}: ` : ''}${first.message}` : 'failed' };
  }
  return { text: result.output };
}
