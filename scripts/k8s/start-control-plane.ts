// The control plane's components, each started right after its ports are
// picked (pick-port.ts says why), everything on 127.0.0.1.
import { join } from 'node:path';
import { type Cluster, kubeconfigFile, NODE_NAME, pkiDir, portOf, SERVICE_CIDR, toolsOf } from './cluster.js';
import { pickPort } from './pick-port.js';
import { startComponent } from './start-component.js';

const bin = (c: Cluster, name: string) => join(toolsOf(c).bin, name);

/**
 * etcd: a single member on loopback, plain HTTP (nothing else can reach it).
 * --unsafe-no-fsync: a throwaway test store; fsyncs make it slow on busy disks.
 */
export async function startEtcd(c: Cluster): Promise<void> {
  const n = c.settings.numbers;
  const client = await pickPort(n.K8S_ETCD_PORT, c.taken);
  const peer = await pickPort(n.K8S_ETCD_PEER_PORT, c.taken);
  c.ports.ETCD_PORT = client;
  c.ports.ETCD_PEER_PORT = peer;
  startComponent(c, 'etcd', [
    bin(c, 'etcd'),
    ...['--name', 'warren', '--data-dir', join(c.dir, 'etcd')],
    ...['--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`],
    ...['--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`],
    ...['--initial-cluster', `warren=http://127.0.0.1:${peer}`, '--initial-cluster-state', 'new'],
    ...['--unsafe-no-fsync', '--log-level', 'warn'],
  ]);
}

/**
 * The API server's arguments. The endpoint reconciler would publish the
 * advertise address (127.0.0.1) in the "kubernetes" Endpoints, which validation
 * rejects for loopback addresses; no pod talks to the API through that Service
 * on the fake nodes, and the real node gets an EndpointSlice of its own
 * (start-node.ts), so it is switched off.
 */
export function apiserverArgs(c: Cluster): string[] {
  const pki = pkiDir(c);
  const p = (f: string) => join(pki, f);
  return [
    bin(c, 'kube-apiserver'),
    ...['--etcd-servers', `http://127.0.0.1:${portOf(c, 'ETCD_PORT')}`],
    ...['--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1'],
    ...['--secure-port', String(portOf(c, 'APISERVER_PORT')), '--endpoint-reconciler-type', 'none'],
    ...['--tls-cert-file', p('apiserver.crt'), '--tls-private-key-file', p('apiserver.key')],
    ...['--client-ca-file', p('ca.crt')],
    ...[
      '--requestheader-client-ca-file',
      p('front-proxy-ca.crt'),
      '--requestheader-allowed-names',
      'front-proxy-client',
    ],
    ...['--requestheader-username-headers', 'X-Remote-User', '--requestheader-group-headers', 'X-Remote-Group'],
    ...['--requestheader-extra-headers-prefix', 'X-Remote-Extra-'],
    ...[
      '--proxy-client-cert-file',
      p('front-proxy-client.crt'),
      '--proxy-client-key-file',
      p('front-proxy-client.key'),
    ],
    ...['--service-account-issuer', 'https://kubernetes.default.svc.cluster.local'],
    ...['--service-account-key-file', p('sa.pub'), '--service-account-signing-key-file', p('sa.key')],
    ...['--service-cluster-ip-range', SERVICE_CIDR],
    ...['--authorization-mode', 'Node,RBAC', '--allow-privileged=true', '--profiling=false'],
    ...['--cert-dir', join(pki, 'apiserver-generated')],
    ...(c.real
      ? [
          ...['--kubelet-client-certificate', p('apiserver-kubelet-client.crt')],
          ...['--kubelet-client-key', p('apiserver-kubelet-client.key')],
          ...['--kubelet-preferred-address-types', 'InternalIP,Hostname'],
        ]
      : []),
  ];
}

export async function startApiserver(c: Cluster): Promise<void> {
  c.ports.APISERVER_PORT = await pickPort(c.settings.numbers.K8S_APISERVER_PORT, c.taken);
  startComponent(c, 'kube-apiserver', apiserverArgs(c));
}

/** The flags the controller manager and the scheduler share: own kubeconfig for everything, loopback, no election. */
function delegatedFlags(c: Cluster, name: string, port: number, certDir: string): string[] {
  const kubeconfig = kubeconfigFile(c, name);
  return [
    ...[
      '--kubeconfig',
      kubeconfig,
      '--authentication-kubeconfig',
      kubeconfig,
      '--authorization-kubeconfig',
      kubeconfig,
    ],
    ...['--bind-address', '127.0.0.1', '--secure-port', String(port), '--cert-dir', join(pkiDir(c), certDir)],
    ...['--leader-elect=false', '--profiling=false'],
  ];
}

export async function startControllerManager(c: Cluster): Promise<void> {
  const port = await pickPort(c.settings.numbers.K8S_KCM_PORT, c.taken);
  c.ports.KCM_PORT = port;
  const pki = pkiDir(c);
  startComponent(c, 'kube-controller-manager', [
    bin(c, 'kube-controller-manager'),
    ...delegatedFlags(c, 'kube-controller-manager', port, 'kcm-generated'),
    '--use-service-account-credentials=true',
    ...['--service-account-private-key-file', join(pki, 'sa.key'), '--root-ca-file', join(pki, 'ca.crt')],
    ...['--cluster-signing-cert-file', join(pki, 'ca.crt'), '--cluster-signing-key-file', join(pki, 'ca.key')],
    ...['--service-cluster-ip-range', SERVICE_CIDR, '--cluster-name', 'warren'],
  ]);
}

export async function startScheduler(c: Cluster): Promise<void> {
  const port = await pickPort(c.settings.numbers.K8S_SCHEDULER_PORT, c.taken);
  c.ports.SCHEDULER_PORT = port;
  startComponent(c, 'kube-scheduler', [
    bin(c, 'kube-scheduler'),
    ...delegatedFlags(c, 'kube-scheduler', port, 'scheduler-generated'),
  ]);
}

/**
 * kwok: only nodes annotated kwok.x-k8s.io/node=fake; stages from the kwok module
 * (node-initialize/heartbeat-with-lease, pod-ready/complete/delete, PVC/PV).
 * --node-ip 127.0.0.1: the fake nodes' InternalIP, so anything the API server
 * would send to a "kubelet" stays on loopback (nothing listens there).
 */
export function startKwok(c: Cluster): void {
  startComponent(c, 'kwok', [
    bin(c, 'kwok'),
    ...['--kubeconfig', kubeconfigFile(c, 'kwok'), '--config', join(toolsOf(c).share, 'kwok-stages.yaml')],
    ...['--manage-all-nodes=false', '--manage-nodes-with-annotation-selector', 'kwok.x-k8s.io/node=fake'],
    ...['--node-ip', '127.0.0.1', '--node-lease-duration-seconds', '40'],
  ]);
}

/** The components that listen on ports of their own, so that a taken port starts them again. */
export function registerControlPlane(c: Cluster): void {
  c.launchers.set('etcd', () => startEtcd(c));
  c.launchers.set('kube-apiserver', () => startApiserver(c));
  c.launchers.set('kube-controller-manager', () => startControllerManager(c));
  c.launchers.set('kube-scheduler', () => startScheduler(c));
}

/** The kubeconfigs this mode's components read, besides the admin's. */
export function componentUsers(c: Cluster): string[] {
  return ['kube-controller-manager', 'kube-scheduler', 'kwok', ...(c.real ? [NODE_NAME, 'kube-proxy', 'coredns'] : [])];
}
