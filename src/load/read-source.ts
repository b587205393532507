// Reads one file as UTF-8 text. Size, read and encoding problems become
// findings with the position of the first bad byte, never exceptions. Only
// regular files are read, and never past the size limit: a FIFO would block
// forever and /dev/zero never ends, so they are refused before being opened
// (and checked again on the open descriptor, in case the path changed).
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { finding, type Finding } from '../diagnostics/diagnostic.js';
import { readEnvironment } from './read-environment.js';

const CHUNK = 64 * 1024;

export type ReadResult = { readonly text: string } | { readonly problem: Finding };

export function readSource(file: string): ReadResult {
  const max = maxFileBytes();
  const root = { file, pointer: '' };
  const unreadable = (why: string): ReadResult => ({ problem: finding('file-unreadable', root, why, { line: 1 }) });
  const tooLarge = (size: string): ReadResult => ({
    problem: finding('file-too-large', root, `file is ${size} bytes; the limit is ${max} (WARREN_MAX_FILE_BYTES)`, {
      line: 1,
    }),
  });
  let fd: number | undefined;
  try {
    const kind = notRegular(statSync(file));
    if (kind) return unreadable(`not a regular file (${kind}); only regular files are read (- reads standard input)`);
    // O_NONBLOCK: should the path have become a FIFO since, opening it does not wait for a writer.
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stat = fstatSync(fd);
    const changed = notRegular(stat);
    if (changed)
      return unreadable(`not a regular file (${changed}); only regular files are read (- reads standard input)`);
    if (stat.size > max) return tooLarge(String(stat.size));
    const bytes = readAtMost(fd, stat.size, max);
    // A file that grows while read (or that reports no size, as /proc files do) stops at the limit.
    if (bytes.length > max) return tooLarge(`over ${max}`);
    return decode(file, bytes);
  } catch (error) {
    return unreadable(`cannot read file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function notRegular(stat: Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

/** Up to max + 1 bytes: one read for a file of the size it reported, more only if it grew. */
function readAtMost(fd: number, size: number, max: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  let want = Math.min(size + 1, max + 1);
  for (;;) {
    const buffer = Buffer.allocUnsafe(Math.max(want, 1));
    const n = readSync(fd, buffer, 0, buffer.length, null);
    if (n === 0) break;
    chunks.push(buffer.subarray(0, n));
    total += n;
    if (total > max) break;
    want = Math.min(CHUNK, max + 1 - total);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** WARREN_MAX_FILE_BYTES; one that does not parse throws (EnvironmentError), never becomes the default. */
export function maxFileBytes(): number {
  return readEnvironment('WARREN_MAX_FILE_BYTES');
}

export function decode(file: string, bytes: Buffer): ReadResult {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text };
  } catch {
    const { line, col } = firstInvalidByte(bytes);
    return { problem: finding('file-encoding', { file, pointer: '' }, 'file is not valid UTF-8', { line, col }) };
  }
}

/** Line and column of the first byte sequence that is not UTF-8. */
function firstInvalidByte(bytes: Buffer): { line: number; col: number } {
  let lo = 0;
  let hi = bytes.length;
  // Binary search for the longest valid prefix; the decoder is fast, this runs once.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (isValid(bytes.subarray(0, mid), mid === bytes.length)) lo = mid;
    else hi = mid - 1;
  }
  const prefix = new TextDecoder().decode(bytes.subarray(0, lo));
  const lines = prefix.split('\n');
  return { line: lines.length, col: (lines[lines.length - 1]?.length ?? 0) + 1 };
}

function isValid(bytes: Uint8Array, complete: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}
