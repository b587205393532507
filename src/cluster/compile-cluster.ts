// The cluster plan: a checked `warren:cluster` config turned into plain data
// shaped like the Kubernetes objects that run RabbitMQ (names, labels, the
// rabbitmq.conf text, ports, probes, pod spec). Pure and deterministic; the
// Pulumi layer (src/pulumi/kubernetes/) only maps it onto resources.
import { createHash } from 'node:crypto';
import type { ClusterConfig } from './cluster-schema.js';

export const PORTS = {
  amqp: 5672,
  amqps: 5671,
  management: 15672,
  managementTls: 15671,
  prometheus: 15692,
  prometheusTls: 15691,
  epmd: 4369,
  clustering: 25672,
} as const;

type Labels = Readonly<Record<string, string>>;
export interface Port {
  readonly name: string;
  readonly port: number;
}
export interface Probe {
  readonly exec?: { readonly command: readonly string[] };
  readonly tcpSocket?: { readonly port: string };
  readonly httpGet?: { readonly path: string; readonly port: string; readonly scheme: 'HTTP' | 'HTTPS' };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly fieldRef?: { readonly fieldPath: string };
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
  };
}
export interface Mount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}
export interface Volume {
  readonly name: string;
  readonly configMap?: { readonly name: string };
  readonly secret?: { readonly secretName: string; readonly defaultMode?: number };
  readonly emptyDir?: Record<string, never>;
  readonly downwardAPI?: {
    readonly items: readonly { readonly path: string; readonly fieldRef: { readonly fieldPath: string } }[];
  };
}
export interface AffinityTerm {
  readonly labelSelector: { readonly matchLabels: Labels };
  readonly topologyKey: string;
}
export interface NetworkPeer {
  readonly namespaceSelector?: { readonly matchLabels: Labels };
  readonly podSelector?: { readonly matchLabels: Labels };
}

export interface ClusterPlan {
  readonly name: string;
  readonly namespace: string;
  readonly createNamespace: boolean;
  /**
   * Production: the namespace and StatefulSet are `protect`ed. Deleting the
   * namespace deletes the volumes, and replacing the StatefulSet (Kubernetes
   * cannot change volumeClaimTemplates in place) stops every node at once.
   */
  readonly protect: boolean;
  /** On every object. */
  readonly labels: Labels;
  /** Selects the pods; never changes for a cluster (StatefulSet selectors are immutable). */
  readonly selector: Labels;
  readonly names: {
    readonly headless: string;
    readonly client: string;
    readonly serviceAccount: string;
    readonly role: string;
    readonly configMap: string;
    readonly userSecret: string;
    readonly cookieSecret: string;
    readonly statefulSet: string;
  };
  readonly username: string;
  /** Random bytes behind the generated password and Erlang cookie. */
  readonly secretBytes: number;
  /** What peer discovery needs from the Kubernetes API (RabbitMQ ≤ 4.0; 4.1+ ignores it). */
  readonly rbacRules: readonly {
    readonly apiGroups: readonly string[];
    readonly resources: readonly string[];
    readonly verbs: readonly string[];
  }[];
  readonly configFiles: { readonly 'rabbitmq.conf': string; readonly enabled_plugins: string };
  readonly headlessPorts: readonly Port[];
  readonly clientPorts: readonly Port[];
  readonly service: {
    readonly type: ClusterConfig['service']['type'];
    readonly annotations: Labels;
    readonly nodePorts: Readonly<Record<string, number>>;
  };
  readonly statefulSet: StatefulSetPlan;
  readonly pdb?: { readonly maxUnavailable: number };
  readonly serviceMonitor?: {
    readonly interval: string;
    readonly labels: Labels;
    readonly port: string;
    /** Metrics over TLS when the plaintext port is closed: verified against the TLS secret's CA, for the client Service's name. */
    readonly tls?: { readonly secretName: string; readonly serverName: string };
  };
  readonly networkPolicy?: { readonly allowFrom: readonly NetworkPeer[]; readonly clientPorts: readonly number[] };
  readonly managementUrl: string;
}

