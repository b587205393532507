// Runs the built `warren` command as users do: a fresh process.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `input` is written to the command's standard input (otherwise it reads an empty one). */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'warren.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** What a stack trace looks like in Node's output. */
export const STACK_TRACE = /^\s+at .+(\(|:\d+:\d+)/m;
