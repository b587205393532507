// After the real node's components stopped: what the node made outside its
// processes (shims, mounts, network namespaces, iptables rules, the bridge,
// cgroups). Safe to run when parts never started.
import { readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from './cluster.js';
import { cleanUpIptables } from './clean-up-iptables.js';
import { findTierBin } from './find-tools.js';
import { ownsNode, releaseNode } from './own-node.js';
import { BRIDGE, containerdSocket } from './render-node-config.js';
import { runCommand } from './run-command.js';
import { signal } from './signal-process.js';

const TIMEOUT = { timeoutMs: 30_000 };

/** The pids of containerd's runc shims of the containerd at `sock` (they are reparented, so they outlive it). */
export function shimsOf(sock: string, procRoot = '/proc'): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync(procRoot)) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let argv: string[];
    try {
      argv = readFileSync(join(procRoot, entry, 'cmdline'), 'utf8').split('\0');
    } catch {
      continue;
    }
    const address = argv.indexOf('-address');
    if (argv[0]?.endsWith('containerd-shim-runc-v2') && address > 0 && argv[address + 1] === sock)
      pids.push(Number(entry));
  }
  return pids;
}

/** /proc/self/mounts' octal escapes (\040 for a space, ...) decoded. */
const unescapeMount = (path: string) =>
  path.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** The mount points below `dir`, deepest first (secret tmpfs, overlay roots, shm, netns files). */
export function mountsBelow(dir: string, mounts: string): string[] {
  return mounts
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter((p): p is string => p !== undefined)
    .map(unescapeMount)
    .filter((p) => p.startsWith(`${dir}/`))
    .sort()
    .reverse();
}

/** Removes every empty directory below and including each /sys/fs/cgroup/CONTROLLER/kubepods*, deepest first. */
function removePodCgroups(root = '/sys/fs/cgroup'): void {
  // A cgroup still in use, or one that went away meanwhile, is left as it is.
  const remove = (dir: string) => {
    try {
      for (const entry of readdirSync(dir, { withFileTypes: true }))
        if (entry.isDirectory()) remove(join(dir, entry.name));
      rmdirSync(dir);
    } catch {}
  };
  let controllers: string[] = [];
  try {
    controllers = readdirSync(root);
  } catch {
    return;
  }
  for (const controller of controllers) {
    const dir = join(root, controller);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    let entries: string[] = [];
    try {
      entries = readdirSync(dir).filter((e) => e.startsWith('kubepods'));
    } catch {
      continue;
    }
    for (const entry of entries) remove(join(dir, entry));
  }
}

export async function cleanUpNode(cluster: Cluster): Promise<void> {
  for (const pid of shimsOf(containerdSocket(cluster.dir))) signal(pid, 'SIGKILL');
  for (const mount of mountsBelow(cluster.dir, readFileSync('/proc/self/mounts', 'utf8')))
    await runCommand(['umount', '-l', mount], TIMEOUT);
  if (!ownsNode(cluster.dir)) return;
  await cleanUpIptables(machineKubeProxy(cluster));
  // The sandboxes' network namespaces (containerd 1.6 names them cni-<uuid>).
  let namespaces: string[] = [];
  try {
    namespaces = readdirSync('/var/run/netns').filter((n) => n.startsWith('cni-'));
  } catch {
    // No namespaces at all.
  }
  for (const ns of namespaces) await runCommand(['ip', 'netns', 'delete', ns], TIMEOUT);
  await runCommand(['ip', 'link', 'del', BRIDGE], TIMEOUT);
  // The kubelet's cgroups (kubepods), empty once the containers are gone.
  removePodCgroups();
  releaseNode();
}

/** kube-proxy of the tier, for its own iptables cleanup; down may run without the tier found. */
export function machineKubeProxy(cluster: Cluster): string | undefined {
  const bin = cluster.tools?.bin ?? findTierBin(process.env);
  return bin ? join(bin, 'kube-proxy') : undefined;
}
