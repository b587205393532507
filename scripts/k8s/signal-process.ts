// Signals to processes this command may not own any more: a process that is
// already gone is what was wanted, never an error.
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './find-pid.js';

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Waits until none of `pids` is alive, at most `ms`; those still alive then. */
export async function waitForExit(pids: readonly number[], ms: number, pollMs = 100): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const alive: number[] = [];
    for (const pid of pids) if (await isAlive(pid)) alive.push(pid);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await sleep(pollMs);
  }
}
