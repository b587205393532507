// Runs the built `warren` command as users do: a fresh process.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'warren.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when `timeout` passed and the process was killed. */
  readonly timedOut?: boolean;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Written to the command's standard input (otherwise it reads an empty one). */
  readonly input?: string;
  /** Milliseconds before the process is killed (a hang fails the test instead of the run). */
  readonly timeout?: number;
}

export function runCli(args: string[], options: RunOptions = {}): CliResult {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.timeout !== undefined ? { timeout: options.timeout, killSignal: 'SIGKILL' as const } : {}),
  });
  return {
    code: run.status,
    stdout: run.stdout,
    stderr: run.stderr,
    timedOut: (run.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT',
  };
}

/** Like runCli, without blocking the test's event loop (for a server the test itself runs). */
export function runCliAsync(args: string[], options: Omit<RunOptions, 'input'> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: options.cwd ?? ROOT,
        env: { ...process.env, ...options.env },
        encoding: 'utf8',
        ...(options.timeout !== undefined ? { timeout: options.timeout, killSignal: 'SIGKILL' as const } : {}),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr, timedOut: error?.killed === true });
      },
    );
  });
}

/**
 * Runs `script` with sh, for what needs a shell: pipes that close early
 * (`| head -c1`), redirections to /dev/full, standard input from a device.
 * The script calls warren as `"$NODE" "$WARREN_JS" …`. When it reports
 * `warren-exit=N` on stderr (warren's own status inside a pipeline), that is
 * the code returned; otherwise the shell's.
 */
export function runShell(script: string, options: RunOptions = {}): CliResult {
  const run = spawnSync('sh', ['-c', script], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env, NODE: process.execPath, WARREN_JS: BIN },
    encoding: 'utf8',
    ...(options.timeout !== undefined ? { timeout: options.timeout, killSignal: 'SIGKILL' as const } : {}),
  });
  const reported = /^warren-exit=(\d+)$/m.exec(run.stderr ?? '');
  const stderr = (run.stderr ?? '').replace(/^warren-exit=\d+\n?/m, '');
  return {
    code: reported ? Number(reported[1]) : run.status,
    stdout: run.stdout,
    stderr,
    timedOut: (run.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT',
  };
}

/** What a stack trace looks like in Node's output. */
export const STACK_TRACE = /^\s+at .+(\(|:\d+:\d+)/m;
