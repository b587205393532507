// The cluster plan: plain data for the Kubernetes objects, from checked config.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { validateCluster } from '../../src/cluster/check-cluster.js';
import type { ClusterConfig } from '../../src/cluster/cluster-schema.js';
import { compileCluster, parseQuantity } from '../../src/cluster/compile-cluster.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'cluster', 'valid');

function config(value: object): ClusterConfig {
  const result = validateCluster('stack.yaml', value, true);
  expect(result.diagnostics).toEqual([]);
  return result.cluster!;
}

function fixture(name: string): ClusterConfig {
  const file = join(DIR, name);
  const doc = jsYaml.load(readFileSync(file, 'utf8'), { schema: jsYaml.CORE_SCHEMA }) as { config: Record<string, object> };
  return config(doc.config['warren:cluster']!);
}

const confLines = (c: ClusterConfig) => compileCluster(c).configFiles['rabbitmq.conf'].trimEnd().split('\n');

describe('rabbitmq.conf and plugins', () => {
  const minimal = fixture('minimal.yaml');

  it('forms the cluster with Kubernetes peer discovery through the headless service', () => {
    expect(confLines(minimal)).toEqual(expect.arrayContaining([
      'cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s',
      'cluster_formation.k8s.host = kubernetes.default.svc',
      'cluster_formation.k8s.address_type = hostname',
      'cluster_formation.k8s.service_name = rabbitmq-nodes',
      'cluster_formation.k8s.hostname_suffix = .rabbitmq-nodes.messaging',
      'queue_leader_locator = balanced',
      'listeners.tcp.default = 5672',
      'management.tcp.port = 15672',
      'prometheus.tcp.port = 15692',
    ]));
  });

  it('leaves the runtime headroom below the memory limit', () => {
    expect(confLines(minimal)).toContain(`total_memory_available_override_value = ${Math.floor(0.8 * 1024 ** 3)}`);
    expect(confLines(config({ namespace: 'mq', resources: { requests: { memory: '4Gi' }, limits: { memory: '16Gi' } } })))
      .toContain(`total_memory_available_override_value = ${14 * 1024 ** 3}`);
  });

  it('enables management, prometheus and peer discovery, then the extra plugins once each', () => {
    expect(compileCluster(minimal).configFiles.enabled_plugins).toBe('[rabbitmq_management,rabbitmq_prometheus,rabbitmq_peer_discovery_k8s].\n');
    expect(compileCluster(config({ namespace: 'mq', plugins: ['rabbitmq_shovel', 'rabbitmq_management'] })).configFiles.enabled_plugins)
      .toBe('[rabbitmq_management,rabbitmq_prometheus,rabbitmq_peer_discovery_k8s,rabbitmq_shovel].\n');
  });

  it('adds TLS listeners from the mounted secret, and extraConfig last', () => {
    const lines = confLines(fixture('production.yaml'));
    expect(lines).toEqual(expect.arrayContaining(['listeners.ssl.default = 5671', 'ssl_options.certfile = /etc/rabbitmq-tls/tls.crt',
      'ssl_options.keyfile = /etc/rabbitmq-tls/tls.key', 'management.ssl.port = 15671']));
    expect(lines.slice(-2)).toEqual(['vm_memory_high_watermark.relative = 0.6', 'disk_free_limit.absolute = 5GB']);
  });
});

