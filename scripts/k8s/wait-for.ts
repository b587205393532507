// Polls a readiness check until it passes, with a deadline, and fails early
// when a component exited (unless it exited because its port was taken, and
// was started again). Every check is also cut off on its own, so one that hangs
// cannot outlast the deadline.
import { readFileSync } from 'node:fs';
import { type Cluster, logFile } from './cluster.js';
import { findPid, type ProcOptions, readPidFile } from './find-pid.js';
import { fail } from './log.js';
import { relaunchIfPortTaken } from './relaunch-component.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<unknown>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface WaitOptions {
  readonly clock?: Clock;
  readonly proc?: ProcOptions;
  readonly pollMs?: number;
  /** The longest one check may take before it counts as not passed. */
  readonly checkTimeoutMs?: number;
}

/** The last `lines` lines of a log, for the reader of a failure. */
export function tail(file: string, lines: number): string {
  try {
    const text = readFileSync(file, 'utf8').replace(/\n$/, '');
    return `${text.split('\n').slice(-lines).join('\n')}\n`;
  } catch {
    return '';
  }
}

async function passes(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check().catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A component that was started (it has a pid file) and no longer runs, and was not started again. */
async function exitedComponent(cluster: Cluster, proc: ProcOptions | undefined): Promise<string | undefined> {
  for (const name of cluster.components) {
    if (readPidFile(cluster.dir, name) === undefined) continue;
    if ((await findPid(cluster.dir, name, proc)) !== undefined) continue;
    if (await relaunchIfPortTaken(cluster, name)) continue;
    return name;
  }
  return undefined;
}

export async function waitFor(
  cluster: Cluster,
  what: string,
  seconds: number,
  check: () => Promise<boolean>,
  { clock = realClock, proc, pollMs = 250, checkTimeoutMs = 30_000 }: WaitOptions = {},
): Promise<void> {
  const deadline = clock.now() + seconds * 1000;
  for (;;) {
    if (await passes(check, checkTimeoutMs)) return;
    const exited = await exitedComponent(cluster, proc);
    if (exited !== undefined) {
      process.stderr.write(tail(logFile(cluster, exited), 30));
      fail(`${exited} exited while waiting for ${what} (log: ${logFile(cluster, exited)})`);
    }
    if (clock.now() >= deadline) fail(`timed out after ${seconds}s waiting for ${what} (logs: ${cluster.dir}/logs)`);
    await clock.sleep(pollMs);
  }
}
