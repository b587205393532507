// Reads one file as UTF-8 text. Size, read and encoding problems become
// findings with the position of the first bad byte, never exceptions.
import { readFileSync, statSync } from 'node:fs';
import { finding, type Finding } from '../diagnostics/diagnostic.js';

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export type ReadResult = { readonly text: string } | { readonly problem: Finding };

export function readSource(file: string): ReadResult {
  const max = maxFileBytes();
  const root = { file, pointer: '' };
  try {
    const size = statSync(file).size;
    if (size > max) return { problem: finding('file-too-large', root, `file is ${size} bytes; the limit is ${max} (WARREN_MAX_FILE_BYTES)`, { line: 1 }) };
    return decode(file, readFileSync(file));
  } catch (error) {
    return { problem: finding('file-unreadable', root, `cannot read file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`, { line: 1 }) };
  }
}

export function maxFileBytes(): number {
  const n = Number(process.env.WARREN_MAX_FILE_BYTES);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_BYTES;
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
