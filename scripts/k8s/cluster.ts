// One cluster directory and what a command learns about it while it runs.
//
// DIR holds everything: the marker file (DIR is never touched without it),
// `real-pods` when it was made with --real-pods (so down and status treat it
// the way up made it), ports.env, logs/ (one per component), run/ (pid files),
// pki/, the kubeconfigs and the components' data.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Settings } from './read-env-numbers.js';

export const MARKER = '.warren-k8s-cluster';
export const REAL_PODS_FILE = 'real-pods';

/** Start order; stopped in reverse. */
export const CONTROL_PLANE = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
export const NODE_COMPONENTS = ['containerd', 'coredns', 'apiserver-forward', 'kubelet', 'kube-proxy'] as const;

/** The real node: its name, and its address on the pod bridge (where NodePorts answer). */
export const NODE_NAME = 'warren-node';
export const NODE_IP = '10.244.0.1';

export const SERVICE_CIDR = '10.96.0.0/16';
export const SERVICE_IP = '10.96.0.1';

/** The ports up picks, as ports.env records them. */
export interface Ports {
  ETCD_PORT: number;
  ETCD_PEER_PORT: number;
  APISERVER_PORT: number;
  KCM_PORT: number;
  SCHEDULER_PORT: number;
}

/** The binaries and files of the Kubernetes tier (find-tools.ts). */
export interface Tools {
  readonly bin: string;
  readonly share: string;
  /** --real-pods: toolchain/install-pod-runtime.sh's list of image archives. */
  readonly imagesJson?: string;
}

export interface Cluster {
  readonly dir: string;
  readonly real: boolean;
  readonly settings: Settings;
  /** Every process this mode runs, in start order. */
  readonly components: readonly string[];
  readonly ports: Partial<Ports> & { KUBELET_PORT?: number; KUBELET_HEALTHZ_PORT?: number };
  /** The ports handed out by this run (pickPort). */
  readonly taken: Set<number>;
  /** Per component: how often it was started again after a port was taken. */
  readonly relaunches: Map<string, number>;
  /** Per component that listens on ports of its own: what picks its ports and starts it. */
  readonly launchers: Map<string, () => Promise<void>>;
  tools?: Tools;
  /** Set when up stops (a failure or a signal): nothing more is started. */
  aborted: boolean;
}

export function newCluster(dir: string, real: boolean, settings: Settings): Cluster {
  return {
    dir,
    real,
    settings,
    components: real ? [...CONTROL_PLANE, ...NODE_COMPONENTS] : [...CONTROL_PLANE, 'kwok'],
    ports: {},
    taken: new Set(),
    relaunches: new Map(),
    launchers: new Map(),
    aborted: false,
  };
}

/** The cluster already in `dir`, in the mode it was made in. */
export function existingCluster(dir: string, settings: Settings): Cluster {
  return newCluster(dir, existsSync(join(dir, REAL_PODS_FILE)), settings);
}

export const pkiDir = (c: Cluster) => join(c.dir, 'pki');
export const logFile = (c: Cluster, name: string) => join(c.dir, 'logs', `${name}.log`);
export const pidFile = (dir: string, name: string) => join(dir, 'run', `${name}.pid`);
export const kubeconfigFile = (c: Cluster, user = 'admin') =>
  join(c.dir, user === 'admin' ? 'kubeconfig' : `${user}.kubeconfig`);

/** The tools, which only up looks for. */
export function toolsOf(c: Cluster): Tools {
  if (!c.tools) throw new Error('the Kubernetes tier was not looked for before it was needed');
  return c.tools;
}

/** A port up picked, by name; asking for one not picked yet is a bug in the order of steps. */
export function portOf(c: Cluster, name: keyof Cluster['ports']): number {
  const port = c.ports[name];
  if (port === undefined) throw new Error(`${name} was not picked before it was needed`);
  return port;
}
