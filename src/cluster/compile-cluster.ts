// The cluster plan: a checked `warren:cluster` config turned into plain data
// shaped like the Kubernetes objects that run RabbitMQ (names, labels, the
// rabbitmq.conf text, ports, probes, pod spec). Pure and deterministic; the
// Pulumi layer (src/pulumi/kubernetes/) only maps it onto resources.
import { createHash } from 'node:crypto';
import type { ClusterConfig } from './cluster-schema.js';
import { type Side, sideServiceName } from './blue-green.js';
import {
  type ClusterPlan,
  type EnvVar,
  type Labels,
  type NetworkPeer,
  type PodPlan,
  type Port,
  PORTS,
  type Probe,
  type StatefulSetPlan,
} from './cluster-plan.js';
import { enabledPlugins, rabbitmqConf, TLS_DIR, tlsMode } from './render-rabbitmq-conf.js';

const COOKIE_DIR = '/tmp/erlang-cookie-secret';
const HOME = '/var/lib/rabbitmq';
const POD_INFO = '/etc/pod-info';
const LOG_DIR = '/var/log/rabbitmq';
/** A pod label that lets a stopping node skip the quorum wait (a deliberate deletion; docs/kubernetes.md). */
export const SKIP_PRESTOP_LABEL = 'warren.dev/skip-prestop-checks';
/** The global runtime parameter warren sets before it deletes a cluster: every stopping node then skips the quorum wait. */
export const DECOMMISSION_PARAMETER = 'warren-decommission';

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

/**
 * `side`: the cluster is one side of a blue/green pair (blue-green.ts): its own client Service is `<name>-<side>`,
 * the name `<name>` being the pair's client Service.
 */
export function compileCluster(
  c: ClusterConfig,
  side?: { readonly side: Side; readonly pairName: string },
): ClusterPlan {
  const selector = { 'app.kubernetes.io/name': 'rabbitmq', 'app.kubernetes.io/instance': c.name };
  const names = {
    headless: `${c.name}-nodes`,
    client: side ? sideServiceName(side.pairName, side.side) : c.name,
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
    ...(side ? { side: side.side } : {}),
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
