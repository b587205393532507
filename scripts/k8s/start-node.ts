// The real node of --real-pods: containerd + runc run the pods, kubelet and
// kube-proxy (iptables) make it a Kubernetes node, CoreDNS answers cluster
// names, and the pod network is one bridge (render-node-config.ts has the
// layout). Pods are real processes: RabbitMQ boots, forms its cluster through
// peer discovery, runs its probes and preStop hooks, and keeps its data on
// hostPath volumes. Needs root (network, mounts, cgroups).
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyManifests } from './apply-manifests.js';
import { claimNode } from './claim-node.js';
import { type Cluster, kubeconfigFile, NODE_IP, NODE_NAME, portOf, toolsOf } from './cluster.js';
import { fail, reason } from './log.js';
import { pickPort } from './pick-port.js';
import { nodeReady } from './query-api.js';
import { baseName, readImages } from './read-images.js';
import { renderNodeObjects, volumeDir } from './render-manifests.js';
import {
  BRIDGE,
  containerdSocket,
  renderCniConfig,
  renderContainerdConfig,
  renderCorefile,
  renderKubeletConfig,
  renderProxyConfig,
} from './render-node-config.js';
import { mustRun, runCommand } from './run-command.js';
import { startComponent } from './start-component.js';
import { waitFor } from './wait-for.js';

/** The uid and gid of the images' rabbitmq user: hostPath volumes get no fsGroup treatment. */
const POD_USER = 999;

function writeKernelSetting(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (error) {
    fail(`cannot set ${path} to ${value}: ${reason(error)}`);
  }
}

/**
 * The bridge is made here rather than by the CNI plugin on the first pod:
 * CoreDNS, the API forward and the kubelet bind to its address before any pod exists.
 */
async function setUpNetwork(c: Cluster): Promise<void> {
  await claimNode(c);
  writeKernelSetting('/proc/sys/net/ipv4/ip_forward', '1');
  await runCommand(['modprobe', 'br_netfilter'], { timeoutMs: 30_000 });
  const nfCall = '/proc/sys/net/bridge/bridge-nf-call-iptables';
  if (existsSync(nfCall)) writeKernelSetting(nfCall, '1');
  const timeout = { timeoutMs: 30_000 };
  await mustRun(['ip', 'link', 'add', BRIDGE, 'type', 'bridge'], timeout);
  await mustRun(['ip', 'addr', 'add', `${NODE_IP}/24`, 'dev', BRIDGE], timeout);
  await mustRun(['ip', 'link', 'set', BRIDGE, 'up'], timeout);
  mkdirSync(join(c.dir, 'cni', 'net.d'), { recursive: true });
  mkdirSync(join(c.dir, 'cni', 'ipam'), { recursive: true });
  writeFileSync(join(c.dir, 'cni', 'net.d', '10-warren.conflist'), renderCniConfig(c.dir));
}

/**
 * The node's own containerd (root and socket in DIR), and the images imported
 * into it. Imported while the CRI runs, never removed under it (a removed image
 * stays in the CRI's cache until containerd restarts).
 */
async function startContainerd(c: Cluster): Promise<void> {
  const imagesJson = toolsOf(c).imagesJson;
  if (!imagesJson) throw new Error('--real-pods without images.json');
  const images = readImages(imagesJson);
  const config = join(c.dir, 'containerd', 'config.toml');
  mkdirSync(join(c.dir, 'containerd'), { recursive: true });
  writeFileSync(config, renderContainerdConfig(c.dir, images.pause.ref));
  startComponent(c, 'containerd', ['containerd', '--config', config]);
  const ctr = ['ctr', '--address', containerdSocket(c.dir)];
  await waitFor(
    c,
    'containerd',
    60,
    async () => (await runCommand([...ctr, 'version'], { timeoutMs: 5000 })).code === 0,
  );
  await Promise.all(
    Object.values(images).map((image) =>
      mustRun([...ctr, '-n', 'k8s.io', 'images', 'import', '--base-name', baseName(image.ref), image.archive], {
        timeoutMs: 300_000,
      }),
    ),
  );
}

