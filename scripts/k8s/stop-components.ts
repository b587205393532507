// Stops a cluster's processes: TERM in reverse start order, KILL for those
// still alive after 15 s, etcd last; for a real node, its pods before and its
// machine-wide leftovers after. Best effort throughout: a stop never stops halfway because
// one part was already gone.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from './cluster.js';
import { cleanUpNode } from './clean-up-node.js';
import { findPid } from './find-pid.js';
import { log, reason } from './log.js';
import { signal, waitForExit } from './signal-process.js';
import { stopPods } from './stop-pods.js';

const GRACE_MS = 15_000;
/**
 * Stopped only once every other component is gone: an API server whose etcd
 * went first waits out its own timeouts (10 s and more, measured) before it exits.
 */
const LAST = 'etcd';

/** TERM to each of `names` that runs, KILL to those still alive after the grace period. */
async function stopGroup(cluster: Cluster, names: readonly string[]): Promise<void> {
  const pids: number[] = [];
  for (const name of names) {
    let pid: number | undefined;
    try {
      pid = await findPid(cluster.dir, name);
    } catch (error) {
      log(`${name}: ${reason(error)}; not stopping it`);
    }
    if (pid === undefined) continue;
    log(`stopping ${name} (${pid})`);
    signal(pid, 'SIGTERM');
    pids.push(pid);
  }
  const alive = await waitForExit(pids, GRACE_MS, 100);
  if (alive.length > 0) {
    log(`killing ${alive.join(' ')}`);
    for (const pid of alive) signal(pid, 'SIGKILL');
    await sleep(500);
  }
}

export async function stopComponents(cluster: Cluster): Promise<void> {
  if (cluster.real) await stopPods(cluster);
  const reversed = [...cluster.components].reverse();
  await stopGroup(
    cluster,
    reversed.filter((name) => name !== LAST),
  );
  await stopGroup(
    cluster,
    reversed.filter((name) => name === LAST),
  );
  if (cluster.real) await cleanUpNode(cluster);
  const run = join(cluster.dir, 'run');
  let files: string[] = [];
  try {
    files = readdirSync(run);
  } catch {
    // No run/: nothing was started.
  }
  for (const f of files) if (f.endsWith('.pid')) rmSync(join(run, f), { force: true });
}
