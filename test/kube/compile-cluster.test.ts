// The cluster plan: plain data for the Kubernetes objects, from checked config.
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { validateCluster } from '../../src/cluster/check-cluster.js';
import type { ClusterConfig } from '../../src/cluster/cluster-schema.js';
import { clusterManifests } from '../../src/cluster/cluster-manifests.js';
import { PORTS } from '../../src/cluster/cluster-plan.js';
import { compileCluster, healthEndpoint } from '../../src/cluster/compile-cluster.js';
import { enabledPlugins, rabbitmqConf, tlsMode } from '../../src/cluster/render-rabbitmq-conf.js';
import { parseQuantity } from '../../src/units/parse-quantity.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'cluster', 'valid');

function config(value: object): ClusterConfig {
  const result = validateCluster('stack.yaml', value, true);
  expect(result.diagnostics).toEqual([]);
  return result.cluster!;
}

function fixture(name: string): ClusterConfig {
  const file = join(DIR, name);
  const doc = jsYaml.load(readFileSync(file, 'utf8'), { schema: jsYaml.CORE_SCHEMA }) as {
    config: Record<string, object>;
  };
  return config(doc.config['warren:cluster']!);
}

const confLines = (c: ClusterConfig) => compileCluster(c).configFiles['rabbitmq.conf'].trimEnd().split('\n');

describe('rabbitmq.conf and plugins', () => {
  const minimal = fixture('minimal.yaml');

  it('forms the cluster with Kubernetes peer discovery through the headless service', () => {
    expect(confLines(minimal)).toEqual(
      expect.arrayContaining([
        'cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s',
        'cluster_formation.k8s.host = kubernetes.default.svc',
        'cluster_formation.k8s.address_type = hostname',
        'cluster_formation.k8s.service_name = rabbitmq-nodes',
        'cluster_formation.k8s.hostname_suffix = .rabbitmq-nodes.messaging',
        'cluster_formation.target_cluster_size_hint = 1',
        'queue_leader_locator = balanced',
        'listeners.tcp.default = 5672',
        'management.tcp.port = 15672',
        'prometheus.tcp.port = 15692',
      ]),
    );
  });

  it('offers PLAIN and AMQPLAIN logins only (no ANONYMOUS), unless the stack lists its own mechanisms', () => {
    expect(confLines(minimal)).toEqual(
      expect.arrayContaining(['auth_mechanisms.1 = PLAIN', 'auth_mechanisms.2 = AMQPLAIN']),
    );
    const own = confLines(
      config({ namespace: 'mq', extraConfig: ['auth_mechanisms.1 = EXTERNAL', 'auth_mechanisms.2 = PLAIN'] }),
    );
    expect(own.filter((l) => l.startsWith('auth_mechanisms.'))).toEqual([
      'auth_mechanisms.1 = EXTERNAL',
      'auth_mechanisms.2 = PLAIN',
    ]);
  });

  it("blocks publishers while free disk is under 2 GB by default (RabbitMQ's own 50 MB is too little), or the stack's diskFreeLimit", () => {
    expect(confLines(minimal)).toContain('disk_free_limit.absolute = 2000000000');
    expect(confLines(fixture('production.yaml'))).toContain('disk_free_limit.absolute = 5000000000');
    expect(confLines(config({ namespace: 'mq', diskFreeLimit: '3Gi' }))).toContain(
      `disk_free_limit.absolute = ${3 * 1024 ** 3}`,
    );
  });

  it('leaves the runtime headroom below the memory limit', () => {
    expect(confLines(minimal)).toContain(`total_memory_available_override_value = ${Math.floor(0.8 * 1024 ** 3)}`);
    expect(
      confLines(config({ namespace: 'mq', resources: { requests: { memory: '4Gi' }, limits: { memory: '16Gi' } } })),
    ).toContain(`total_memory_available_override_value = ${14 * 1024 ** 3}`);
  });

  it('enables management, prometheus and peer discovery, then the extra plugins once each', () => {
    expect(compileCluster(minimal).configFiles.enabled_plugins).toBe(
      '[rabbitmq_management,rabbitmq_prometheus,rabbitmq_peer_discovery_k8s].\n',
    );
    expect(
      compileCluster(config({ namespace: 'mq', plugins: ['rabbitmq_shovel', 'rabbitmq_management'] })).configFiles
        .enabled_plugins,
    ).toBe('[rabbitmq_management,rabbitmq_prometheus,rabbitmq_peer_discovery_k8s,rabbitmq_shovel].\n');
  });

  it("in production, TLS only: no plaintext listener, client certificates verified against the secret's CA; extraConfig last", () => {
    const lines = confLines(fixture('production.yaml'));
    expect(lines).toEqual(
      expect.arrayContaining([
        'listeners.ssl.default = 5671',
        'ssl_options.certfile = /etc/rabbitmq-tls/tls.crt',
        'ssl_options.keyfile = /etc/rabbitmq-tls/tls.key',
        'ssl_options.cacertfile = /etc/rabbitmq-tls/ca.crt',
        'ssl_options.verify = verify_peer',
        'ssl_options.fail_if_no_peer_cert = false',
        'management.ssl.port = 15671',
        'prometheus.ssl.port = 15691',
        'listeners.tcp = none',
      ]),
    );
    expect(
      lines.filter((l) => /^(listeners\.tcp\.default|management\.tcp\.port|prometheus\.tcp\.port) /.test(l)),
    ).toEqual([]);
    expect(lines.slice(-1)).toEqual(['vm_memory_high_watermark.relative = 0.6']);
  });

  it('elsewhere, TLS beside the plaintext ports and no client certificate check, unless the stack says otherwise', () => {
    const staging = confLines(fixture('staging.yaml'));
    expect(staging).toEqual(
      expect.arrayContaining([
        'listeners.ssl.default = 5671',
        'ssl_options.verify = verify_none',
        'listeners.tcp.default = 5672',
        'management.tcp.port = 15672',
      ]),
    );
    expect(staging.some((l) => l.includes('cacertfile'))).toBe(false);
    const strict = confLines(
      config({ namespace: 'mq', tls: { secretName: 'tls', plaintext: false, verifyClients: true } }),
    );
    expect(strict).toEqual(expect.arrayContaining(['listeners.tcp = none', 'ssl_options.verify = verify_peer']));
  });
});

