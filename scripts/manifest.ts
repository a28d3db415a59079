/** The corpus's MANIFEST.tsv files (../shared/corpus/README.md): one record per case, by column name; none when the file is absent. */
import { existsSync, readFileSync } from 'node:fs';

export function readManifest(path: string): Array<Record<string, string>> {
  if (!existsSync(path)) return [];
  const [header, ...rows] = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const columns = header!.split('\t');
  return rows.map((row) => Object.fromEntries(row.split('\t').map((v, i) => [columns[i]!, v])));
}
