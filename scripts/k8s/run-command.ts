// Runs a helper program (openssl, kubectl, ip, ctr, iptables, ...) to its end,
// always with a deadline: a hung helper is killed, never waited for.
import { execFile } from 'node:child_process';
import { fail } from './log.js';

export interface CommandResult {
  /** The exit code; null when it could not start, was killed, or timed out (`error` says which). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly error?: string;
}

export interface RunOptions {
  readonly timeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
}

export function runCommand(argv: readonly string[], { timeoutMs, env }: RunOptions): Promise<CommandResult> {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error('runCommand: no command');
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024, env },
      (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
        if (typeof e.code === 'number') return resolve({ code: e.code, stdout, stderr });
        const why =
          e.code === 'ENOENT'
            ? 'not found'
            : e.killed
              ? `no answer within ${timeoutMs / 1000} s: killed`
              : (e.code ?? e.message);
        resolve({ code: null, stdout, stderr, error: why });
      },
    );
  });
}

/** What went wrong with a run, in one line plus the end of its standard error. */
export function describeFailure(argv: readonly string[], result: CommandResult): string {
  const what = result.error ?? `exit ${result.code}`;
  const tail = result.stderr.trim().split('\n').slice(-5).join('\n');
  const shown = argv.join(' ');
  return `${shown.length > 160 ? `${shown.slice(0, 160)}…` : shown}: ${what}${tail ? `\n${tail}` : ''}`;
}

/** Runs `argv` and stops the command unless it exits 0; its standard output. */
export async function mustRun(argv: readonly string[], options: RunOptions): Promise<string> {
  const result = await runCommand(argv, options);
  if (result.code !== 0) fail(describeFailure(argv, result));
  return result.stdout;
}
