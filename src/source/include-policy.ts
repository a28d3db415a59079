/**
 * Which files a source may bring in with `/include/`, `#include` and
 * `/incbin/`. The tool runs in CI on sources from strangers, and what a
 * source includes can end up in a public report (an excerpt, a quoted value,
 * an error): so a source reaches only
 *
 * - regular files: never a FIFO (it would block), a socket, a device
 *   (`/dev/zero` never ends), nor anything on a kernel's pseudo file system
 *   (`/proc/self/environ` holds the CI's secrets, and says it is a regular
 *   file of size 0), whatever option is given;
 * - inside the fence: the input's repository (the nearest folder above it
 *   holding `.git`, else the working folder; firmware trees include
 *   `../common.dtsi`, so the repository and not the input's folder is the
 *   fence), the input's own folder, the folder of the configuration file
 *   that applies to it, the `-I` folders of the command line and the
 *   package's own headers; `--allow-include-outside` lifts the fence (not
 *   the first rule). A configuration file's own include folders are searched
 *   but widen nothing: inside a repository it is as open to a stranger's
 *   pull request as the sources are.
 *
 * Paths are compared after resolving symbolic links, so a link inside the
 * repository that points out of it is caught. The file that is opened is
 * the one that was checked: opened by its real path, not following a link,
 * non-blocking, and compared with what was checked before a byte is read.
 *
 * The inputs named on the command line are not includes: they are read as
 * named (a pipe, `/proc/device-tree`, a blob in /sys/firmware), bounded by
 * MAX_INPUT_BYTES all the same.
 */
import { closeSync, constants, existsSync, fstatSync, openSync, realpathSync, statfsSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { BoundedCache } from '../bounded-cache.js';
import { describeError, MAX_INPUT_BYTES, readDescriptor, specialKind, tooLargeBySize, type FileHost } from './host.js';

export interface IncludeFence {
  /** The folders (real paths) whose files may be included. */
  readonly roots: readonly string[];
  /** What the fence is, for messages: "the input's repository (/src/fw)". */
  readonly described: string;
  /** `--allow-include-outside`: any regular file may be included. */
  readonly allowOutside: boolean;
}

/** The nearest folder at or above `dir` holding `.git` (a folder, or a worktree's file), or null. */
export function repositoryAbove(dir: string): string | null {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(`${d}${sep}.git`)) return d;
    if (dirname(d) === d) return null;
  }
}

function realFolder(path: string): string | null {
  try {
    return realpathSync.native(path);
  } catch {
    return null;
  }
}

/**
 * The fence for compiling `inputs` (files as named, `-` for standard input)
 * with these trusted folders (the command line's -I, the package's headers,
 * the configuration file's folder): each input's repository (else the
 * working folder) and own folder, and the folders, as real paths. Folders
 * that do not exist fence nothing.
 */
export function includeFence(inputs: readonly string[], folders: readonly string[], allowOutside: boolean, cwd = process.cwd()): IncludeFence {
  const roots = new Set<string>();
  let described: string | null = null;
  for (const input of inputs) {
    const folder = input === '-' ? cwd : dirname(resolve(cwd, input));
    const repository = repositoryAbove(folder);
    const top = realFolder(repository ?? cwd);
    described ??= repository !== null ? `the input's repository (${top})` : `the working folder (${top}; no repository above the input)`;
    const own = input === '-' ? null : realFolder(folder);
    for (const r of [top, own]) if (r !== null) roots.add(r);
  }
  for (const dir of folders) {
    const real = realFolder(resolve(cwd, dir));
    if (real !== null) roots.add(real);
  }
  return { roots: [...roots], described: described ?? `the working folder (${cwd})`, allowOutside };
}

function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Kernel file systems whose "files" are the machine's state, not sources,
 * by the magic number statfs gives (so a bind mount elsewhere is known too).
 */
const PSEUDO_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x1cd1, 'devpts'],
  [0x65735543, 'fusectl'],
  [0x42494e4d, 'binfmt_misc'],
]);

/** Folders that hold no sources on any Linux system, whatever is mounted there. */
const SYSTEM_FOLDERS = ['/proc', '/sys', '/dev'];

/** Below a system folder, but an ordinary file system (tmpfs) whose regular files are files like any other. */
const ORDINARY_BELOW_SYSTEM = ['/dev/shm'];

/** Why a real path is a special file's, or null for an ordinary one. */
function specialPlace(real: string): string | null {
  const folder = SYSTEM_FOLDERS.find((f) => inside(real, f) && !ORDINARY_BELOW_SYSTEM.some((o) => inside(real, o)));
  if (folder) return `it is under ${folder}`;
  try {
    const fs = PSEUDO_FILE_SYSTEMS.get(Number(statfsSync(real).type));
    if (fs) return `it is on the kernel's ${fs} file system`;
  } catch {
    // Not asked again: the open below reports what is wrong with it.
  }
  return null;
}

const REFUSED = 'includes and /incbin/ read only regular files';

/** Why `real` may not be included under `fence`, or null when it may. */
function outsideFence(real: string, fence: IncludeFence): string | null {
  if (fence.allowOutside || fence.roots.some((r) => inside(real, r))) return null;
  return `${real} is outside ${fence.described}, the input's folder and the -I folders; --allow-include-outside reads it`;
}

/** Open flags for reading a file that was checked: never blocking on a FIFO swapped in, never following a link. */
const CHECKED_OPEN = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | constants.O_NOFOLLOW;

