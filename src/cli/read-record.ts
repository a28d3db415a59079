/**
 * Every file a run read, so that its output is never written over one of
 * them: the tool never writes to its inputs, and its inputs are more than
 * the command line names (an `/include/`d .dtsi, an `/incbin/` blob, a
 * `#include` header, the bindings in a `--schema` folder, the `--base` board,
 * the configuration). The record wraps the run's FileHost, so whatever reads
 * through it is counted, whichever part of the program asked.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { FileHost } from '../source/host.js';
import { sameFile, type CliIo } from './io.js';

export class ReadRecord {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();
  /** The host to read through: `base`, with each file asked of it recorded. */
  readonly host: FileHost;

  constructor(base: FileHost) {
    this.host = this.wrap(base);
  }

  /**
   * `host` with each file asked of it recorded: on top of it, not a copy of it,
   * so whatever else the host offers is still there, through the record. (A
   * compile's host is fenced for its own input, so there is one per input.)
   */
  wrap(host: FileHost): FileHost {
    const files = this.files;
    const recording = Object.create(host) as FileHost;
    // Every file asked for, read or refused: an include the policy refused is still the board's source,
    // and writing the report over it would destroy it.
    recording.readBytes = (...args: Parameters<FileHost['readBytes']>) => {
      files.add(args[0]);
      return host.readBytes(...args);
    };
    return recording;
  }

  /** A file read some other way (a configuration file). */
  noteFile(path: string): void {
    this.files.add(path);
  }

  /** A folder read as one input (a live /proc/device-tree): nothing below it may be written. */
  noteFolder(path: string): void {
    this.folders.add(path);
  }

  /** What was read, to hand to another record (a lint worker's to the command's). */
  paths(): { files: string[]; folders: string[] } {
    return { files: [...this.files], folders: [...this.folders] };
  }

  /** Another record's reads, as if read through this one. */
  add(paths: { files: readonly string[]; folders: readonly string[] }): void {
    for (const f of paths.files) this.files.add(f);
    for (const f of paths.folders) this.folders.add(f);
  }

  /** The file read (or the folder read) that writing `output` would overwrite, or undefined. */
  overwrittenBy(output: string): string | undefined {
    // A device or a FIFO is written in place, not replaced: reading /dev/null and writing it destroys nothing.
    if (!isRegularOrAbsent(output)) return undefined;
    for (const file of this.files) if (sameFile(output, file)) return file;
    if (this.folders.size === 0) return undefined;
    const where = realPath(output);
    for (const folder of this.folders) {
      const root = realPath(folder);
      if (where === root || where.startsWith(root.endsWith(sep) ? root : root + sep)) return folder;
    }
    return undefined;
  }
}

/**
 * True (after saying so) when the output would overwrite a file the run read:
 * asked once the run is done, before anything is written.
 */
export function refuseOutputOverRead(output: string, reads: ReadRecord, io: CliIo): boolean {
  const file = reads.overwrittenBy(output);
  if (file === undefined) return false;
  io.stderr(`vmgenid-lint: refusing to write the output over ${file}, which this run read; nothing written\n`);
  return true;
}

/** A path with its links resolved as far as it exists (its folder's, for a file not yet there). */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(path)), basename(path));
    } catch {
      return resolve(path);
    }
  }
}

function isRegularOrAbsent(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}
