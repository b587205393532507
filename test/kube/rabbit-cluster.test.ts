// The Kubernetes layer under Pulumi's mocks: resource types, names, key
// inputs, parents, the inherited provider, secret-ness, optional resources.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import jsYaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateCluster } from '../../src/cluster/check-cluster.js';
import type { ClusterPlan } from '../../src/cluster/cluster-plan.js';
import { compileCluster } from '../../src/cluster/compile-cluster.js';
import { RabbitCluster } from '../../src/pulumi/kubernetes/create-cluster.js';
import { isSecret, mockPulumi, value } from '../support/pulumi-mocks.js';

// What the dynamic provider's create returns: the generated value as an output.
const { registered, options, recorded } = await mockPulumi((args) =>
  args.type.endsWith('warren:GeneratedSecret') ? { value: `generated-${args.name}` } : {},
);

function planOf(fixture: string): ClusterPlan {
  const file = join(import.meta.dirname, '..', 'fixtures', 'cluster', 'valid', fixture);
  const doc = jsYaml.load(readFileSync(file, 'utf8'), { schema: jsYaml.CORE_SCHEMA }) as {
    config: Record<string, unknown>;
  };
  const result = validateCluster(file, doc.config['warren:cluster'], true);
  expect(result.diagnostics).toEqual([]);
  return compileCluster(result.cluster!);
}

async function settled(cluster: RabbitCluster): Promise<void> {
  await Promise.all(Object.values(cluster.resources).map((r) => value(r.urn)));
  await value(cluster.password);
}

const of =
  (component: string) =>
  (type: string, suffix = '') =>
    registered.filter((r) => r.type === type && r.name.startsWith(`${component}/`) && r.name.endsWith(suffix));

