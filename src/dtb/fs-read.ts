/**
 * A live system's devicetree, as Linux exposes it in /proc/device-tree
 * (= /sys/firmware/devicetree/base): one folder per node, one file per
 * property whose bytes are the value. This is dtc's `-I fs` (fstree.c):
 *
 * - every regular file is a property, every folder a child node, symbolic
 *   links followed (dtc uses stat) as long as they stay inside the folder;
 *   the top folder is the root, named "";
 * - Linux adds a `name` property to nodes (the node name without its unit
 *   address, NUL-terminated; "\0" for the root). Like dtc, we read it as an
 *   ordinary property: the name_properties check that runs after reading
 *   (`finishTree`, as dtc's checks) deletes it when it matches the node name
 *   and reports it when it does not;
 * - no memory reservations (the folder has none) and the boot CPU guessed
 *   from /cpus, as dtc's dt_from_fs does.
 *
 * Order: dtc keeps readdir order, which no file system promises (sysfs lists
 * by a hash of the name, not in blob order). We sort properties and children
 * by the bytes of their names, so a folder always reads to the same tree.
 *
 * Unlike dtc (which warns and goes on, or dies), an entry we cannot read, or
 * one that is neither file nor folder, is an InputError: a half-read tree
 * would be linted as if it were whole.
 *
 * The folder may come from anywhere (a stranger's tarball, a container's
 * /proc), so it is read as a tree of values and nothing more: the top is
 * resolved once (/proc/device-tree is itself a link to
 * /sys/firmware/devicetree/base), and an entry whose real path leaves it is
 * refused (a link to / would walk the host, one to /proc/self/environ would
 * quote the environment); a property is read only from a regular file,
 * opened without blocking (a FIFO or /proc/kmsg would wait for ever) and
 * read no further than the size limit (a /proc file says size 0, and
 * /proc/self/pagemap is gigabytes).
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { InputError, type Diagnostic } from '../source/diagnostic.js';
import { describeError, MAX_INPUT_BYTES, specialKind } from '../source/host.js';
import { Data } from '../tree/data.js';
import { MAX_PROPERTY_BYTES, MAX_TREE_NODES, MAX_TREE_PROPERTIES, Node, Property, type DeviceTree } from '../tree/node.js';
import { MAX_DTB_NODE_DEPTH } from './read.js';

export interface FolderLimits {
  /** Deepest node nesting (also what stops a symbolic-link loop). */
  maxDepth: number;
  /** Total bytes of all property values. */
  maxBytes: number;
  /** Total files and folders. */
  maxEntries: number;
  /** Folders (nodes) and files (properties), as for any tree. */
  maxNodes: number;
  maxProperties: number;
  /** Bytes of one property file. */
  maxPropertyBytes: number;
}

export const DEFAULT_FOLDER_LIMITS: FolderLimits = {
  maxDepth: MAX_DTB_NODE_DEPTH,
  maxBytes: MAX_INPUT_BYTES,
  maxEntries: 1_000_000,
  maxNodes: MAX_TREE_NODES,
  maxProperties: MAX_TREE_PROPERTIES,
  maxPropertyBytes: MAX_PROPERTY_BYTES,
};

const SLASH = Buffer.from('/');

/** Names as the tree keeps them: one character per byte (latin1), like the DTB reader. */
function latin1(name: Buffer): string {
  return name.toString('latin1');
}

/** A path for messages (file names are UTF-8 in practice). */
function shown(path: Buffer): string {
  return path.toString('utf8');
}

/** Entries of a folder in byte order of their names, `.` and `..` never listed by Node. */
function sortedEntries(path: Buffer): Buffer[] {
  return readdirSync(path, { encoding: 'buffer' }).sort(Buffer.compare);
}

/** Open flags for a property file: never waiting on a FIFO or a device, never following a link swapped in. */
const PROPERTY_OPEN = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | constants.O_NOFOLLOW;

function inside(path: Buffer, top: Buffer): boolean {
  if (path.equals(top)) return true;
  const prefix = top[top.length - 1] === SLASH[0] ? top : Buffer.concat([top, SLASH]);
  return path.length > prefix.length && path.subarray(0, prefix.length).equals(prefix);
}

/** At most `max + 1` bytes of an open file (one more than allowed tells it is too long without reading it all). */
function readAtMost(fd: number, max: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(Math.min(1 << 16, max + 1 - total));
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
    if (total > max) break;
  }
  return Buffer.concat(chunks, total);
}

class FolderReader {
  private bytes = 0;
  private entries = 0;
  private nodes = 1;
  private properties = 0;
  /** The top folder's real path, which every entry's must stay inside. */
  private realTop = Buffer.alloc(0);

  constructor(
    private readonly top: string,
    private readonly limits: FolderLimits,
  ) {}

  fail(message: string, path: Buffer, node: Node | null): never {
    const d: Diagnostic = { severity: 'error', check: 'input', message, file: shown(path) };
    if (node) d.nodePath = node.path;
    throw new InputError([d]);
  }

  /** Resolve the top folder once: the links inside may lead anywhere inside it, and nowhere else. */
  start(path: Buffer): void {
    try {
      this.realTop = realpathSync(path, { encoding: 'buffer' });
    } catch (err) {
      this.fail(`cannot read: ${describeError(err)}`, path, null);
    }
  }

