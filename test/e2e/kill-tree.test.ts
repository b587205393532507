// The e2e tests' crash: a killed `pulumi up` must take its plugins with it, although they run in process groups of
// their own (as Pulumi starts them), or each kill would leave processes behind.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { killTree } from './support/e2e-project.js';

const alive = (pid: number) => {
  try {
    // A zombie (killed, not yet reaped by its parent) is no longer running.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

it('kills a process and its descendants, also those in a process group of their own', async () => {
  // The shell starts a child in a new session (its own process group), prints its pid, and waits.
  const root = spawn('bash', ['-c', 'setsid sleep 600 & echo $!; sleep 600'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const grandchild = await new Promise<number>((resolve) =>
    root.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
  );
  expect([alive(root.pid!), alive(grandchild)]).toEqual([true, true]);
  killTree(root.pid!);
  const until = Date.now() + 5000;
  while ((alive(root.pid!) || alive(grandchild)) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  expect([alive(root.pid!), alive(grandchild)]).toEqual([false, false]);
});
