// Before the real node's components stop: the kubelet first (it would restart
// what is killed), then every container, while containerd still answers, then
// whatever is left in the pods' cgroups (a task containerd no longer knew of).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from './cluster.js';
import { findPid } from './find-pid.js';
import { log, reason } from './log.js';
import { ownsNode } from './own-node.js';
import { containerdSocket } from './render-node-config.js';
import { runCommand } from './run-command.js';
import { signal, waitForExit } from './signal-process.js';

const CGROUP_PIDS = '/sys/fs/cgroup/pids';

/** The pids listed in the cgroup.procs files of `root`'s kubepods* cgroups and every cgroup below them. */
export function podProcesses(root = CGROUP_PIDS): number[] {
  const pids = new Set<number>();
  const visit = (dir: string) => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      if (entry === 'cgroup.procs') {
        let text = '';
        try {
          text = readFileSync(path, 'utf8');
        } catch {
          // The cgroup went away while being read: nothing left in it.
        }
        for (const line of text.split('\n')) if (/^[0-9]+$/.test(line)) pids.add(Number(line));
      } else if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) visit(path);
    }
  };
  let top: string[] = [];
  try {
    top = readdirSync(root).filter((e) => e.startsWith('kubepods'));
  } catch {
    return [];
  }
  for (const entry of top) visit(join(root, entry));
  return [...pids].sort((a, b) => a - b);
}

async function safeFindPid(cluster: Cluster, name: string): Promise<number | undefined> {
  try {
    return await findPid(cluster.dir, name);
  } catch (error) {
    log(`${name}: ${reason(error)}`);
    return undefined;
  }
}

export async function stopPods(cluster: Cluster): Promise<void> {
  const kubelet = await safeFindPid(cluster, 'kubelet');
  if (kubelet !== undefined) {
    signal(kubelet, 'SIGTERM');
    await waitForExit([kubelet], 5000);
    signal(kubelet, 'SIGKILL');
  }
  const sock = containerdSocket(cluster.dir);
  if (existsSync(sock) && statSync(sock).isSocket() && (await safeFindPid(cluster, 'containerd')) !== undefined) {
    const ctr = ['ctr', '--address', sock, '-n', 'k8s.io', 'tasks'];
    const tasks = await runCommand([...ctr, 'ls', '-q'], { timeoutMs: 30_000 });
    const ids =
      tasks.code === 0
        ? tasks.stdout
            .split('\n')
            .map((id) => id.trim())
            .filter((id) => id !== '')
        : [];
    await Promise.all(ids.map((id) => runCommand([...ctr, 'kill', '-a', '-s', 'KILL', id], { timeoutMs: 30_000 })));
  }
  if (!ownsNode(cluster.dir)) return;
  for (const pid of podProcesses()) signal(pid, 'SIGKILL');
}
