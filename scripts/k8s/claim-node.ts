// Before a real node is made: one per machine. A node left by a run that was
// killed (its kubelet gone) is taken down first; one that still runs is not
// touched, and this up stops.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Cluster, MARKER } from './cluster.js';
import { cleanUpIptables } from './clean-up-iptables.js';
import { machineKubeProxy } from './clean-up-node.js';
import { findPid } from './find-pid.js';
import { fail, log, reason } from './log.js';
import { OWNER_FILE, readNodeOwner, recordNodeOwner } from './own-node.js';
import { BRIDGE } from './render-node-config.js';
import { runCommand } from './run-command.js';
import { takeDown } from './take-down.js';

export const bridgeExists = () => existsSync(join('/sys/class/net', BRIDGE));

async function kubeletRuns(owner: string): Promise<boolean> {
  try {
    return (await findPid(owner, 'kubelet')) !== undefined;
  } catch (error) {
    log(`${owner}: ${reason(error)}`);
    return false;
  }
}

export async function claimNode(cluster: Cluster, ownerFile = OWNER_FILE): Promise<void> {
  const owner = readNodeOwner(ownerFile);
  if (bridgeExists()) {
    if (owner !== undefined && (await kubeletRuns(owner)))
      fail(
        `a real-pods cluster already runs on this machine, in ${owner} (one at a time): scripts/k8s-cluster.sh down ${owner}`,
      );
    log(`taking down a real-pods cluster left behind${owner ? ` in ${owner}` : ''}`);
    if (owner !== undefined && owner !== cluster.dir && existsSync(join(owner, MARKER)))
      await takeDown(owner, cluster.settings).catch((error: unknown) =>
        log(`taking down ${owner} failed (${reason(error)}); cleaning up the machine anyway`),
      );
    await cleanUpIptables(machineKubeProxy(cluster));
    await runCommand(['ip', 'link', 'del', BRIDGE], { timeoutMs: 30_000 });
  }
  recordNodeOwner(cluster.dir, ownerFile);
}
