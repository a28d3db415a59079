/**
 * The source files a compile really read, by the name positions carry: the
 * input and every file it included. Reports take their excerpts and
 * suppressions from these bytes and never open a file again by a name a
 * diagnostic gives, since a line marker (`# 1 "/etc/shadow"`) can make a
 * position name any file at all.
 */
import type { FileHost } from './host.js';

export type SourceFiles = Map<string, Uint8Array>;

/** `host`, keeping in `into` every file it reads. */
export function recordingHost(host: FileHost, into: SourceFiles): FileHost {
  return {
    readBytes(path) {
      const got = host.readBytes(path);
      if (got instanceof Uint8Array && !into.has(path)) into.set(path, got);
      return got;
    },
  };
}