/** A path stat'ed and resolved, not read yet: what the fence and the read are checked against. */
interface Probed {
  readonly real: string;
  readonly st: Stats;
}

/** Stat a path and resolve its real path; why it is not a regular file one may include, if it is not. */
function probe(path: string): Probed | { error: string } {
  let st: Stats;
  let real: string;
  try {
    st = statSync(path);
    if (st.isDirectory()) return { error: 'Is a directory' };
    real = realpathSync.native(path);
  } catch (err) {
    return { error: describeError(err) };
  }
  const special = specialPlace(real);
  if (special) return { error: `${real} is a special file (${special}): ${REFUSED}` };
  if (!st.isFile()) return { error: `${real} is ${specialKind(st)}: ${REFUSED}` };
  return { real, st };
}

/** Read a probed file: opened by its real path and checked to be the file that was probed. */
function readProbed({ real, st }: Probed): Uint8Array | { error: string } {
  if (st.size > MAX_INPUT_BYTES) return { error: tooLargeBySize(st.size) };
  let fd: number;
  try {
    fd = openSync(real, CHECKED_OPEN);
  } catch (err) {
    return { error: describeError(err) };
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile() || opened.ino !== st.ino || opened.dev !== st.dev) return { error: `${real} changed while it was being opened` };
    return readDescriptor(fd);
  } catch (err) {
    return { error: describeError(err) };
  } finally {
    closeSync(fd);
  }
}

/**
 * Read one file a source brings in, under the policy: stat'ed first (a FIFO
 * is never opened, a file over the size limit never read), its real path
 * checked, then opened by that path and checked to be the same file. With
 * `reads`, what an earlier input of the run found for the path is used
 * again; the fence is this input's all the same.
 */
export function readIncluded(path: string, fence: IncludeFence, reads?: IncludeReads): Uint8Array | { error: string } {
  const probed = reads ? reads.probe(path) : probe(path);
  if ('error' in probed) return probed;
  const outside = outsideFence(probed.real, fence);
  if (outside) return { error: outside };
  return reads ? reads.read(path, probed) : readProbed(probed);
}

/**
 * The files the includes of a run found and read, kept for its next inputs.
 * The boards of a tree include the same headers and .dtsi files (Linux 6.1's
 * 765 arm64 boards: some 13,000 includes of about 1,000 files), and each include
 * costs seven system calls (stat, realpath, statfs, open, fstat, read,
 * close) and a miss in each folder searched before the one that has it. A
 * run sees one snapshot of each file, read once; the bytes kept are bounded
 * (the file least recently read is forgotten first), what a path is
 * (stat'ed, resolved, refused) is not: a few hundred bytes a path.
 */
export class IncludeReads {
  private readonly probes = new Map<string, Probed | { error: string }>();
  private readonly fences = new Map<string, IncludeFence>();
  private readonly files: BoundedCache<string, Uint8Array>;

  /** `budget`: bytes of file content kept at most (besides the file read last). */
  constructor(budget = 8 * 1024 * 1024) {
    this.files = new BoundedCache(budget, (_, bytes) => bytes.length);
  }

  /**
   * includeFence, worked out once for the inputs of each folder: it looks for
   * a repository above the input and resolves every folder (a dozen system
   * calls), the same for every board of a folder.
   */
  fence(inputs: readonly string[], folders: readonly string[], allowOutside: boolean): IncludeFence {
    const key = JSON.stringify([inputs.map((i) => (i === '-' ? i : dirname(resolve(i)))), folders, allowOutside]);
    let fence = this.fences.get(key);
    if (!fence) this.fences.set(key, (fence = includeFence(inputs, folders, allowOutside)));
    return fence;
  }

  probe(path: string): Probed | { error: string } {
    let probed = this.probes.get(path);
    if (!probed) this.probes.set(path, (probed = probe(path)));
    return probed;
  }

  read(path: string, probed: Probed): Uint8Array | { error: string } {
    const known = this.files.get(path);
    if (known) return known;
    const bytes = readProbed(probed);
    if (bytes instanceof Uint8Array) this.files.set(path, bytes);
    return bytes;
  }
}

/** No fence: for files found rather than named that may lie anywhere (a configuration file above the repository). */
const UNFENCED: IncludeFence = { roots: [], described: 'anywhere', allowOutside: true };

/**
 * Read a file that was found, not named (a configuration file): a regular
 * file only, never one on a kernel file system, never blocking; anywhere.
 */
export function readRegularFile(path: string): Uint8Array | { error: string } {
  return readIncluded(path, UNFENCED);
}

/** Reads regular files only, anywhere (what the user named: bindings given with --schema and the files in their folders). */
export const regularFileHost: FileHost = { readBytes: readRegularFile };

/**
 * Why a path a configuration file names may not be read under `fence`, or
 * null when it may: the same fence as an include's, for the same reason (a
 * configuration in a repository is as open to a stranger as its sources).
 */
export function outsideFenceOf(path: string, fence: IncludeFence): string | null {
  let real: string;
  try {
    real = realpathSync.native(path);
  } catch {
    return null; // Reported when it is read.
  }
  return outsideFence(real, fence);
}

/** The host the CLI compiles with: every file a source brings in is read under the fence (with `reads`, once per run). */
export function fencedFileHost(fence: IncludeFence, reads?: IncludeReads): FileHost {
  return { readBytes: (path) => readIncluded(path, fence, reads) };
}
