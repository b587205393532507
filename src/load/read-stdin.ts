// A PATH of `-` is standard input. It is read once, synchronously (the
// stages after loading are synchronous), up to EOF or the same size limit as
// files: reading stops as soon as the limit is passed, so an endless pipe
// ends in `file-too-large` instead of filling memory. Diagnostics name it
// `<stdin>`, as compilers do.
import { readSync } from 'node:fs';
import { finding } from '../diagnostics/diagnostic.js';
import { decode, maxFileBytes, type ReadResult } from './read-source.js';

export const STDIN_FILE = '<stdin>';

const CHUNK = 64 * 1024;
let cached: ReadResult | undefined;

export function readStdin(): ReadResult {
  cached ??= readAll();
  return cached;
}

function readAll(): ReadResult {
  const max = maxFileBytes();
  const root = { file: STDIN_FILE, pointer: '' };
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buffer = Buffer.alloc(CHUNK);
    let n: number;
    try {
      n = readSync(0, buffer, 0, CHUNK, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A non-blocking pipe with nothing in it yet: wait for the writer.
      if (code === 'EAGAIN') {
        pause(10);
        continue;
      }
      if (code === 'EOF') break;
      return {
        problem: finding('file-unreadable', root, `cannot read standard input: ${code ?? 'error'}`, { line: 1 }),
      };
    }
    if (n === 0) break;
    total += n;
    if (total > max)
      return {
        problem: finding(
          'file-too-large',
          root,
          `standard input is over ${max} bytes, the limit (WARREN_MAX_FILE_BYTES)`,
          { line: 1 },
        ),
      };
    chunks.push(buffer.subarray(0, n));
  }
  return decode(STDIN_FILE, Buffer.concat(chunks));
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
