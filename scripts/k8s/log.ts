// What every part of scripts/k8s-cluster.sh writes: progress on standard error
// (standard output carries only the `export` lines that `eval` reads), and
// errors as a ClusterError, which the entry point prints as one line and turns
// into the exit code it carries, never as a stack trace.

/** The exit codes: 0 done (status: up), 1 failed (status: not running), 2 usage or a bad environment value. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const PREFIX = '[k8s-cluster]';

export function log(message: string): void {
  process.stderr.write(`${PREFIX} ${message}\n`);
}

export function formatError(message: string): string {
  return `${PREFIX} error: ${message}\n`;
}

export class ClusterError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILED,
  ) {
    super(message);
    this.name = 'ClusterError';
  }
}

/** Stops the command with `message` (exit 1 unless told). */
export function fail(message: string, exitCode: number = EXIT_FAILED): never {
  throw new ClusterError(message, exitCode);
}

/** An error's own words, for messages: ENOENT and friends say the path already. */
export function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
