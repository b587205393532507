// Standard output and error can fail under warren: the reader of a pipe goes
// away (`warren export … | head -c1`: EPIPE), or the disk is full (`>/dev/full`:
// ENOSPC). Node reports that as an 'error' event, which unhandled ends in a
// stack trace. Here a closed pipe ends output quietly, as Unix tools do, and
// the exit code stays the command's own (so `set -o pipefail` still sees an
// invalid topology); any other write error is one line on stderr and exit 2
// (the output warren was told to use cannot take it, as with a bad -o).
import { describeError } from './describe-error.js';

const OUTPUT_FAILED = 2;
const closed = { stdout: false, stderr: false };
let failed = false;

export function watchOutput(): void {
  process.stdout.on('error', (error) => onError('stdout', error));
  process.stderr.on('error', (error) => onError('stderr', error));
}

export function writeOut(text: string): void {
  if (!closed.stdout && text !== '') process.stdout.write(text);
}

export function writeErr(text: string): void {
  if (!closed.stderr && text !== '') process.stderr.write(text);
}

/** The exit code to use instead of the command's when output failed, else undefined. */
export function outputFailure(): number | undefined {
  return failed ? OUTPUT_FAILED : undefined;
}

function onError(stream: 'stdout' | 'stderr', error: NodeJS.ErrnoException): void {
  if (closed[stream]) return;
  closed[stream] = true;
  if (error.code === 'EPIPE') return;
  failed = true;
  // The error may come after main() returned its code (it is emitted on a later tick).
  process.exitCode = OUTPUT_FAILED;
  writeErr(`warren: cannot write to standard ${stream === 'stdout' ? 'output' : 'error'}: ${describeError(error)}\n`);
}