describe('the plan', () => {
  it('names the objects after the cluster and labels them', () => {
    const plan = compileCluster(fixture('minimal.yaml'));
    expect(plan.names).toEqual({
      headless: 'rabbitmq-nodes',
      client: 'rabbitmq',
      serviceAccount: 'rabbitmq-server',
      role: 'rabbitmq-peer-discovery',
      configMap: 'rabbitmq-config',
      userSecret: 'rabbitmq-default-user',
      cookieSecret: 'rabbitmq-erlang-cookie',
      statefulSet: 'rabbitmq',
    });
    expect(plan.selector).toEqual({ 'app.kubernetes.io/name': 'rabbitmq', 'app.kubernetes.io/instance': 'rabbitmq' });
    expect(plan.labels).toMatchObject(plan.selector);
    expect(plan.rbacRules).toEqual([
      { apiGroups: [''], resources: ['endpoints'], verbs: ['get'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
  });

  it('exposes AMQP, management and metrics to clients, epmd and distribution between nodes', () => {
    const plan = compileCluster(fixture('minimal.yaml'));
    expect(plan.clientPorts).toEqual([
      { name: 'amqp', port: 5672 },
      { name: 'management', port: 15672 },
      { name: 'prometheus', port: 15692 },
    ]);
    expect(plan.headlessPorts).toEqual([
      { name: 'epmd', port: 4369 },
      { name: 'cluster-rpc', port: 25672 },
    ]);
    expect(compileCluster(fixture('production.yaml')).clientPorts.map((p) => p.port)).toEqual([5671, 15671, 15691]);
    expect(compileCluster(fixture('staging.yaml')).clientPorts.map((p) => p.port)).toEqual([
      5671, 15671, 15691, 5672, 15672, 15692,
    ]);
  });

  it('has no liveness probe, a TCP readiness probe, and a startup probe that waits for the cluster size', () => {
    const pod = compileCluster(fixture('minimal.yaml')).statefulSet.pod;
    expect(pod).not.toHaveProperty('livenessProbe');
    expect(pod.readinessProbe).toMatchObject({ tcpSocket: { port: 'amqp' } });
    expect(pod.readinessProbe.exec).toBeUndefined();
    // 4.1 has no health endpoint for it yet: asked through the CLI until the first success.
    expect(pod.startupProbe.exec!.command.join(' ')).toContain('rabbit_nodes:reached_target_cluster_size()');
    expect(pod.startupProbe.periodSeconds * pod.startupProbe.failureThreshold).toBeGreaterThanOrEqual(1800);
    const newer = compileCluster(config({ namespace: 'mq', image: 'rabbitmq:4.2.4-management' })).statefulSet.pod
      .startupProbe;
    expect(newer.httpGet).toEqual({
      path: '/api/health/checks/reached-target-cluster-size',
      port: 'management',
      scheme: 'HTTP',
    });
    const tlsOnly = compileCluster(fixture('production.yaml')).statefulSet.pod;
    expect(tlsOnly.readinessProbe.tcpSocket).toEqual({ port: 'amqps' });
  });

  it.each([
    ['rabbitmq:4.2.4-management', true],
    ['rabbitmq:4.3', true],
    ['rabbitmq:5.0.0', true],
    ['rabbitmq:4.2-management', false],
    ['rabbitmq:4.2.3', false],
    ['rabbitmq:4.1-management', false],
    ['rabbitmq:3.13.7', false],
    [`rabbitmq@sha256:${'a'.repeat(64)}`, false],
  ] as const)('%s serves the cluster-size health check: %s', (image, yes) => {
    expect(healthEndpoint(image)).toBe(yes);
  });

  it('before stopping, waits for quorum queues (3 nodes or more) then drains, for as long as the grace period, unless the cluster is being deleted', () => {
    const [shell, flag, script] = compileCluster(fixture('minimal.yaml')).statefulSet.pod.preStop;
    expect([shell, flag]).toEqual(['/bin/sh', '-c']);
    expect(script).toBe(
      `if [ -n "$(cat /etc/pod-info/skip-prestop-checks 2>/dev/null)" ] || rabbitmqctl -q list_global_parameters 2>/dev/null | grep -q '^warren-decommission\\b'; then exit 0; fi; rabbitmq-upgrade drain -t 604800`,
    );
    const three = compileCluster(fixture('staging.yaml')).statefulSet.pod;
    expect(three.preStop[2]).toMatch(
      /; rabbitmq-upgrade await_online_quorum_plus_one -t 604800; rabbitmq-upgrade drain -t 604800$/,
    );
    expect(three.terminationGracePeriodSeconds).toBe(604800);
    // The pod's skip label reaches the hook as a file.
    expect(three.volumes).toContainEqual({
      name: 'pod-info',
      downwardAPI: {
        items: [
          { path: 'skip-prestop-checks', fieldRef: { fieldPath: "metadata.labels['warren.dev/skip-prestop-checks']" } },
        ],
      },
    });
  });

  it('runs as the rabbitmq user without privileges, on a read-only root with writable home, volume, log directory and /tmp', () => {
    const pod = compileCluster(fixture('minimal.yaml')).statefulSet.pod;
    expect(pod.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true });
    expect(pod.containerSecurityContext).toEqual({
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.mounts.filter((m) => !m.readOnly).map((m) => m.mountPath)).toEqual([
      '/var/lib/rabbitmq',
      '/var/lib/rabbitmq/mnesia',
      '/tmp',
      '/var/log/rabbitmq',
    ]);
  });

  it("copies the cookie where Erlang accepts it, then waits for the pod's DNS name before the node boots", () => {
    expect(compileCluster(fixture('minimal.yaml')).statefulSet.pod.initCommand[2]).toBe(
      'cp /tmp/erlang-cookie-secret/.erlang.cookie /var/lib/rabbitmq/.erlang.cookie && chmod 600 /var/lib/rabbitmq/.erlang.cookie && sleep 30',
    );
    expect(compileCluster(config({ namespace: 'mq', delayStartSeconds: 0 })).statefulSet.pod.initCommand[2]).toMatch(
      / && sleep 0$/,
    );
  });

  it('spreads nodes over hosts: preferred by default, required in production, plus the topology spread asked for', () => {
    const term = {
      labelSelector: {
        matchLabels: { 'app.kubernetes.io/name': 'rabbitmq', 'app.kubernetes.io/instance': 'rabbitmq' },
      },
      topologyKey: 'kubernetes.io/hostname',
    };
    expect(compileCluster(fixture('minimal.yaml')).statefulSet.pod.antiAffinity).toEqual({
      preferred: [{ weight: 100, podAffinityTerm: term }],
    });
    const production = compileCluster(fixture('production.yaml')).statefulSet.pod;
    expect(production.antiAffinity).toEqual({ required: [term] });
    expect(production.topologySpread).toEqual([
      {
        topologyKey: 'topology.kubernetes.io/zone',
        maxSkew: 1,
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: term.labelSelector,
      },
    ]);
    expect(
      compileCluster(config({ namespace: 'mq', replicas: 3, production: true })).statefulSet.pod.antiAffinity,
    ).toEqual({ required: [term] });
  });

  it('takes the default user from the generated secret and names each node by its stable DNS name', () => {
    const env = compileCluster(fixture('minimal.yaml')).statefulSet.pod.env;
    expect(env).toContainEqual({
      name: 'RABBITMQ_DEFAULT_PASS',
      valueFrom: { secretKeyRef: { name: 'rabbitmq-default-user', key: 'password' } },
    });
    expect(env).toContainEqual({
      name: 'RABBITMQ_NODENAME',
      value: 'rabbit@$(MY_POD_NAME).$(K8S_SERVICE_NAME).$(MY_POD_NAMESPACE)',
    });
    expect(env).toContainEqual({ name: 'K8S_SERVICE_NAME', value: 'rabbitmq-nodes' });
  });

  it('sizes the volume claims, and rolls the pods when the config changes but not when the cluster scales', () => {
    const production = compileCluster(fixture('production.yaml')).statefulSet;
    expect(production.storage).toEqual({ size: '100Gi', storageClass: 'premium-rwo' });
    const hash = (c: object) =>
      compileCluster(config({ namespace: 'mq', ...c })).statefulSet.podAnnotations['warren/config-hash'];
    expect(hash({ replicas: 3 })).toBe(hash({ replicas: 5 }));
    expect(compileCluster(config({ namespace: 'mq', replicas: 5 })).configFiles['rabbitmq.conf']).toContain(
      'cluster_formation.target_cluster_size_hint = 5',
    );
    expect(hash({ extraConfig: ['heartbeat = 30'] })).not.toBe(hash({}));
  });

  it('creates a disruption budget only for more than one node, and monitoring and network policy only when enabled', () => {
    const minimal = compileCluster(fixture('minimal.yaml'));
    expect([minimal.pdb, minimal.serviceMonitor, minimal.networkPolicy]).toEqual([undefined, undefined, undefined]);
    const production = compileCluster(fixture('production.yaml'));
    expect(production.pdb).toEqual({ maxUnavailable: 1 });
    expect(production.serviceMonitor).toEqual({
      interval: '30s',
      labels: { release: 'kube-prometheus-stack' },
      port: 'prometheus-tls',
      tls: { secretName: 'rabbitmq-tls', serverName: 'rabbitmq.rabbitmq.svc' },
    });
    expect(production.networkPolicy?.allowFrom[0]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
    });
  });

  it('reaches the management API at the configured endpoint, else through the in-cluster service', () => {
    expect(compileCluster(fixture('minimal.yaml')).managementUrl).toBe('http://rabbitmq.messaging.svc:15672');
    expect(compileCluster(config({ namespace: 'mq', name: 'broker', tls: { secretName: 'tls' } })).managementUrl).toBe(
      'https://broker.mq.svc:15671',
    );
    expect(compileCluster(fixture('staging.yaml')).managementUrl).toBe(
      'https://rabbitmq.staging.example.internal:15671',
    );
  });
});

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2', 2],
    [2, 2],
    ['1Gi', 1024 ** 3],
    ['1G', 1e9],
    ['1.5Ki', 1536],
    ['1e3', 1000],
    ['.5', 0.5],
  ] as const)('%s is %d', (q, n) => {
    expect(parseQuantity(q)).toBe(n);
  });
  it.each(['1GB', '10GiB', '1gi', '-1', '0', 'one', '', '1 Gi'])('%s is not a quantity', (q) => {
    expect(parseQuantity(q)).toBeUndefined();
  });
});

