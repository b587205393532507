// `up DIR [--real-pods]`: starts a cluster in DIR (or finds it running) and
// prints the exports. The control plane comes up in order, each step waiting
// for the one before (etcd, API server, then controller manager and scheduler),
// then kwok's fake nodes or the real node, then the default ServiceAccount.
// On failure, or on a signal, what was started is stopped and DIR is kept for
// its logs; `down` removes it.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyManifests } from './apply-manifests.js';
import { checkRunning } from './check-running.js';
import { type Cluster, MARKER, NODE_IP, NODE_NAME, newCluster, portOf, REAL_PODS_FILE, toolsOf } from './cluster.js';
import { findTools } from './find-tools.js';
import { fail, log } from './log.js';
import { makePki } from './make-pki.js';
import { apiserverReady, etcdHealthy, healthz } from './probe-health.js';
import { defaultServiceAccountExists, readyNodes } from './query-api.js';
import type { Settings } from './read-env-numbers.js';
import { renderExports } from './render-exports.js';
import { renderFakeNodes } from './render-manifests.js';
import { writePorts } from './save-ports.js';
import {
  componentUsers,
  registerControlPlane,
  startApiserver,
  startControllerManager,
  startEtcd,
  startKwok,
  startScheduler,
} from './start-control-plane.js';
import { startNode } from './start-node.js';
import { stopComponents } from './stop-components.js';
import { takeDown } from './take-down.js';
import { waitFor } from './wait-for.js';
import { writeKubeconfig } from './write-kubeconfig.js';

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;

function isEmptyDir(dir: string): boolean {
  return statSync(dir).isDirectory() && readdirSync(dir).length === 0;
}

/** DIR made anew: the marker first, so that down may remove it whatever happens next. */
function prepareDir(c: Cluster): void {
  mkdirSync(join(c.dir, 'logs'), { recursive: true });
  mkdirSync(join(c.dir, 'run'), { recursive: true });
  mkdirSync(join(c.dir, 'etcd'), { recursive: true, mode: 0o700 });
  writeFileSync(join(c.dir, MARKER), '');
  if (c.real) writeFileSync(join(c.dir, REAL_PODS_FILE), '');
}

async function startEtcdAndWait(c: Cluster): Promise<void> {
  await startEtcd(c);
  await waitFor(c, 'etcd', 60, () => etcdHealthy(portOf(c, 'ETCD_PORT')));
}

async function startCluster(c: Cluster): Promise<void> {
  registerControlPlane(c);
  // etcd needs no certificate: it boots while openssl makes them.
  await Promise.all([makePki(c), startEtcdAndWait(c)]);
  await startApiserver(c);
  await waitFor(c, 'kube-apiserver /readyz', 120, () => apiserverReady(c));
  // Only now is the API server's port final (a relaunch picks another).
  for (const user of ['admin', ...componentUsers(c)]) writeKubeconfig(c, user);
  await startControllerManager(c);
  await startScheduler(c);
  const nodes = c.settings.numbers.K8S_FAKE_NODES;
  if (!c.real) {
    startKwok(c);
    // Applied while the controller manager and scheduler boot; kwok makes them Ready.
    const nodesFile = join(c.dir, 'nodes.yaml');
    writeFileSync(nodesFile, renderFakeNodes(nodes));
    await applyManifests(c, [nodesFile, join(toolsOf(c).share, 'kwok-storage-class.yaml')]);
  }
  await waitFor(c, 'kube-controller-manager /healthz', 60, () => healthz(portOf(c, 'KCM_PORT')));
  await waitFor(c, 'kube-scheduler /healthz', 60, () => healthz(portOf(c, 'SCHEDULER_PORT')));
  writePorts(c);
  if (c.real) await startNode(c);
  else await waitFor(c, `${nodes} fake nodes Ready`, 120, async () => (await readyNodes(c, 'type=kwok')) === nodes);
  // Pods are rejected until the ServiceAccount controller made "default".
  await waitFor(c, 'default ServiceAccount', 60, () => defaultServiceAccountExists(c));
}

/**
 * While up runs, a signal stops what was started, then ends the process (128 +
 * the signal's number). `stopping` is that stop, which a failing step must
 * await rather than end the process under it.
 */
function stopOnSignals(c: Cluster): { release: () => void; stopping: () => Promise<void> | undefined } {
  let stopping: Promise<void> | undefined;
  const handlers = Object.entries(SIGNALS).map(([name, number]) => {
    const handler = () => {
      if (c.aborted) return;
      c.aborted = true;
      log(`${name}: stopping what was started; logs in ${c.dir}/logs (then: scripts/k8s-cluster.sh down ${c.dir})`);
      stopping = stopComponents(c).finally(() => process.exit(128 + number));
    };
    process.on(name, handler);
    return [name, handler] as const;
  });
  return {
    release: () => {
      for (const [name, handler] of handlers) process.off(name, handler);
    },
    stopping: () => stopping,
  };
}

export async function bringUp(dir: string, real: boolean, settings: Settings, env: NodeJS.ProcessEnv): Promise<void> {
  const c = newCluster(dir, real, settings);
  c.tools = findTools(env, real);
  const state = await checkRunning(c);
  if (state.up) {
    log(`cluster in ${dir} is already up (kube-apiserver https://127.0.0.1:${state.ports.APISERVER_PORT})`);
    process.stdout.write(renderExports(dir, c.tools.bin));
    return;
  }
  if (existsSync(join(dir, MARKER))) {
    log(`${dir} holds a stopped or broken cluster (${state.why}): removing it first`);
    await takeDown(dir, settings);
  } else if (existsSync(dir) && !isEmptyDir(dir)) fail(`${dir} exists and is not empty; choose a new directory`);
  prepareDir(c);

  const started = Date.now();
  const signals = stopOnSignals(c);
  try {
    await startCluster(c);
    if (c.aborted) fail('stopped by a signal');
  } catch (error) {
    const stopping = signals.stopping();
    if (stopping) await stopping;
    c.aborted = true;
    log(`up failed: stopping; logs in ${dir}/logs (then: scripts/k8s-cluster.sh down ${dir})`);
    await stopComponents(c);
    throw error;
  } finally {
    signals.release();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const api = `kube-apiserver https://127.0.0.1:${portOf(c, 'APISERVER_PORT')}`;
  log(
    c.real
      ? `cluster up in ${seconds}s: ${api}, real node ${NODE_NAME} (${NODE_IP}), default StorageClass warren-local`
      : `cluster up in ${seconds}s: ${api}, ${settings.numbers.K8S_FAKE_NODES} kwok nodes, default StorageClass kwok-volume`,
  );
  process.stdout.write(renderExports(dir, c.tools.bin));
}