describe('a one-node cluster with every default (minimal.yaml)', () => {
  const provider = new k8s.Provider('k8s-minimal', { kubeconfig: 'mock' });
  const cluster = new RabbitCluster('minimal', planOf('minimal.yaml'), {}, { ...recorded, providers: [provider] });
  const find = of('minimal');
  beforeAll(() => settled(cluster));

  it('creates the namespace, access for peer discovery, secrets, config, services and the StatefulSet', () => {
    const types = registered
      .filter((r) => r.name.startsWith('minimal/'))
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(types).toEqual(
      [
        'kubernetes:apps/v1:StatefulSet minimal/statefulset',
        'kubernetes:core/v1:ConfigMap minimal/config',
        'kubernetes:core/v1:Namespace minimal/namespace',
        'kubernetes:core/v1:Secret minimal/default-user',
        'kubernetes:core/v1:Secret minimal/erlang-cookie',
        'kubernetes:core/v1:Service minimal/client',
        'kubernetes:core/v1:Service minimal/headless',
        'kubernetes:core/v1:ServiceAccount minimal/service-account',
        'kubernetes:rbac.authorization.k8s.io/v1:Role minimal/role',
        'kubernetes:rbac.authorization.k8s.io/v1:RoleBinding minimal/role-binding',
        'pulumi-nodejs:dynamic/warren:ClusterGuard minimal/guard',
        'pulumi-nodejs:dynamic/warren:GeneratedSecret minimal/cookie',
        'pulumi-nodejs:dynamic/warren:GeneratedSecret minimal/password',
        'pulumi-nodejs:dynamic/warren:RolloutWait minimal/rollout',
      ].sort(),
    );
  });

  it('parents everything to the component, whose Kubernetes provider (opts.providers) every object inherits', async () => {
    const providerRef = `${await value(provider.urn)}::${await value(provider.id)}`;
    for (const r of registered.filter((x) => x.name.startsWith('minimal/'))) {
      if (r.type.startsWith('kubernetes:')) expect(r.provider, r.name).toBe(providerRef);
    }
    for (const resource of Object.values(cluster.resources))
      expect(await value(resource.urn)).toContain('warren:kubernetes:RabbitCluster$');
    // No child is given a provider of its own: the convention is inheritance (Topology's too).
    for (const [name, opts] of options) if (name.startsWith('minimal/')) expect(opts.provider, name).toBeUndefined();
  });

  it('puts every object in the namespace, with fixed names', () => {
    for (const r of registered.filter(
      (x) => x.name.startsWith('minimal/') && x.type.startsWith('kubernetes:') && !x.type.endsWith(':Namespace'),
    )) {
      expect(r.inputs.metadata.namespace, r.name).toBe('messaging');
    }
    expect(find('kubernetes:core/v1:Namespace')[0]!.inputs.metadata.name).toBe('messaging');
    expect(find('kubernetes:apps/v1:StatefulSet')[0]!.inputs.metadata.name).toBe('rabbitmq');
  });

  it('publishes the nodes through a headless service before they are ready', () => {
    const headless = find('kubernetes:core/v1:Service', '/headless')[0]!.inputs;
    expect(headless.metadata.name).toBe('rabbitmq-nodes');
    expect(headless.spec).toMatchObject({ clusterIP: 'None', publishNotReadyAddresses: true });
    expect(headless.spec.ports.map((p: { port: number }) => p.port)).toEqual([4369, 25672]);
    const client = find('kubernetes:core/v1:Service', '/client')[0]!.inputs;
    expect(client.spec.type).toBe('ClusterIP');
    expect(client.spec.ports.map((p: { port: number }) => p.port)).toEqual([5672, 15672, 15692]);
  });

  it("grants peer discovery what it needs and binds it to the pods' service account", () => {
    expect(find('kubernetes:rbac.authorization.k8s.io/v1:Role')[0]!.inputs.rules).toEqual([
      { apiGroups: [''], resources: ['endpoints'], verbs: ['get'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
    const binding = find('kubernetes:rbac.authorization.k8s.io/v1:RoleBinding')[0]!.inputs;
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'Role',
      name: 'rabbitmq-peer-discovery',
    });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'rabbitmq-server', namespace: 'messaging' }]);
  });

  it('runs the nodes: replicas, image, ports, probes, volume claims, security context, config', () => {
    const spec = find('kubernetes:apps/v1:StatefulSet')[0]!.inputs.spec;
    expect(spec).toMatchObject({ replicas: 1, serviceName: 'rabbitmq-nodes', podManagementPolicy: 'Parallel' });
    const pod = spec.template.spec;
    const container = pod.containers[0];
    expect(container.image).toBe('rabbitmq:4.1-management');
    expect(container.ports.map((p: { containerPort: number }) => p.containerPort)).toEqual([
      5672, 15672, 15692, 4369, 25672,
    ]);
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 'amqp' });
    expect(container.livenessProbe).toBeUndefined();
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.securityContext).toMatchObject({ runAsUser: 999, fsGroup: 999, runAsNonRoot: true });
    expect(pod.serviceAccountName).toBe('rabbitmq-server');
    expect(pod.terminationGracePeriodSeconds).toBe(604800);
    expect(spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
    });
    expect(pod.volumes).toContainEqual({ name: 'config', configMap: { name: 'rabbitmq-config' } });
    expect(pod.initContainers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual([
      '/tmp/erlang-cookie-secret',
      '/var/lib/rabbitmq',
    ]);
  });

  it('keeps the generated password and cookie secret, in the component outputs and the Kubernetes secrets', async () => {
    expect(await isSecret(cluster.password)).toBe(true);
    expect(await value(cluster.password)).toBe('generated-minimal/password');
    expect(await value(cluster.username)).toBe('warren');
    const user = cluster.resources.userSecret as k8s.core.v1.Secret;
    expect(await isSecret(user.stringData)).toBe(true);
    expect(await value(user.stringData)).toEqual({ username: 'warren', password: 'generated-minimal/password' });
    const cookie = cluster.resources.cookieSecret as k8s.core.v1.Secret;
    expect(await value(cookie.stringData)).toEqual({ '.erlang.cookie': 'generated-minimal/cookie' });
    // The StatefulSet refers to the secret; the password itself never appears in the pod spec.
    expect(JSON.stringify(find('kubernetes:apps/v1:StatefulSet')[0]!.inputs)).not.toContain('generated-');
  });

  it("carries a loader of the generated secret's provider from warren/providers, not its code", () => {
    const password = find('pulumi-nodejs:dynamic/warren:GeneratedSecret', '/password')[0]!.inputs;
    expect(password.bytes).toBe(32);
    expect(String(password.__provider)).toContain('.provider("GeneratedSecret", ');
    expect(String(password.__provider)).toContain('("warren/providers")');
  });

  it("points at the in-cluster management API, usable once the StatefulSet's roll is really complete", async () => {
    expect(await value(cluster.managementUrl)).toBe('http://rabbitmq.messaging.svc:15672');
    expect(cluster.ready).toBeInstanceOf(k8s.apps.v1.StatefulSet);
    expect(cluster.ready).toBe(cluster.resources.statefulSet);
    // A provider or dynamic resource given this URL as input depends on the rollout wait, which waits for the StatefulSet.
    const dependencies = (cluster.managementUrl as unknown as { resources(): Set<pulumi.Resource> }).resources();
    expect([...dependencies]).toEqual([cluster.rollout]);
    const rollout = find('pulumi-nodejs:dynamic/warren:RolloutWait')[0]!.inputs;
    expect(rollout).toMatchObject({
      namespace: 'messaging',
      name: 'rabbitmq',
      revision: expect.stringMatching(/^[0-9a-f]{16}$/),
      timeoutMinutes: 30,
    });
  });

  it('creates no disruption budget, ServiceMonitor or NetworkPolicy', () => {
    expect(
      Object.keys(cluster.resources).filter((k) => ['pdb', 'serviceMonitor', 'networkPolicy'].includes(k)),
    ).toEqual([]);
  });
});

