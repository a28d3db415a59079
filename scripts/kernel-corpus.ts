/**
 * The kernel corpus scripts/fetch-kernel-corpus.sh makes (DIR/linux-source-*,
 * DIR/ref/...), as the kernel-scale scripts (conformance, compare-dt-validate,
 * bench) find their way in it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The kernel source folder a corpus folder holds (the newest DIR/linux-source-*), or the folder itself when it is one; null when neither. */
export function kernelSource(dir: string): string | null {
  if (existsSync(join(dir, 'arch', 'arm64', 'boot', 'dts'))) return dir;
  if (!existsSync(dir)) return null;
  const inner = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith('linux-source-'))
    .map((e) => e.name)
    .sort();
  return inner.length > 0 ? join(dir, inner[inner.length - 1]!) : null;
}

/** Every file below `root` whose name ends with `suffix`, relative to `root`, sorted. */
export function filesBelow(root: string, suffix: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(suffix)) found.push(relative(root, join(dir, e.name)));
    }
  };
  walk(root);
  return found.sort();
}