describe('the client Service', () => {
  it('gives the ports the stack fixed their node port, and leaves the others to Kubernetes', () => {
    const c = config({
      namespace: 'messaging',
      service: { type: 'NodePort', nodePorts: { amqp: 30672, management: 31672 } },
    });
    const client = clusterManifests(compileCluster(c), { password: 'p', cookie: 'c' }).find(
      (m) => m.role === 'client',
    )!;
    const spec = client.object.spec as { type: string; ports: { name: string; nodePort?: number }[] };
    expect(spec.type).toBe('NodePort');
    expect(Object.fromEntries(spec.ports.map((p) => [p.name, p.nodePort]))).toEqual({
      amqp: 30672,
      management: 31672,
      prometheus: undefined,
    });
  });
});

// Small snapshots of each part (cdk8s's habit): a change to what a cluster gets shows in review as a diff here.
describe('snapshots of the minimal cluster', () => {
  const minimal = fixture('minimal.yaml');

  it('its rabbitmq.conf and enabled_plugins (render-rabbitmq-conf.ts)', () => {
    expect(rabbitmqConf(minimal)).toMatchInlineSnapshot(`
      "cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s
      cluster_formation.k8s.host = kubernetes.default.svc
      cluster_formation.k8s.address_type = hostname
      cluster_formation.k8s.service_name = rabbitmq-nodes
      cluster_formation.k8s.hostname_suffix = .rabbitmq-nodes.messaging
      cluster_formation.target_cluster_size_hint = 1
      cluster_partition_handling = pause_minority
      queue_leader_locator = balanced
      auth_mechanisms.1 = PLAIN
      auth_mechanisms.2 = AMQPLAIN
      listeners.tcp.default = 5672
      management.tcp.port = 15672
      prometheus.tcp.port = 15692
      disk_free_limit.absolute = 2000000000
      log.console = true
      log.file = false
      total_memory_available_override_value = 858993459
      "
    `);
    expect(enabledPlugins([])).toMatchInlineSnapshot(`
      "[rabbitmq_management,rabbitmq_prometheus,rabbitmq_peer_discovery_k8s].
      "
    `);
  });

  it('its names (compile-cluster.ts)', () => {
    expect(compileCluster(minimal).names).toMatchInlineSnapshot(`
      {
        "client": "rabbitmq",
        "configMap": "rabbitmq-config",
        "cookieSecret": "rabbitmq-erlang-cookie",
        "headless": "rabbitmq-nodes",
        "role": "rabbitmq-peer-discovery",
        "serviceAccount": "rabbitmq-server",
        "statefulSet": "rabbitmq",
        "userSecret": "rabbitmq-default-user",
      }
    `);
  });

  it('its client ports and TLS mode (cluster-plan.ts, render-rabbitmq-conf.ts)', () => {
    expect({ ports: PORTS, tls: tlsMode(minimal) }).toMatchInlineSnapshot(`
      {
        "ports": {
          "amqp": 5672,
          "amqps": 5671,
          "clustering": 25672,
          "epmd": 4369,
          "management": 15672,
          "managementTls": 15671,
          "prometheus": 15692,
          "prometheusTls": 15691,
        },
        "tls": {
          "enabled": false,
          "plaintext": true,
          "verifyClients": false,
        },
      }
    `);
  });
});
