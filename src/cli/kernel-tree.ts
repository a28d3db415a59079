/**
 * `--kernel DIR`: lint as the kernel's `make dtbs_check` does. Its Makefile
 * preprocesses a board with one search folder, scripts/dtc/include-prefixes
 * (whose links lead to include/dt-bindings and to each architecture's
 * boards), and validates with every binding under
 * Documentation/devicetree/bindings. The links lead out of the prefixes
 * folder, so the whole tree is inside the include fence.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface KernelTree {
  /** The search folder the kernel's cpp and dtc use. */
  include: string;
  /** The kernel's bindings, when the tree has them. */
  bindings: string | null;
  /** The tree itself: the include fence's extra folder. */
  root: string;
}

/** The kernel tree at `dir`, or why it is not one. */
export function kernelTree(dir: string): KernelTree | { error: string } {
  const include = join(dir, 'scripts', 'dtc', 'include-prefixes');
  if (!isDirectory(include)) return { error: `--kernel ${dir}: not a kernel source tree (no scripts/dtc/include-prefixes)` };
  const bindings = join(dir, 'Documentation', 'devicetree', 'bindings');
  return { include, bindings: isDirectory(bindings) ? bindings : null, root: dir };
}

function isDirectory(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}
