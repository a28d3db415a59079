/**
 * Preprocess one real-world corpus case with our built-in preprocessor, as
 * `cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp -I <dirs> <input>`.
 */
import { preprocess } from '../src/cpp/index.js';
import { bytesToLatin1, nodeFileHost } from '../src/source/host.js';

export function preprocessCorpusCase(input: string, includeDirs: string[]): string | { error: string } | { text: string } {
  const bytes = nodeFileHost.readBytes(input);
  if (!(bytes instanceof Uint8Array)) return { error: `${input}: ${bytes.error}` };
  const result = preprocess(input, bytesToLatin1(bytes), { host: nodeFileHost, includeDirs });
  if (!result.ok) {
    const first = result.diagnostics.find((d) => d.severity === 'error');
    return { error: first ? `${first.span ? `${first.span.file}:${first.span.line}:${first.span.col}: ` : ''}${first.message}` : 'failed' };
  }
  return { text: result.output };
}