export interface StatefulSetPlan {
  readonly replicas: number;
  readonly podAnnotations: Labels;
  readonly storage: { readonly size: string; readonly storageClass?: string };
  /**
   * How long Pulumi waits for the StatefulSet to be ready. Bounded on purpose
   * and far below the grace period: `pulumi up` fails while a stopping node
   * keeps waiting for its quorum queues, which is the safe side.
   */
  readonly timeouts: { readonly create: string; readonly update: string };
  readonly pod: PodPlan;
}

export interface PodPlan {
  readonly terminationGracePeriodSeconds: number;
  readonly securityContext: {
    readonly runAsUser: number;
    readonly runAsGroup: number;
    readonly fsGroup: number;
    readonly runAsNonRoot: true;
    readonly fsGroupChangePolicy: 'OnRootMismatch';
    readonly seccompProfile: { readonly type: 'RuntimeDefault' };
  };
  readonly containerSecurityContext: {
    readonly allowPrivilegeEscalation: false;
    readonly runAsNonRoot: true;
    readonly readOnlyRootFilesystem: true;
    readonly capabilities: { readonly drop: readonly string[] };
  };
  readonly antiAffinity: {
    readonly required?: readonly AffinityTerm[];
    readonly preferred?: readonly { readonly weight: number; readonly podAffinityTerm: AffinityTerm }[];
  };
  readonly topologySpread: readonly {
    readonly maxSkew: number;
    readonly topologyKey: string;
    readonly whenUnsatisfiable: string;
    readonly labelSelector: { readonly matchLabels: Labels };
  }[];
  readonly image: string;
  readonly resources: { readonly requests: Labels; readonly limits: Labels };
  readonly containerPorts: readonly Port[];
  readonly env: readonly EnvVar[];
  readonly volumes: readonly Volume[];
  readonly mounts: readonly Mount[];
  readonly initCommand: readonly string[];
  readonly initMounts: readonly Mount[];
  readonly startupProbe: Probe;
  readonly readinessProbe: Probe;
  readonly preStop: readonly string[];
}

const TLS_DIR = '/etc/rabbitmq-tls';
const COOKIE_DIR = '/tmp/erlang-cookie-secret';
const HOME = '/var/lib/rabbitmq';
const POD_INFO = '/etc/pod-info';
const LOG_DIR = '/var/log/rabbitmq';
/** A pod label that lets a stopping node skip the quorum wait (a deliberate deletion; docs/kubernetes.md). */
export const SKIP_PRESTOP_LABEL = 'warren.dev/skip-prestop-checks';
/** The global runtime parameter warren sets before it deletes a cluster: every stopping node then skips the quorum wait. */
export const DECOMMISSION_PARAMETER = 'warren-decommission';

/** What TLS does for a config: the listeners it keeps open and whether it checks client certificates. */
export function tlsMode(c: ClusterConfig): {
  readonly enabled: boolean;
  readonly plaintext: boolean;
  readonly verifyClients: boolean;
} {
  if (!c.tls) return { enabled: false, plaintext: true, verifyClients: false };
  return {
    enabled: true,
    plaintext: c.tls.plaintext ?? !c.production,
    verifyClients: c.tls.verifyClients ?? c.production,
  };
}

/** The ports clients reach through the client Service: TLS ones when TLS is on, plaintext ones unless closed. */
export function clientPortsOf(c: ClusterConfig): Port[] {
  const tls = tlsMode(c);
  return [
    ...(tls.enabled
      ? [
          { name: 'amqps', port: PORTS.amqps },
          { name: 'management-tls', port: PORTS.managementTls },
          { name: 'prometheus-tls', port: PORTS.prometheusTls },
        ]
      : []),
    ...(tls.plaintext
      ? [
          { name: 'amqp', port: PORTS.amqp },
          { name: 'management', port: PORTS.management },
          { name: 'prometheus', port: PORTS.prometheus },
        ]
      : []),
  ];
}

