// rabbitmq.conf and enabled_plugins as warren writes them for a cluster: peer
// discovery, listeners, the memory alarm, TLS; and the keys it owns, which a
// stack's extraConfig must not set.
import { parseQuantity } from '../units/parse-quantity.js';
import type { ClusterConfig } from './cluster-schema.js';
import { PORTS } from './cluster-plan.js';

/** Where the pods mount the TLS secret. */
export const TLS_DIR = '/etc/rabbitmq-tls';

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

export function enabledPlugins(extra: readonly string[]): string {
  const plugins = [...new Set(['rabbitmq_management', 'rabbitmq_prometheus', 'rabbitmq_peer_discovery_k8s', ...extra])];
  return `[${plugins.join(',')}].\n`;
}