/** CoreDNS on the bridge, and the forward that pods reach the API server through (the `kubernetes` Service). */
function startDns(c: Cluster): void {
  const corefile = join(c.dir, 'Corefile');
  writeFileSync(corefile, renderCorefile(c.dir));
  startComponent(c, 'coredns', [join(toolsOf(c).bin, 'coredns'), '-conf', corefile]);
  // -L: a lock file in DIR, which also marks the process as this cluster's (findPid).
  startComponent(c, 'apiserver-forward', [
    'socat',
    '-L',
    join(c.dir, 'run', 'apiserver-forward.lock'),
    `TCP-LISTEN:6443,bind=${NODE_IP},reuseaddr,fork`,
    `TCP:127.0.0.1:${portOf(c, 'APISERVER_PORT')}`,
  ]);
}

export async function startKubelet(c: Cluster): Promise<void> {
  const n = c.settings.numbers;
  mkdirSync(join(c.dir, 'kubelet'), { recursive: true });
  const port = await pickPort(n.K8S_KUBELET_PORT, c.taken, NODE_IP);
  const healthzPort = await pickPort(n.K8S_KUBELET_HEALTHZ_PORT, c.taken);
  c.ports.KUBELET_PORT = port;
  c.ports.KUBELET_HEALTHZ_PORT = healthzPort;
  const config = join(c.dir, 'kubelet', 'config.yaml');
  writeFileSync(config, renderKubeletConfig(c.dir, { port, healthzPort }));
  startComponent(c, 'kubelet', [
    join(toolsOf(c).bin, 'kubelet'),
    ...['--config', config, '--kubeconfig', kubeconfigFile(c, NODE_NAME)],
    ...['--root-dir', join(c.dir, 'kubelet', 'root'), '--cert-dir', join(c.dir, 'kubelet', 'pki')],
    ...['--hostname-override', NODE_NAME, '--node-ip', NODE_IP],
    ...['--node-labels', 'topology.kubernetes.io/zone=zone-a'],
  ]);
}

/** kube-proxy only logs a taken port and retries, so it has no relaunch. */
async function startProxy(c: Cluster): Promise<void> {
  const n = c.settings.numbers;
  const healthzPort = await pickPort(n.K8S_PROXY_HEALTHZ_PORT, c.taken);
  const metricsPort = await pickPort(n.K8S_PROXY_METRICS_PORT, c.taken);
  const config = join(c.dir, 'kube-proxy.yaml');
  writeFileSync(config, renderProxyConfig(c.dir, { healthzPort, metricsPort }));
  startComponent(c, 'kube-proxy', [join(toolsOf(c).bin, 'kube-proxy'), '--config', config]);
}

async function applyNodeObjects(c: Cluster): Promise<void> {
  const { K8S_VOLUMES: volumes } = c.settings.numbers;
  const file = join(c.dir, 'node-objects.yaml');
  writeFileSync(file, renderNodeObjects(c.dir, volumes, c.settings.volumeSize));
  mkdirSync(join(c.dir, 'volumes'), { recursive: true });
  chownSync(join(c.dir, 'volumes'), POD_USER, POD_USER);
  for (let i = 0; i < volumes; i++) {
    mkdirSync(volumeDir(c.dir, i), { recursive: true });
    chownSync(volumeDir(c.dir, i), POD_USER, POD_USER);
  }
  await applyManifests(c, [file]);
}

export async function startNode(c: Cluster): Promise<void> {
  c.launchers.set('kubelet', () => startKubelet(c));
  await setUpNetwork(c);
  await startContainerd(c);
  startDns(c);
  await startKubelet(c);
  await startProxy(c);
  await applyNodeObjects(c);
  await waitFor(c, `node ${NODE_NAME} Ready`, 120, () => nodeReady(c, NODE_NAME));
}