  private count(path: Buffer, node: Node): void {
    if (++this.entries > this.limits.maxEntries) this.fail(`more than ${this.limits.maxEntries} files and folders below ${this.top}`, path, node);
  }

  /**
   * What an entry is, following a symbolic link only to somewhere inside
   * the top folder; `real` is the path to open (the link's target).
   */
  private entryStats(entry: Buffer, node: Node): { st: Stats; real: Buffer } {
    try {
      const own = lstatSync(entry);
      if (!own.isSymbolicLink()) return { st: own, real: entry };
      const real = realpathSync(entry, { encoding: 'buffer' });
      if (!inside(real, this.realTop)) {
        this.fail(`a symbolic link to ${shown(real)}, outside the folder ${shown(this.realTop)}: a live tree's entries must stay inside it`, entry, node);
      }
      return { st: statSync(real), real };
    } catch (err) {
      if (err instanceof InputError) throw err;
      this.fail(`cannot read: ${describeError(err)}`, entry, node);
    }
  }

  private readProperty(path: Buffer, real: Buffer, st: Stats, node: Node): Uint8Array {
    const left = this.limits.maxBytes - this.bytes;
    // Checked by size before reading (a huge file is refused unread) and while reading (proc files may not know theirs).
    const tooLong = `property file of more than ${this.limits.maxPropertyBytes} bytes`;
    const tooMuch = `property values add up to more than ${this.limits.maxBytes} bytes`;
    if (st.size > this.limits.maxPropertyBytes) this.fail(tooLong, path, node);
    if (st.size > left) this.fail(tooMuch, path, node);
    let value: Buffer;
    let fd: number | null = null;
    try {
      fd = openSync(real, PROPERTY_OPEN);
      const opened = fstatSync(fd);
      if (!opened.isFile() || opened.ino !== st.ino || opened.dev !== st.dev) this.fail('changed while it was being read', path, node);
      value = readAtMost(fd, Math.min(this.limits.maxPropertyBytes, left));
    } catch (err) {
      if (err instanceof InputError) throw err;
      this.fail(`cannot read property file: ${describeError(err)}`, path, node);
    } finally {
      if (fd !== null) closeSync(fd);
    }
    if (value.length > this.limits.maxPropertyBytes) this.fail(tooLong, path, node);
    if (value.length > left) this.fail(tooMuch, path, node);
    this.bytes += value.length;
    return new Uint8Array(value);
  }

  /** Fill `node` from the folder at `path`; `depth` is the node's (root = 0). */
  readNode(path: Buffer, node: Node, depth: number): void {
    if (depth > this.limits.maxDepth) this.fail(`nodes nested deeper than ${this.limits.maxDepth} levels (a symbolic-link loop?)`, path, node);
    let names: Buffer[];
    try {
      names = sortedEntries(path);
    } catch (err) {
      this.fail(`cannot read folder: ${describeError(err)}`, path, node);
    }
    for (const name of names) {
      const entry = Buffer.concat([path, SLASH, name]);
      this.count(entry, node);
      const { st, real } = this.entryStats(entry, node);
      if (st.isFile()) {
        if (++this.properties > this.limits.maxProperties) this.fail(`more than ${this.limits.maxProperties} properties below ${this.top}`, entry, node);
        node.addProperty(new Property(latin1(name), new Data(this.readProperty(entry, real, st, node))));
      } else if (st.isDirectory()) {
        if (++this.nodes > this.limits.maxNodes) this.fail(`more than ${this.limits.maxNodes} nodes below ${this.top}`, entry, node);
        const child = new Node(latin1(name));
        node.addChild(child);
        this.readNode(entry, child, depth + 1);
      } else {
        this.fail(`${specialKind(st)}, neither a file (a property) nor a folder (a node)`, entry, node);
      }
    }
  }
}

/** dtc's guess_boot_cpuid: the `reg` of the first child of /cpus, when it is one cell. */
function guessBootCpuid(root: Node): number {
  const reg = root.child('cpus')?.children[0]?.property('reg');
  return reg && reg.value.length === 4 ? reg.value.cell(0) : 0;
}

/**
 * Read a /proc/device-tree-style folder into a tree. Throws InputError when
 * the folder or an entry below it cannot be read, or a limit is passed.
 * Run the result through `finishTree` (as for a blob) to apply dtc's checks.
 */
export function readDeviceTreeFolder(dir: string, limits: Partial<FolderLimits> = {}): DeviceTree {
  const reader: FolderReader = new FolderReader(dir, { ...DEFAULT_FOLDER_LIMITS, ...limits });
  const path = Buffer.from(dir.replace(/\/+$/, '') || '/');
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    reader.fail(`cannot read: ${describeError(err)}`, path, null);
  }
  if (!st.isDirectory()) reader.fail('not a folder', path, null);
  reader.start(path);
  const root = new Node('');
  reader.readNode(path, root, 0);
  return { plugin: false, reserves: [], root, bootCpuid: guessBootCpuid(root) };
}

/**
 * Whether a folder looks like a devicetree exposed by Linux rather than a
 * folder of sources: a root always has `#address-cells` or `compatible`
 * files, and a source folder has no such file names. For the CLI to choose
 * between linting the folder as a tree and linting the .dts/.dtb files below it.
 */
export function isDeviceTreeFolder(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return false;
    return ['#address-cells', 'compatible'].some((name) => {
      try {
        return statSync(`${dir.replace(/\/+$/, '')}/${name}`).isFile();
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}
