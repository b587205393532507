// Writing a file into a directory the user named (`warren import -o DIR`).
// What stands at the file's path inside DIR is never followed or opened
// unless it is a regular file: a symbolic link (to a file elsewhere, to a
// device, dangling: writing through it would create or overwrite a file
// outside DIR), a FIFO (opening it blocks until a reader comes), a device or
// a directory is refused. The file is replaced whole: written to a temporary
// file beside it (created exclusively, so it cannot be a link either) and
// renamed over it, so a reader sees the old file or the new one, never half
// of one, and another hard link to the old file keeps its content.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/** What stands at a path: nothing, a regular file, or something never written over (and why, for a message). */
export type Existing =
  | { readonly kind: 'absent' }
  | { readonly kind: 'file'; readonly stat: Stats }
  | { readonly kind: 'refused'; readonly why: string };

/** Looks at the path itself (lstat): a link is a link, whatever it points at. Errors other than ENOENT throw. */
export function existingEntry(path: string): Existing {
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'absent' };
    throw error;
  }
  if (stat.isFile()) return { kind: 'file', stat };
  if (stat.isSymbolicLink()) return { kind: 'refused', why: `a symbolic link (to ${linkTarget(path)})` };
  if (stat.isDirectory()) return { kind: 'refused', why: 'a directory' };
  if (stat.isFIFO()) return { kind: 'refused', why: 'a FIFO' };
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return { kind: 'refused', why: 'a device' };
  if (stat.isSocket()) return { kind: 'refused', why: 'a socket' };
  return { kind: 'refused', why: 'not a regular file' };
}

/** The first `max` bytes of a regular file, as text; opened without following a link or waiting on a FIFO. */
export function readHead(path: string, max: number): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const buffer = Buffer.alloc(max);
    const n = readSync(fd, buffer, 0, max, 0);
    return buffer.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `dir/name` with `text`. The caller has checked with existingEntry
 * that nothing but a regular file stands there; should a link or FIFO appear
 * there since, the rename replaces that entry instead of writing through it.
 * A replaced file keeps its permission bits.
 */
export function replaceFile(dir: string, name: string, text: string, previous?: Stats): void {
  // Hidden: a directory walk or glob running meanwhile never finds it (find-files.ts).
  const temporary = join(dir, `.${name}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(
    temporary,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    previous ? previous.mode & 0o7777 : 0o666,
  );
  try {
    try {
      if (previous) fchmodSync(fd, previous.mode & 0o7777); // the umask applied to the open's mode
      const bytes = Buffer.from(text, 'utf8');
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, join(dir, name));
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Already gone (renamed, or never created): nothing to clean up.
    }
    throw error;
  }
}

function linkTarget(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return 'an unreadable target';
  }
}