export function compileCluster(c: ClusterConfig): ClusterPlan {
  const selector = { 'app.kubernetes.io/name': 'rabbitmq', 'app.kubernetes.io/instance': c.name };
  const names = {
    headless: `${c.name}-nodes`,
    client: c.name,
    serviceAccount: `${c.name}-server`,
    role: `${c.name}-peer-discovery`,
    configMap: `${c.name}-config`,
    userSecret: `${c.name}-default-user`,
    cookieSecret: `${c.name}-erlang-cookie`,
    statefulSet: c.name,
  };
  const configFiles = { 'rabbitmq.conf': rabbitmqConf(c), enabled_plugins: enabledPlugins(c.plugins) };
  const clientPorts = clientPortsOf(c);
  const inCluster = c.tls
    ? `https://${names.client}.${c.namespace}.svc:${PORTS.managementTls}`
    : `http://${names.client}.${c.namespace}.svc:${PORTS.management}`;
  return {
    name: c.name,
    namespace: c.namespace,
    createNamespace: c.createNamespace,
    protect: c.production,
    labels: { ...selector, 'app.kubernetes.io/part-of': 'warren' },
    selector,
    names,
    username: 'warren',
    secretBytes: 32,
    rbacRules: [
      { apiGroups: [''], resources: ['endpoints'], verbs: ['get'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ],
    configFiles,
    headlessPorts: [
      { name: 'epmd', port: PORTS.epmd },
      { name: 'cluster-rpc', port: PORTS.clustering },
    ],
    clientPorts,
    service: { type: c.service.type, annotations: c.service.annotations, nodePorts: c.service.nodePorts },
    statefulSet: statefulSetPlan(c, names, selector, clientPorts, configFiles),
    // One node has nothing to keep available: a budget would only block node drains.
    ...(c.replicas > 1 ? { pdb: { maxUnavailable: c.pdb.maxUnavailable } } : {}),
    ...(c.serviceMonitor.enabled ? { serviceMonitor: serviceMonitor(c, names.client) } : {}),
    ...(c.networkPolicy.enabled
      ? {
          networkPolicy: {
            allowFrom: c.networkPolicy.allowFrom.map(networkPeer),
            clientPorts: clientPorts.map((p) => p.port),
          },
        }
      : {}),
    managementUrl: c.managementEndpoint ?? inCluster,
  };
}

function serviceMonitor(c: ClusterConfig, client: string): NonNullable<ClusterPlan['serviceMonitor']> {
  const base = { interval: c.serviceMonitor.interval, labels: c.serviceMonitor.labels };
  if (tlsMode(c).plaintext) return { ...base, port: 'prometheus' };
  return {
    ...base,
    port: 'prometheus-tls',
    tls: { secretName: c.tls!.secretName, serverName: `${client}.${c.namespace}.svc` },
  };
}

function statefulSetPlan(
  c: ClusterConfig,
  names: ClusterPlan['names'],
  selector: Labels,
  clientPorts: readonly Port[],
  files: ClusterPlan['configFiles'],
): StatefulSetPlan {
  // RabbitMQ reads its config only at boot: a hash of it in the pod template rolls the pods when it changes.
  // Not the size hint, which only a node joining reads: scaling must not restart the running nodes.
  const conf = files['rabbitmq.conf']
    .split('\n')
    .filter((l) => !l.startsWith('cluster_formation.target_cluster_size_hint'))
    .join('\n');
  const hash = createHash('sha256')
    .update(JSON.stringify([{ ...files, 'rabbitmq.conf': conf }, c.tls ?? null]))
    .digest('hex')
    .slice(0, 16);
  const timeout = `${c.rolloutTimeoutMinutes}m`;
  return {
    replicas: c.replicas,
    podAnnotations: { 'warren/config-hash': hash },
    storage: {
      size: String(c.storage.size),
      ...(c.storage.storageClass ? { storageClass: c.storage.storageClass } : {}),
    },
    timeouts: { create: timeout, update: timeout },
    pod: podPlan(c, names, selector, clientPorts),
  };
}

function podPlan(
  c: ClusterConfig,
  names: ClusterPlan['names'],
  selector: Labels,
  clientPorts: readonly Port[],
): PodPlan {
  const { runAsUser, runAsGroup, fsGroup } = c.securityContext;
  const term = { labelSelector: { matchLabels: selector }, topologyKey: 'kubernetes.io/hostname' };
  const anti = c.antiAffinity ?? (c.production ? 'required' : 'preferred');
  return {
    terminationGracePeriodSeconds: c.terminationGracePeriodSeconds,
    // OnRootMismatch: a large volume is not re-chowned file by file on every start.
    securityContext: {
      runAsUser,
      runAsGroup,
      fsGroup,
      runAsNonRoot: true,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    },
    // A read-only root: RabbitMQ writes only to its home, its volume, its log directory and /tmp, each mounted writable.
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    antiAffinity: anti === 'required' ? { required: [term] } : { preferred: [{ weight: 100, podAffinityTerm: term }] },
    topologySpread: c.topologySpread ? [{ ...c.topologySpread, labelSelector: { matchLabels: selector } }] : [],
    image: c.image,
    resources: { requests: quantities(c.resources.requests), limits: quantities(c.resources.limits) },
    containerPorts: [
      ...clientPorts,
      { name: 'epmd', port: PORTS.epmd },
      { name: 'cluster-rpc', port: PORTS.clustering },
    ],
    env: environment(names),
    volumes: [
      { name: 'config', configMap: { name: names.configMap } },
      // Group-readable: Secret files belong to root, and the pod's user reads them through fsGroup.
      { name: 'erlang-cookie-secret', secret: { secretName: names.cookieSecret, defaultMode: 0o440 } },
      { name: 'rabbitmq-home', emptyDir: {} },
      { name: 'tmp', emptyDir: {} },
      // RabbitMQ 3.x writes an upgrade log file (and any node a crash dump) there even with file logging off.
      { name: 'log', emptyDir: {} },
      // The skip label as a file, refreshed by the kubelet while the pod runs (the preStop hook reads it).
      {
        name: 'pod-info',
        downwardAPI: {
          items: [{ path: 'skip-prestop-checks', fieldRef: { fieldPath: `metadata.labels['${SKIP_PRESTOP_LABEL}']` } }],
        },
      },
      ...(c.tls ? [{ name: 'tls', secret: { secretName: c.tls.secretName, defaultMode: 0o440 } }] : []),
    ],
    mounts: [
      { name: 'config', mountPath: '/etc/rabbitmq', readOnly: true },
      { name: 'rabbitmq-home', mountPath: HOME },
      { name: 'persistence', mountPath: `${HOME}/mnesia` },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'log', mountPath: LOG_DIR },
      { name: 'pod-info', mountPath: POD_INFO, readOnly: true },
      ...(c.tls ? [{ name: 'tls', mountPath: TLS_DIR, readOnly: true }] : []),
    ],
    // Erlang refuses a cookie file others can read, and a mounted Secret is
    // owned by root: copy it into the writable home, readable by the user only.
    // Then wait for the pod's DNS name (delayStartSeconds) before RabbitMQ starts.
    initCommand: [
      'sh',
      '-c',
      `cp ${COOKIE_DIR}/.erlang.cookie ${HOME}/.erlang.cookie && chmod 600 ${HOME}/.erlang.cookie && sleep ${c.delayStartSeconds}`,
    ],
    initMounts: [
      { name: 'erlang-cookie-secret', mountPath: COOKIE_DIR },
      { name: 'rabbitmq-home', mountPath: HOME },
    ],
    ...probes(c),
    preStop: preStop(c.replicas, c.terminationGracePeriodSeconds),
  };
}

function environment(names: ClusterPlan['names']): EnvVar[] {
  const secret = (key: string) => ({ secretKeyRef: { name: names.userSecret, key } });
  return [
    { name: 'MY_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'MY_POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    { name: 'K8S_SERVICE_NAME', value: names.headless },
    // Stable per-pod DNS names (pod.headless.namespace) as node names: a pod
    // keeps its name, and with it its data, across restarts and reschedules.
    { name: 'RABBITMQ_USE_LONGNAME', value: 'true' },
    { name: 'RABBITMQ_NODENAME', value: 'rabbit@$(MY_POD_NAME).$(K8S_SERVICE_NAME).$(MY_POD_NAMESPACE)' },
    // The cookie lives in HOME whatever user the pod runs as (the CLI tools in probes read it too).
    { name: 'HOME', value: HOME },
    // Read on first boot only (empty database): the generated secret is stable, so that is enough.
    { name: 'RABBITMQ_DEFAULT_USER', valueFrom: secret('username') },
    { name: 'RABBITMQ_DEFAULT_PASS', valueFrom: secret('password') },
  ];
}

/**
 * No liveness probe (as the RabbitMQ Cluster Operator): a busy node that is
 * slow to answer is still a node, and restarting it makes things worse.
 * Readiness is a TCP connect to the AMQP port: no second Erlang VM inside the
 * memory limit on every probe. Startup waits until the node has joined its
 * peers: RabbitMQ 4.2.4+ answers that on an unauthenticated health endpoint;
 * older images are asked through the CLI, once per 10 s until the first
 * success. 30 minutes, for a node recovering large quorum-queue logs.
 */
function probes(c: ClusterConfig): Pick<PodPlan, 'startupProbe' | 'readinessProbe'> {
  const { plaintext } = tlsMode(c);
  const startup: Pick<Probe, 'exec' | 'httpGet'> = healthEndpoint(c.image)
    ? {
        httpGet: {
          path: '/api/health/checks/reached-target-cluster-size',
          port: plaintext ? 'management' : 'management-tls',
          scheme: plaintext ? 'HTTP' : 'HTTPS',
        },
      }
    : {
        exec: {
          command: [
            '/bin/bash',
            '-c',
            `[ "$(rabbitmqctl -q eval 'rabbit_nodes:reached_target_cluster_size().')" = true ]`,
          ],
        },
      };
  return {
    startupProbe: { ...startup, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 180 },
    readinessProbe: {
      tcpSocket: { port: plaintext ? 'amqp' : 'amqps' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
  };
}

/** Whether the image's tag names RabbitMQ 4.2.4 or later, which serves the target-cluster-size health check. */
export function healthEndpoint(image: string): boolean {
  const m = /:v?([0-9]+)\.([0-9]+)(?:\.([0-9]+))?(?:[-@].*)?$/.exec(image);
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), m[3] === undefined ? undefined : Number(m[3])];
  if (major !== 4) return major > 4;
  if (minor !== 2) return minor > 2;
  return patch !== undefined && patch >= 4;
}

/**
 * Before a node stops: wait until every quorum queue keeps a majority without
 * it (only possible with 3 or more nodes), then drain it (move its leaders,
 * close its clients). Both may take the whole grace period: the node never
 * gives up and stops early. A deliberate deletion skips the wait: warren sets
 * the DECOMMISSION_PARAMETER before it deletes a cluster, and a person can
 * label one pod with SKIP_PRESTOP_LABEL.
 */
function preStop(replicas: number, grace: number): string[] {
  const skip = `if [ -n "$(cat ${POD_INFO}/skip-prestop-checks 2>/dev/null)" ] || rabbitmqctl -q list_global_parameters 2>/dev/null | grep -q '^${DECOMMISSION_PARAMETER}\\b'; then exit 0; fi`;
  const steps = [`rabbitmq-upgrade drain -t ${grace}`];
  if (replicas >= 3) steps.unshift(`rabbitmq-upgrade await_online_quorum_plus_one -t ${grace}`);
  return ['/bin/sh', '-c', [skip, ...steps].join('; ')];
}

/**
 * rabbitmq.conf. Peer discovery settings up to RabbitMQ 4.0 query the
 * Kubernetes API; 4.1+ accepts and ignores them (pod -0 seeds), so the file
 * serves both. `kubernetes.default.svc` works whatever the cluster domain.
 */
export function rabbitmqConf(c: ClusterConfig): string {
  const headless = `${c.name}-nodes`;
  const tls = tlsMode(c);
  const lines = [
    'cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s',
    'cluster_formation.k8s.host = kubernetes.default.svc',
    'cluster_formation.k8s.address_type = hostname',
    `cluster_formation.k8s.service_name = ${headless}`,
    `cluster_formation.k8s.hostname_suffix = .${headless}.${c.namespace}`,
    // What the startup probe waits for: a node is up once it sees this many cluster members.
    `cluster_formation.target_cluster_size_hint = ${c.replicas}`,
    'cluster_partition_handling = pause_minority',
    // Spread new queue leaders over the nodes (replaces the deprecated queue_master_locator).
    'queue_leader_locator = balanced',
    // Without these two lines RabbitMQ 4 also offers ANONYMOUS logins.
    ...(authMechanismsSet(c) ? [] : ['auth_mechanisms.1 = PLAIN', 'auth_mechanisms.2 = AMQPLAIN']),
    ...(tls.plaintext
      ? [
          `listeners.tcp.default = ${PORTS.amqp}`,
          `management.tcp.port = ${PORTS.management}`,
          `prometheus.tcp.port = ${PORTS.prometheus}`,
        ]
      : // Management and metrics listen on the plaintext port only when it is configured.
        ['listeners.tcp = none']),
    `disk_free_limit.absolute = ${Math.ceil(parseQuantity(c.diskFreeLimit) ?? 0)}`,
    'log.console = true',
    'log.file = false',
    ...memoryLines(c.resources.limits.memory),
    ...(tls.enabled ? tlsLines(tls.verifyClients) : []),
  ];
  return `${[...lines, ...c.extraConfig].join('\n')}\n`;
}

/** A stack that lists its own auth_mechanisms (e.g. EXTERNAL for client certificates) gets exactly those. */
function authMechanismsSet(c: ClusterConfig): boolean {
  return c.extraConfig.some((line) => /^\s*auth_mechanisms\./.test(line));
}

/**
 * The memory alarm is a fraction of what RabbitMQ believes it has. Leave the
 * runtime's own overhead outside it (20%, at most 2 GiB, as the RabbitMQ
 * cluster operator does), or the alarm would sit at the OOM killer's edge.
 */
function memoryLines(limit: string | number): string[] {
  const bytes = parseQuantity(limit);
  if (bytes === undefined) return [];
  return [`total_memory_available_override_value = ${Math.floor(bytes - Math.min(bytes * 0.2, 2 * 1024 ** 3))}`];
}

/**
 * verify_peer with fail_if_no_peer_cert false: a client that shows a
 * certificate must show one the secret's CA signed; clients without one
 * still log in with a password.
 */
function tlsLines(verifyClients: boolean): string[] {
  const files = [
    `certfile = ${TLS_DIR}/tls.crt`,
    `keyfile = ${TLS_DIR}/tls.key`,
    ...(verifyClients ? [`cacertfile = ${TLS_DIR}/ca.crt`] : []),
  ];
  return [
    `listeners.ssl.default = ${PORTS.amqps}`,
    ...files.map((f) => `ssl_options.${f}`),
    `ssl_options.verify = ${verifyClients ? 'verify_peer' : 'verify_none'}`,
    'ssl_options.fail_if_no_peer_cert = false',
    `management.ssl.port = ${PORTS.managementTls}`,
    ...files.map((f) => `management.ssl.${f}`),
    `prometheus.ssl.port = ${PORTS.prometheusTls}`,
    ...files.filter((f) => !f.startsWith('cacertfile')).map((f) => `prometheus.ssl.${f}`),
  ];
}

/**
 * Keys warren writes itself (cluster_formation.*, listeners and disk_free_limit
 * as a whole): extraConfig must not set them. auth_mechanisms.* is the stack's
 * to replace.
 */
export function managedConfigKeys(c: ClusterConfig): Set<string> {
  const keys = rabbitmqConf({ ...c, extraConfig: [] })
    .trimEnd()
    .split('\n')
    .map((l) => l.split(' = ')[0]!);
  return new Set(keys.filter((k) => !k.startsWith('auth_mechanisms.')));
}

/** Key prefixes of which warren writes one member (disk_free_limit.absolute, not .relative): any member conflicts. */
export const MANAGED_CONFIG_PREFIXES = [
  'cluster_formation.',
  'disk_free_limit.',
  'listeners.tcp',
  'listeners.ssl',
] as const;

function enabledPlugins(extra: readonly string[]): string {
  const plugins = [...new Set(['rabbitmq_management', 'rabbitmq_prometheus', 'rabbitmq_peer_discovery_k8s', ...extra])];
  return `[${plugins.join(',')}].\n`;
}

function quantities(values: Readonly<Record<string, string | number | undefined>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)]),
  );
}

function networkPeer(peer: ClusterConfig['networkPolicy']['allowFrom'][number]): NetworkPeer {
  return {
    ...(peer.namespaceSelector ? { namespaceSelector: { matchLabels: peer.namespaceSelector } } : {}),
    ...(peer.podSelector ? { podSelector: { matchLabels: peer.podSelector } } : {}),
  };
}

const QUANTITY = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;
const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** A Kubernetes quantity (`500m`, `1Gi`, `1e3`, `2`) in base units; undefined when it does not parse or is not positive. */
export function parseQuantity(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  const m = QUANTITY.exec(value);
  if (!m) return undefined;
  const suffix = m[2] ?? '';
  const scale = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix]!;
  const n = Number(m[1]) * scale;
  return n > 0 ? n : undefined;
}