describe('a production cluster (production.yaml)', () => {
  const provider = new k8s.Provider('k8s-production', { kubeconfig: 'mock' });
  const cluster = new RabbitCluster(
    'production',
    planOf('production.yaml'),
    { allow: { allowReplace: false, allowScaleDownTo: 3 } },
    { ...recorded, providers: [provider] },
  );
  const find = of('production');
  beforeAll(() => settled(cluster));

  it('runs three nodes on distinct hosts with sized, classed volume claims', () => {
    const spec = find('kubernetes:apps/v1:StatefulSet')[0]!.inputs.spec;
    expect(spec.replicas).toBe(3);
    expect(
      spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey,
    ).toBe('kubernetes.io/hostname');
    expect(spec.template.spec.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
    });
    expect(spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '100Gi' } },
      storageClassName: 'premium-rwo',
    });
    expect(spec.template.spec.containers[0].lifecycle.preStop.exec.command[2]).toMatch(
      /; rabbitmq-upgrade await_online_quorum_plus_one -t 604800; rabbitmq-upgrade drain -t 604800$/,
    );
  });

  it('exposes a load balancer with its annotations, TLS ports only', () => {
    const client = find('kubernetes:core/v1:Service', '/client')[0]!.inputs;
    expect(client.spec.type).toBe('LoadBalancer');
    expect(client.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
      'pulumi.com/patchForce': 'true',
    });
    expect(client.spec.ports.map((p: { port: number }) => p.port)).toEqual([5671, 15671, 15691]);
    const pod = find('kubernetes:apps/v1:StatefulSet')[0]!.inputs.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'tls', secret: { secretName: 'rabbitmq-tls', defaultMode: 0o440 } });
  });

  it('adds the disruption budget, the ServiceMonitor and the NetworkPolicy', () => {
    expect(find('kubernetes:policy/v1:PodDisruptionBudget')[0]!.inputs.spec).toMatchObject({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'rabbitmq' } },
    });
    const monitor = find('kubernetes:monitoring.coreos.com/v1:ServiceMonitor')[0]!.inputs;
    expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    expect(monitor.spec.endpoints).toEqual([
      {
        port: 'prometheus-tls',
        interval: '30s',
        path: '/metrics',
        scheme: 'https',
        tlsConfig: { ca: { secret: { name: 'rabbitmq-tls', key: 'ca.crt' } }, serverName: 'rabbitmq.rabbitmq.svc' },
      },
    ]);
    const policy = find('kubernetes:networking.k8s.io/v1:NetworkPolicy')[0]!.inputs.spec;
    expect(policy.policyTypes).toEqual(['Ingress']);
    expect(policy.ingress).toHaveLength(2);
    expect(policy.ingress[1].from).toHaveLength(3);
    expect(policy.ingress[1].ports.map((p: { port: number }) => p.port)).toEqual([5671, 15671, 15691]);
  });

  it('protects the namespace and the StatefulSet (their loss or replacement stops every node)', () => {
    expect(options.get('production/namespace')?.protect).toBe(true);
    expect(options.get('production/statefulset')?.protect).toBe(true);
    expect(options.get('production/password')?.protect).toBe(true);
    expect(options.get('production/cookie')?.protect).toBe(true);
    expect(options.get('production/config')?.protect).toBeFalsy();
    expect(options.get('minimal/statefulset')?.protect).toBe(false);
  });

  it("waits for the rollout on a bounded timeout of its own, far below the nodes' grace period", () => {
    expect(options.get('production/statefulset')?.customTimeouts).toEqual({ create: '30m', update: '30m' });
  });

  it("registers the guard before every object, with the stack's allowances", () => {
    const guard = find('pulumi-nodejs:dynamic/warren:ClusterGuard')[0]!.inputs;
    expect(guard).toMatchObject({
      namespace: 'rabbitmq',
      name: 'rabbitmq',
      replicas: 3,
      storage: { size: '100Gi', storageClass: 'premium-rwo' },
      allowReplace: false,
      allowScaleDownTo: 3,
    });
    for (const key of ['namespace', 'config', 'statefulset', 'pdb']) {
      expect(
        ((options.get(`production/${key}`)?.dependsOn ?? []) as pulumi.Resource[]).map(
          (r) => (r as unknown as { __name: string }).__name,
        ),
        key,
      ).toContain('production/guard');
    }
  });

  it('marks every Kubernetes object for forced server-side apply (kubectl edits are drift to take back)', () => {
    for (const r of registered.filter((x) => x.name.startsWith('production/') && x.type.startsWith('kubernetes:'))) {
      expect(r.inputs.metadata.annotations?.['pulumi.com/patchForce'], r.name).toBe('true');
    }
  });

  it('reaches the management API at the configured endpoint', async () => {
    expect(await value(cluster.managementUrl)).toBe('https://rabbitmq.production.example.internal:15671');
  });
});

