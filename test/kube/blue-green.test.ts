// Blue/green's plain parts: each side's config, names and manifests, the client Service, the drains' shovels.
import { describe, expect, it } from 'vitest';
import { sideInput } from '../../src/cluster/blue-green.js';
import { validateCluster } from '../../src/cluster/check-cluster.js';
import { clusterManifests, pairClientService } from '../../src/cluster/cluster-manifests.js';
import { compileCluster } from '../../src/cluster/compile-cluster.js';
import { drainShovel } from '../../src/pulumi/kubernetes/drain-side.js';

const single = {
  namespace: 'mq',
  image: 'rabbitmq:3.13-management',
  replicas: 3,
  resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '2Gi' } },
  storage: { size: '20Gi', storageClass: 'fast' },
  service: { type: 'NodePort', nodePorts: { amqp: 30672 } },
  managementEndpoint: 'http://198.51.100.1:31672',
};
const pair = (extra: object = {}) => ({
  ...single,
  blue: { managementEndpoint: 'http://198.51.100.1:31673' },
  green: { image: 'rabbitmq:4.1-management', storage: { size: '30Gi' }, resources: { limits: { memory: '4Gi' } } },
  ...extra,
});

function checked(value: object) {
  const result = validateCluster('stack.yaml', value, true);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result;
}

describe('blue/green sides', () => {
  it("a side is the top-level settings with its own over them; service and endpoint are the side's alone", () => {
    const green = sideInput(pair(), 'green');
    expect(green).toMatchObject({
      name: 'rabbitmq-green',
      createNamespace: false,
      image: 'rabbitmq:4.1-management',
      storage: { size: '30Gi', storageClass: 'fast' },
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } },
    });
    expect(green).not.toHaveProperty('service');
    expect(green).not.toHaveProperty('managementEndpoint');
    expect(sideInput(pair(), 'blue')).toMatchObject({
      name: 'rabbitmq',
      managementEndpoint: 'http://198.51.100.1:31673',
    });
  });

  it('the check gives each side whole, the active side and the retiring one', () => {
    const { blueGreen } = checked(pair({ active: 'green', retireInactive: true }));
    expect(blueGreen?.active).toBe('green');
    expect(blueGreen?.retiring).toBe('blue');
    expect(blueGreen?.sides.green).toMatchObject({
      name: 'rabbitmq-green',
      replicas: 3,
      image: 'rabbitmq:4.1-management',
    });
    expect(blueGreen?.sides.blue.service.type).toBe('ClusterIP');
    expect(checked(single).blueGreen).toBeUndefined();
  });

  it("entering blue/green leaves blue's StatefulSet as it was (no roll): only its own Service is new", () => {
    const before = compileCluster(checked(single).cluster!);
    const blue = compileCluster(checked(pair()).blueGreen!.sides.blue, { side: 'blue', pairName: 'rabbitmq' });
    expect(blue.statefulSet).toEqual(before.statefulSet);
    expect(blue.configFiles).toEqual(before.configFiles);
    const roles = (p: typeof blue) => clusterManifests(p, { password: 'p', cookie: 'c' }).map((m) => m.role);
    expect(roles(before)).toContain('client');
    expect(roles(blue)).not.toContain('client');
    const direct = clusterManifests(blue, { password: 'p', cookie: 'c' }).find((m) => m.role === 'direct')!;
    expect(direct.object.metadata.name).toBe('rabbitmq-blue');
    expect(blue.managementUrl).toBe('http://198.51.100.1:31673');
  });

  it('the client Service keeps its name and node ports and selects the active side; no side selects it', () => {
    const { blueGreen, cluster } = checked(pair({ active: 'green' }));
    const green = compileCluster(blueGreen!.sides.green, { side: 'green', pairName: 'rabbitmq' });
    const svc = pairClientService('rabbitmq', { ...cluster!.service }, green) as {
      metadata: { name: string; labels: Record<string, string> };
      spec: { selector: Record<string, string>; ports: { name: string; nodePort?: number }[] };
    };
    expect(svc.metadata.name).toBe('rabbitmq');
    expect(svc.spec.selector).toEqual(green.selector);
    expect(svc.spec.ports.find((p) => p.name === 'amqp')?.nodePort).toBe(30672);
    for (const side of [green, compileCluster(blueGreen!.sides.blue, { side: 'blue', pairName: 'rabbitmq' })])
      expect(Object.entries(side.selector).every(([k, v]) => svc.metadata.labels[k] === v)).toBe(false);
    expect(green.managementUrl).toBe('http://rabbitmq-green.mq.svc:15672');
  });
});

describe('a pair across RabbitMQ 4.0', () => {
  const warned = (blue: string, green: string) =>
    validateCluster('stack.yaml', { ...single, image: blue, green: { image: green } }, true, undefined, ['shop/orders'])
      .diagnostics.filter((d) => d.code === 'cluster-version-change')
      .map((d) => d.pointer);

  it("warns at the newer side's image that 4.0 gives quorum queues without deliveryLimit a limit of 20", () => {
    expect(warned('rabbitmq:3.13-management', 'rabbitmq:4.0-management')).toEqual([
      '/config/warren:cluster/green/image',
    ]);
    expect(warned('rabbitmq:4.1-management', 'rabbitmq:3.13.7-management')).toEqual(['/config/warren:cluster/image']);
  });

  it('says nothing when both sides are on the same side of 4.0, or a version is unknown', () => {
    expect(warned('rabbitmq:4.0-management', 'rabbitmq:4.1-management')).toEqual([]);
    expect(warned('rabbitmq:3.12-management', 'rabbitmq:3.13-management')).toEqual([]);
    expect(warned('rabbitmq:3.13-management', 'rabbitmq:latest')).toEqual([]);
  });
});

describe('drain shovels', () => {
  it('acknowledge on the inactive side only once the active side confirmed, never stop, keep the queue and vhost', () => {
    const shovel = drainShovel(
      {
        destination: { host: 'rabbitmq-green.mq.svc', port: 5672 },
        to: { url: 'http://x', username: 'war ren', password: 'p@ss/w' },
      },
      { vhost: 'shop/eu', name: 'orders' },
    );
    expect(shovel).toMatchObject({
      'src-uri': 'amqp:///shop%2Feu',
      'src-queue': 'orders',
      'dest-queue': 'orders',
      'dest-uri': 'amqp://war%20ren:p%40ss%2Fw@rabbitmq-green.mq.svc:5672/shop%2Feu',
      'ack-mode': 'on-confirm',
      'src-delete-after': 'never',
    });
  });
});