describe('the plan', () => {
  it('names the objects after the cluster and labels them', () => {
    const plan = compileCluster(fixture('minimal.yaml'));
    expect(plan.names).toEqual({ headless: 'rabbitmq-nodes', client: 'rabbitmq', serviceAccount: 'rabbitmq-server', role: 'rabbitmq-peer-discovery',
      configMap: 'rabbitmq-config', userSecret: 'rabbitmq-default-user', cookieSecret: 'rabbitmq-erlang-cookie', statefulSet: 'rabbitmq' });
    expect(plan.selector).toEqual({ 'app.kubernetes.io/name': 'rabbitmq', 'app.kubernetes.io/instance': 'rabbitmq' });
    expect(plan.labels).toMatchObject(plan.selector);
    expect(plan.rbacRules).toEqual([{ apiGroups: [''], resources: ['endpoints'], verbs: ['get'] }, { apiGroups: [''], resources: ['events'], verbs: ['create'] }]);
  });

  it('exposes AMQP, management and metrics to clients, epmd and distribution between nodes', () => {
    const plan = compileCluster(fixture('minimal.yaml'));
    expect(plan.clientPorts).toEqual([{ name: 'amqp', port: 5672 }, { name: 'management', port: 15672 }, { name: 'prometheus', port: 15692 }]);
    expect(plan.headlessPorts).toEqual([{ name: 'epmd', port: 4369 }, { name: 'cluster-rpc', port: 25672 }]);
    expect(compileCluster(fixture('production.yaml')).clientPorts.map((p) => p.port)).toEqual([5671, 15671, 5672, 15672, 15692]);
  });

  it('probes with rabbitmq-diagnostics, with generous timeouts', () => {
    const pod = compileCluster(fixture('minimal.yaml')).statefulSet.pod;
    expect(pod.readinessProbe.exec.command).toEqual(['rabbitmq-diagnostics', '-q', 'check_port_connectivity']);
    expect(pod.livenessProbe.exec.command).toEqual(['rabbitmq-diagnostics', '-q', 'status']);
    expect(pod.startupProbe.periodSeconds * pod.startupProbe.failureThreshold).toBeGreaterThanOrEqual(600);
    for (const probe of [pod.readinessProbe, pod.livenessProbe, pod.startupProbe]) expect(probe.timeoutSeconds).toBeGreaterThanOrEqual(20);
  });

  it('waits for quorum queues before stopping a node only where a majority can stay (3 nodes or more)', () => {
    expect(compileCluster(fixture('minimal.yaml')).statefulSet.pod.preStop).toEqual(['/bin/sh', '-c', 'rabbitmq-upgrade drain -t 150']);
    const three = compileCluster(fixture('staging.yaml')).statefulSet.pod;
    expect(three.preStop).toEqual(['/bin/sh', '-c', 'rabbitmq-upgrade await_online_quorum_plus_one -t 80; rabbitmq-upgrade drain -t 30']);
    expect(three.terminationGracePeriodSeconds).toBe(120);
  });

  it('runs as the rabbitmq user without privileges', () => {
    const pod = compileCluster(fixture('minimal.yaml')).statefulSet.pod;
    expect(pod.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true });
    expect(pod.containerSecurityContext).toEqual({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  });

  it('spreads nodes over hosts: preferred by default, required in production, plus the topology spread asked for', () => {
    const term = { labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'rabbitmq', 'app.kubernetes.io/instance': 'rabbitmq' } }, topologyKey: 'kubernetes.io/hostname' };
    expect(compileCluster(fixture('minimal.yaml')).statefulSet.pod.antiAffinity).toEqual({ preferred: [{ weight: 100, podAffinityTerm: term }] });
    const production = compileCluster(fixture('production.yaml')).statefulSet.pod;
    expect(production.antiAffinity).toEqual({ required: [term] });
    expect(production.topologySpread).toEqual([{ topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', labelSelector: term.labelSelector }]);
    expect(compileCluster(config({ namespace: 'mq', replicas: 3, production: true })).statefulSet.pod.antiAffinity).toEqual({ required: [term] });
  });

  it('takes the default user from the generated secret and names each node by its stable DNS name', () => {
    const env = compileCluster(fixture('minimal.yaml')).statefulSet.pod.env;
    expect(env).toContainEqual({ name: 'RABBITMQ_DEFAULT_PASS', valueFrom: { secretKeyRef: { name: 'rabbitmq-default-user', key: 'password' } } });
    expect(env).toContainEqual({ name: 'RABBITMQ_NODENAME', value: 'rabbit@$(MY_POD_NAME).$(K8S_SERVICE_NAME).$(MY_POD_NAMESPACE)' });
    expect(env).toContainEqual({ name: 'K8S_SERVICE_NAME', value: 'rabbitmq-nodes' });
  });

  it('sizes the volume claims, and rolls the pods when the config changes but not when the cluster scales', () => {
    const production = compileCluster(fixture('production.yaml')).statefulSet;
    expect(production.storage).toEqual({ size: '100Gi', storageClass: 'premium-rwo' });
    const hash = (c: object) => compileCluster(config({ namespace: 'mq', ...c })).statefulSet.podAnnotations['warren/config-hash'];
    expect(hash({ replicas: 3 })).toBe(hash({ replicas: 5 }));
    expect(hash({ extraConfig: ['heartbeat = 30'] })).not.toBe(hash({}));
  });

  it('creates a disruption budget only for more than one node, and monitoring and network policy only when enabled', () => {
    const minimal = compileCluster(fixture('minimal.yaml'));
    expect([minimal.pdb, minimal.serviceMonitor, minimal.networkPolicy]).toEqual([undefined, undefined, undefined]);
    const production = compileCluster(fixture('production.yaml'));
    expect(production.pdb).toEqual({ maxUnavailable: 1 });
    expect(production.serviceMonitor).toEqual({ interval: '30s', labels: { release: 'kube-prometheus-stack' }, port: 'prometheus' });
    expect(production.networkPolicy?.allowFrom[0]).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } });
  });

  it('reaches the management API at the configured endpoint, else through the in-cluster service', () => {
    expect(compileCluster(fixture('minimal.yaml')).managementUrl).toBe('http://rabbitmq.messaging.svc:15672');
    expect(compileCluster(config({ namespace: 'mq', name: 'broker', tls: { secretName: 'tls' } })).managementUrl).toBe('https://broker.mq.svc:15671');
    expect(compileCluster(fixture('staging.yaml')).managementUrl).toBe('https://rabbitmq.staging.example.internal:15671');
  });
});

describe('parseQuantity', () => {
  it.each([['500m', 0.5], ['2', 2], [2, 2], ['1Gi', 1024 ** 3], ['1G', 1e9], ['1.5Ki', 1536], ['1e3', 1000], ['.5', 0.5]] as const)('%s is %d', (q, n) => {
    expect(parseQuantity(q)).toBe(n);
  });
  it.each(['1GB', '10GiB', '1gi', '-1', '0', 'one', '', '1 Gi'])('%s is not a quantity', (q) => {
    expect(parseQuantity(q)).toBeUndefined();
  });
});