describe('an existing namespace', () => {
  it('is used, not created', async () => {
    const plan = { ...planOf('minimal.yaml'), createNamespace: false, namespace: 'shared' };
    const cluster = new RabbitCluster(
      'existing-ns',
      plan,
      {},
      { providers: [new k8s.Provider('k8s-existing', { kubeconfig: 'mock' })] },
    );
    await settled(cluster);
    expect(of('existing-ns')('kubernetes:core/v1:Namespace')).toEqual([]);
    expect(of('existing-ns')('kubernetes:core/v1:ConfigMap')[0]!.inputs.metadata.namespace).toBe('shared');
  });
});

describe("a cluster with the stack's own admin credentials, maintained by this program", () => {
  it('puts them in the default-user secret instead of a generated password, and maintains the cluster after the StatefulSet', async () => {
    const password = pulumi.secret('from-the-secret-store');
    const cluster = new RabbitCluster(
      'own',
      planOf('staging.yaml'),
      { credentials: { username: 'ops-admin', password }, maintain: true },
      { ...recorded, providers: [new k8s.Provider('k8s-own', { kubeconfig: 'mock' })] },
    );
    await settled(cluster);
    await value(cluster.maintenance!.urn);
    expect(of('own')('pulumi-nodejs:dynamic/warren:GeneratedSecret').map((r) => r.name)).toEqual(['own/cookie']);
    expect(await value((cluster.resources.userSecret as k8s.core.v1.Secret).stringData)).toEqual({
      username: 'ops-admin',
      password: 'from-the-secret-store',
    });
    expect([await value(cluster.username), await value(cluster.password), await isSecret(cluster.password)]).toEqual([
      'ops-admin',
      'from-the-secret-store',
      true,
    ]);
    const maintenance = of('own')('pulumi-nodejs:dynamic/warren:ClusterMaintenance')[0]!;
    expect(maintenance.inputs).toMatchObject({
      namespace: 'rabbitmq-staging',
      name: 'rabbitmq',
      revision: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(options.get('own/maintenance')?.dependsOn).toEqual([cluster.rollout]);
    expect(options.get('own/rollout')?.dependsOn).toEqual([cluster.ready]);
  });
});
