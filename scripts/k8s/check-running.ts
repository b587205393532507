// Whether the cluster in DIR is up: made by this script, every component of
// its mode running, and the API server ready on the port ports.env records.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Cluster, MARKER, type Ports } from './cluster.js';
import { findPid } from './find-pid.js';
import { ClusterError } from './log.js';
import { apiserverReady } from './probe-health.js';
import { portsFile, readPorts } from './save-ports.js';

export type RunningState = { readonly up: true; readonly ports: Ports } | { readonly up: false; readonly why: string };

export async function checkRunning(cluster: Cluster): Promise<RunningState> {
  if (!existsSync(join(cluster.dir, MARKER))) return { up: false, why: `no cluster in ${cluster.dir}` };
  if (!existsSync(portsFile(cluster.dir)))
    return { up: false, why: `${cluster.dir} has no ports.env (up did not finish)` };
  try {
    for (const name of cluster.components)
      if ((await findPid(cluster.dir, name)) === undefined) return { up: false, why: `${name} is not running` };
    const ports = readPorts(cluster.dir);
    Object.assign(cluster.ports, ports);
    if (!(await apiserverReady(cluster)))
      return { up: false, why: `kube-apiserver on port ${ports.APISERVER_PORT} is not ready` };
    return { up: true, ports };
  } catch (error) {
    if (error instanceof ClusterError) return { up: false, why: error.message };
    throw error;
  }
}
