// RabbitMQ on real pods through `pulumi up`: the real engine and Kubernetes
// provider against a real control plane with one real node
// (scripts/k8s-cluster.sh --real-pods: containerd, kubelet, kube-proxy,
// CoreDNS), running the project's own manifests with Debian's RabbitMQ 4.0
// image (toolchain/install-pod-runtime.sh). The topology is synced to the
// in-cluster broker through the client Service's fixed NodePort. What kwok
// cannot show is checked here: the cluster forms through peer discovery, the
// probes and preStop hooks run, a rolling update keeps every confirmed
// message, the preStop wait holds a roll that would take a quorum away, and
// the node sees its memory limit. Then a blue/green move from the RabbitMQ
// 3.10 image to the 4.0 one, in one stack, under traffic.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import jsYaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPlaceStepTexts } from '../../src/plan/queue-migrations.js';
import { startTraffic } from './support/amqp-traffic.js';
import { enc, eventually, managementApi } from './support/broker.js';
import { E2EProject, expectOk, ROOT } from './support/e2e-project.js';
import {
  deadLettersExpired,
  deadLettersRejectedAndOverLimit,
  keepsOrderServiceInItsPermissions,
  routesLogs,
  routesShopMessages,
} from './support/seed-scenarios.js';

const execFileAsync = promisify(execFile);
const PREFIX = 'e2e-pods-';
const NAMES = { shop: `${PREFIX}shop`, ops: `${PREFIX}ops` };
const NS = 'e2e-pods';
const ADMIN = 'warren-admin';
const ADMIN_PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
// The node's address (scripts/k8s/cluster.ts, NODE_IP) and the fixed node ports of the client Service.
const NODE_IP = '10.244.0.1';
const AMQP_PORT = 30672;
const MANAGEMENT = `http://${NODE_IP}:31672`;
const MEMORY_LIMIT = 1024 ** 3;
const images = JSON.parse(
  readFileSync(
    join(process.env.WARREN_CACHE_DIR ?? join(homedir(), '.cache/warren'), 'k8s/images/images.json'),
    'utf8',
  ),
) as Record<string, { ref: string; rabbitmqVersion: string }>;
const IMAGE = images['rabbitmq-trixie']!;
const project = new E2EProject(undefined, PREFIX);
const clusterDir = join(project.dir, 'k8s');
const cluster$ = managementApi(`${MANAGEMENT}/api`, ADMIN, ADMIN_PASSWORD);
let kubeEnv: NodeJS.ProcessEnv = {};

const connect = (vhost: string, user = ADMIN, password = ADMIN_PASSWORD) =>
  amqp.connect(`amqp://${enc(user)}:${enc(password)}@${NODE_IP}:${AMQP_PORT}/${enc(vhost)}`);

async function kubectl(...args: string[]): Promise<string> {
  return (await execFileAsync('kubectl', args, { env: kubeEnv, encoding: 'utf8', timeout: 120_000 })).stdout;
}

const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await kubectl(...args, '-o', 'json')) as T;
const exec = (pod: string, ...command: string[]) => kubectl('-n', NS, 'exec', pod, '-c', 'rabbitmq', '--', ...command);

interface Pod {
  metadata: { name: string; uid: string; deletionTimestamp?: string; labels: Record<string, string> };
  status: { phase: string; containerStatuses?: { ready: boolean; state: Record<string, unknown> }[] };
}
interface StatefulSet {
  metadata: { uid: string };
  spec: { replicas: number };
  status: { readyReplicas?: number; currentRevision?: string; updateRevision?: string };
}

const statefulSet = () => json<StatefulSet>('-n', NS, 'get', 'statefulset', 'rabbitmq');
const pods = async () =>
  (await json<{ items: Pod[] }>('-n', NS, 'get', 'pods', '-l', 'app.kubernetes.io/name=rabbitmq')).items;
const podUids = async () => Object.fromEntries((await pods()).map((p) => [p.metadata.name, p.metadata.uid]));

/** The running members as one node sees them (`rabbitmqctl cluster_status`). */
async function runningNodes(pod = 'rabbitmq-0'): Promise<string[]> {
  return (
    JSON.parse(await exec(pod, 'rabbitmqctl', 'cluster_status', '--formatter', 'json')) as { running_nodes: string[] }
  ).running_nodes.sort();
}

const nodeName = (i: number) => `rabbit@rabbitmq-${i}.rabbitmq-nodes.${NS}`;

/** The stack's warren:cluster on the real node: small requests, fixed node ports, the Debian image. */
function cluster(change: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    namespace: NS,
    replicas: 3,
    image: IMAGE.ref,
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    storage: { size: '5Gi', storageClass: 'warren-local' },
    // The test machine's disk may be nearly full; the alarm must not block the publishers.
    diskFreeLimit: '100M',
    service: { type: 'NodePort', nodePorts: { amqp: AMQP_PORT, management: 31672 } },
    managementEndpoint: MANAGEMENT,
    // CoreDNS here caches nothing: a new pod's name resolves at once.
    delayStartSeconds: 5,
    // The migration test's second stack moves messages with dynamic shovels (a stack that allows migrations adds it).
    plugins: ['rabbitmq_shovel'],
    rolloutTimeoutMinutes: 10,
    ...change,
  };
}

beforeAll(async () => {
  // Not spawnSync: a worker blocked for minutes misses vitest's RPC deadlines.
  const up = await execFileAsync('bash', [join(ROOT, 'scripts/k8s-cluster.sh'), 'up', clusterDir, '--real-pods'], {
    encoding: 'utf8',
    timeout: 300_000,
  }).catch((e: { stderr?: string }) => {
    throw new Error(`k8s-cluster.sh up --real-pods failed:\n${(e.stderr ?? '').slice(-3000)}`);
  });
  const exports = Object.fromEntries(
    [...up.stdout.matchAll(/^export (\w+)="?([^"\n]*)"?$/gm)].map((m) => [
      m[1]!,
      m[2]!.replace('$PATH', process.env.PATH ?? ''),
    ]),
  );
  kubeEnv = { ...process.env, ...exports };
  project.init();
  project.setConfig({
    'warren:cluster': cluster(),
    'warren:managementUser': ADMIN,
    // The seeds' TTL scenario needs a TTL a test can wait for.
    'warren:overrides': { vhosts: { [NAMES.shop]: { queues: { email_notifications: { messageTtl: '300ms' } } } } },
  });
  expectOk(
    await project.pulumiAsync('config', 'set', '--secret', 'warren:managementPassword', ADMIN_PASSWORD),
    'config set managementPassword',
  );
  expectOk(
    await project.pulumiAsync(
      'config',
      'set',
      '--secret',
      'warren:kubeconfig',
      readFileSync(exports.KUBECONFIG!, 'utf8'),
    ),
    'config set kubeconfig',
  );
}, 600_000);

afterAll(async () => {
  await project.pulumiAsync('destroy', '--yes', '--skip-preview');
  await execFileAsync('bash', [join(ROOT, 'scripts/k8s-cluster.sh'), 'down', clusterDir], { timeout: 180_000 }).catch(
    () => undefined,
  );
}, 900_000);

describe(`RabbitMQ ${IMAGE.rabbitmqVersion} on real pods through pulumi up (real engine, real kubelet)`, () => {
  let uid = '';

  it('one up forms a 3-node cluster through peer discovery and syncs the topology to it through the NodePort', async () => {
    const up = expectOk(await project.pulumiAsync('up', '--yes', '--skip-preview'), 'up');
    expect(up.output).toMatch(/\+ \d+ created/);
    const sts = await statefulSet();
    uid = sts.metadata.uid;
    expect([sts.spec.replicas, sts.status.readyReplicas]).toEqual([3, 3]);
    expect(await runningNodes()).toEqual([0, 1, 2].map(nodeName).sort());
    expect(await runningNodes('rabbitmq-2')).toEqual([0, 1, 2].map(nodeName).sort());
    // The topology reached the in-cluster broker, with the stack's admin as its default user.
    const queues = (await cluster$<{ name: string; type: string; members?: string[] }[]>(`/queues/${enc(NAMES.shop)}`))
      .body;
    const order = queues.find((q) => q.name === 'order_processor')!;
    expect(order.type).toBe('quorum');
    expect(order.members!.sort()).toEqual([0, 1, 2].map(nodeName).sort());
    expectOk(await project.pulumiAsync('preview', '--expect-no-changes'), 'preview after up');
  }, 1_200_000);

  /** Every message `queue` holds, read and acknowledged one by one until the broker hands out none. */
  async function readAll(vhost: string, queue: string): Promise<number[]> {
    const conn = await connect(vhost);
    try {
      const ch = await conn.createChannel();
      const bodies: number[] = [];
      for (let m = await ch.get(queue); m; m = await ch.get(queue)) {
        bodies.push(Number(m.content.toString()));
        ch.ack(m);
      }
      return bodies;
    } finally {
      await conn.close();
    }
  }

  it('a vhost-granularity stack migrates a classic queue holding 2,000 messages to a quorum queue with 3 members', async () => {
    const V = `${PREFIX}migrate`;
    const topology = (type: string) =>
      jsYaml.dump({
        version: 1,
        vhosts: {
          [V]: {
            exchanges: { events: { type: 'topic' } },
            queues: { orders: { type } },
            bindings: [{ from: 'events', to: 'orders', key: 'order.#' }],
          },
        },
      });
    const mig = new E2EProject({ 'topology.yaml': topology('classic') }, `${PREFIX}mig-`);
    mig.init();
    mig.setConfig({
      'warren:granularity': 'vhost',
      'warren:managementUrl': MANAGEMENT,
      'warren:managementUser': ADMIN,
    });
    expectOk(
      await mig.pulumiAsync('config', 'set', '--secret', 'warren:managementPassword', ADMIN_PASSWORD),
      'config set managementPassword',
    );
    try {
      expectOk(await mig.pulumiAsync('up', '--yes', '--skip-preview'), 'up of the classic queue');
      await cluster$(`/permissions/${enc(V)}/${enc(ADMIN)}`, 'PUT', { configure: '.*', write: '.*', read: '.*' });
      const conn = await connect(V);
      const ch = await conn.createConfirmChannel();
      for (let i = 1; i <= 2_000; i++)
        ch.publish('events', 'order.created', Buffer.from(String(i)), { persistent: true });
      await ch.waitForConfirms();
      await conn.close();
      const orders = async () =>
        (await cluster$<{ type: string; messages?: number; members?: string[] }>(`/queues/${enc(V)}/orders`)).body;
      await eventually(async () => ((await orders()).messages === 2_000 ? true : undefined), 30_000);
      writeFileSync(join(mig.dir, 'topology/topology.yaml'), topology('quorum'));
      mig.setConfig({ 'warren:allow': { migrate: [`${V}/queue/orders`] } });
      const preview = expectOk(await mig.pulumiAsync('preview', '--diff'), 'preview --diff of the migration');
      for (const step of inPlaceStepTexts('orders')) expect(preview.output).toContain(step);
      expectOk(await mig.pulumiAsync('up', '--yes', '--skip-preview'), 'up migrating orders to quorum');
      const after = await orders();
      expect(after.type).toBe('quorum');
      expect(after.members!.sort()).toEqual([0, 1, 2].map(nodeName).sort());
      // The move is at least once (a shovel acks the source only once the quorum queue confirmed; a nack or a
      // reconnect sends a message again): every message is there, some may be there twice. The queue's own
      // deliveries say so, not its statistics: every body read back, then the queue empty.
      const bodies = await readAll(V, 'orders');
      const distinct = new Set(bodies);
      expect([...distinct].sort((a, b) => a - b)).toEqual(Array.from({ length: 2_000 }, (_, i) => i + 1));
      console.log(`migration of 2,000 messages on 3 nodes: ${bodies.length - distinct.size} duplicate(s)`);
      const left = (await cluster$<{ name: string }[]>(`/queues/${enc(V)}`)).body.map((q) => q.name);
      expect(left.sort()).toEqual(['orders']);
      // The cluster runs rabbitmq_shovel without its management plugin: no /api/shovels, the parameters are there.
      expect((await cluster$<unknown[]>(`/parameters/shovel/${enc(V)}`)).body).toEqual([]);
      const bound = (await cluster$<{ source: string }[]>(`/queues/${enc(V)}/orders/bindings`)).body;
      expect(bound.map((b) => b.source).sort()).toEqual(['', 'events']);
      expectOk(await mig.pulumiAsync('preview', '--expect-no-changes'), 'preview after the migration');
    } finally {
      await cluster$(`/queues/${enc(V)}/orders/contents`, 'DELETE');
      await mig.pulumiAsync('destroy', '--yes', '--skip-preview');
    }
  }, 900_000);

  it('each node sees its memory limit: the cgroup holds it, RabbitMQ sizes itself from the override below it', async () => {
    const cgroup = Number((await exec('rabbitmq-0', 'cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes')).trim());
    expect(cgroup).toBe(MEMORY_LIMIT);
    const seen = Number(
      (await exec('rabbitmq-0', 'rabbitmqctl', 'eval', 'vm_memory_monitor:get_total_memory().')).trim(),
    );
    expect(seen).toBe(Math.floor(MEMORY_LIMIT * 0.8));
    const nodes = (await cluster$<{ name: string; mem_limit: number }[]>('/nodes')).body;
    expect(nodes).toHaveLength(3);
    for (const node of nodes) expect(node.mem_limit).toBeLessThan(seen);
  }, 120_000);

  it("the seeds' scenarios hold on the cluster: routing, DLQ on reject and past the delivery limit, TTL expiry, least privilege", async () => {
    await routesShopMessages(connect, NAMES);
    await routesLogs(connect, NAMES);
    await deadLettersRejectedAndOverLimit(connect, NAMES);
    await deadLettersExpired(connect, NAMES);
    await keepsOrderServiceInItsPermissions(
      connect,
      NAMES,
      `${PREFIX}order-service`,
      project.passwords.orderServicePassword!,
    );
  }, 180_000);

  it('a rolling update (a config change) under a confirming publisher and a consumer loses no confirmed message', async () => {
    const before = await podUids();
    const conn = await connect(NAMES.shop);
    await (await conn.createChannel()).purgeQueue('us_orders');
    await conn.close();
    const traffic = startTraffic(
      `amqp://${ADMIN}:${ADMIN_PASSWORD}@${NODE_IP}:${AMQP_PORT}/${enc(NAMES.shop)}`,
      'us_orders',
    );
    await new Promise((r) => setTimeout(r, 3000));
    project.setConfig({ 'warren:cluster': cluster({ extraConfig: ['collect_statistics_interval = 10000'] }) });
    const up = expectOk(await project.pulumiAsync('up', '--yes', '--skip-preview'), 'up with a config change');
    await new Promise((r) => setTimeout(r, 5000));
    const report = await traffic.stop();
    console.log(`rolling update under traffic: ${JSON.stringify(report)}`);
    expect(up.output).not.toMatch(/replaced/);
    // Every pod was replaced by one of the new revision, in the same StatefulSet.
    const sts = await statefulSet();
    expect([sts.metadata.uid, sts.status.readyReplicas, sts.status.currentRevision]).toEqual([
      uid,
      3,
      sts.status.updateRevision,
    ]);
    const after = await podUids();
    for (const name of Object.keys(before)) expect(after[name], name).not.toBe(before[name]);
    expect(report.confirmed).toBeGreaterThan(100);
    expect(report.lost).toEqual([]);
    expect(report.unflaggedDuplicates).toEqual([]);
    expect(await runningNodes()).toEqual([0, 1, 2].map(nodeName).sort());
  }, 1_200_000);

  it('3 → 5 replicas in place: two nodes join, the running three are not restarted, every quorum queue gains a member on each new node', async () => {
    const before = await podUids();
    project.setConfig({
      'warren:cluster': cluster({ replicas: 5, extraConfig: ['collect_statistics_interval = 10000'] }),
    });
    const up = expectOk(await project.pulumiAsync('up', '--yes', '--skip-preview'), 'up 5 replicas');
    expect(up.output).not.toMatch(/replaced/);
    const sts = await statefulSet();
    expect([sts.metadata.uid, sts.spec.replicas, sts.status.readyReplicas]).toEqual([uid, 5, 5]);
    expect(await runningNodes()).toEqual([0, 1, 2, 3, 4].map(nodeName).sort());
    const after = await podUids();
    for (const name of Object.keys(before)) expect(after[name], name).toBe(before[name]);
    // Declared on 3 nodes, every quorum queue now has a member on each of the 5 (the broker's own member lists).
    const quorum = (
      await cluster$<{ vhost: string; name: string; type: string; members?: string[] }[]>(
        '/queues?columns=vhost,name,type,members',
      )
    ).body.filter((q) => q.type === 'quorum');
    expect(quorum.length).toBeGreaterThan(0);
    for (const q of quorum)
      expect([`${q.vhost}/${q.name}`, [...q.members!].sort()]).toEqual([
        `${q.vhost}/${q.name}`,
        [0, 1, 2, 3, 4].map(nodeName).sort(),
      ]);
  }, 1_200_000);

  it('a scale-down is refused; the steps the refusal gives, with the allowance, take the cluster back to 3 nodes', async () => {
    const three = cluster({ extraConfig: ['collect_statistics_interval = 10000'] });
    project.setConfig({ 'warren:cluster': three });
    const refused = await project.pulumiAsync('up', '--yes', '--skip-preview');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(`cluster ${NS}/rabbitmq: replicas 5 → 3 stops rabbitmq-4, rabbitmq-3 at once`);
    expect((await statefulSet()).spec.replicas).toBe(5);
    // The refusal's steps, as a person would run them.
    for (const i of [4, 3]) await exec('rabbitmq-0', 'rabbitmq-queues', 'shrink', nodeName(i));
    project.setConfig({ 'warren:allow': { scaleDownTo: 3 } });
    expectOk(await project.pulumiAsync('up', '--yes', '--skip-preview'), 'allowed scale-down');
    for (const i of [4, 3]) await exec('rabbitmq-0', 'rabbitmqctl', 'forget_cluster_node', nodeName(i));
    const sts = await statefulSet();
    expect([sts.metadata.uid, sts.spec.replicas, sts.status.readyReplicas]).toEqual([uid, 3, 3]);
    expect(await runningNodes()).toEqual([0, 1, 2].map(nodeName).sort());
    const status = JSON.parse(await exec('rabbitmq-0', 'rabbitmqctl', 'cluster_status', '--formatter', 'json')) as {
      disk_nodes: string[];
    };
    expect(status.disk_nodes.sort()).toEqual([0, 1, 2].map(nodeName).sort());
    project.setConfig({ 'warren:allow': undefined });
    expectOk(await project.pulumiAsync('preview', '--expect-no-changes'), 'preview after the scale-down');
  }, 1_200_000);

  it("with one node stopped by hand, a roll waits in the next node's preStop hook until quorum queues keep a majority", async () => {
    await exec('rabbitmq-0', 'rabbitmqctl', 'stop_app');
    // Through the NodePort, which may still route to the stopped node until its readiness probe fails: ask until a node answers.
    const online = () =>
      eventually(
        async () =>
          (await cluster$<{ online?: string[] }>(`/queues/${enc(NAMES.shop)}/order_processor`).catch(() => undefined))
            ?.body.online?.length,
        60_000,
      );
    await eventually(async () => ((await online()) === 2 ? true : undefined), 60_000);
    const before = await podUids();
    // A config change rolls the pods from the highest ordinal down; the StatefulSet controller (Parallel pod
    // management, no maxUnavailable gate in 1.36) deletes rabbitmq-2 although rabbitmq-0 is not ready.
    project.setConfig({ 'warren:cluster': cluster({ extraConfig: ['collect_statistics_interval = 15000'] }) });
    const rolling = project.pulumiAsync('up', '--yes', '--skip-preview');
    const stopping = await eventually(
      async () => (await pods()).find((p) => p.metadata.name === 'rabbitmq-2' && p.metadata.deletionTimestamp),
      120_000,
    );
    expect(stopping.metadata.uid).toBe(before['rabbitmq-2']);
    // Its preStop hook waits (the grace period is a week): the node keeps running, the queue keeps 2 of 3 members.
    await new Promise((r) => setTimeout(r, 30_000));
    const held = (await pods()).find((p) => p.metadata.name === 'rabbitmq-2')!;
    expect([held.metadata.uid, held.status.containerStatuses![0]!.state.running !== undefined]).toEqual([
      before['rabbitmq-2'],
      true,
    ]);
    expect(await online()).toBe(2);
    expect((await podUids())['rabbitmq-1']).toBe(before['rabbitmq-1']);
    // The stopped node comes back: the waiting node may go, and the roll completes.
    await exec('rabbitmq-0', 'rabbitmqctl', 'start_app');
    expectOk(await rolling, 'the held roll, once the stopped node is back');
    const after = await podUids();
    for (const name of Object.keys(before)) expect(after[name], name).not.toBe(before[name]);
    expect(await runningNodes()).toEqual([0, 1, 2].map(nodeName).sort());
    expect(await online()).toBe(3);
  }, 1_200_000);

  it('every pod deleted at once (a power cut): the cluster forms again by itself and the quorum queue keeps every message', async () => {
    const Q = `${PREFIX}full-stop`;
    const conn = await connect(NAMES.shop);
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue(Q, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (let i = 1; i <= 1_000; i++) ch.sendToQueue(Q, Buffer.from(String(i)), { persistent: true });
    await ch.waitForConfirms();
    await conn.close();
    const before = await podUids();
    const started = Date.now();
    // No grace period, no preStop hook: the nodes stop as a power cut stops them, all together.
    await kubectl('-n', NS, 'delete', 'pods', '-l', 'app.kubernetes.io/name=rabbitmq', '--grace-period=0', '--force');
    // Nothing is done by hand: the StatefulSet makes the pods again, the nodes find each other on their volumes.
    await eventually(async () => {
      const now = await pods().catch(() => []);
      const fresh = now.filter(
        (p) => p.metadata.uid !== before[p.metadata.name] && p.status.containerStatuses?.[0]?.ready,
      );
      if (fresh.length < 3) return undefined;
      const running = await runningNodes().catch(() => []);
      return running.length === 3 ? true : undefined;
    }, 600_000);
    console.log(
      `after every pod was deleted at once, the 3 nodes ran as one cluster again in ${Math.round((Date.now() - started) / 1000)} s`,
    );
    expect(await runningNodes()).toEqual([0, 1, 2].map(nodeName).sort());
    // The queue's own deliveries: every message, each once (none was published twice).
    const bodies = await eventually(async () => {
      const got = await readAll(NAMES.shop, Q).catch(() => undefined);
      return got?.length ? got : undefined;
    }, 120_000);
    expect([...bodies].sort((a, b) => a - b)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
    await cluster$(`/queues/${enc(NAMES.shop)}/${enc(Q)}`, 'DELETE');
  }, 900_000);

  it('destroy sets the decommission marker (stopping nodes skip the quorum wait) and leaves nothing', async () => {
    // The seeds' scenarios left messages in some queues: deleting them is this stack's explicit choice, which an up records.
    project.setConfig({ 'warren:allow': { destroyNonEmpty: true } });
    expectOk(await project.pulumiAsync('up', '--yes', '--skip-preview'), 'up allowing destroyNonEmpty');
    const started = Date.now();
    expectOk(await project.pulumiAsync('destroy', '--yes', '--skip-preview'), 'destroy');
    console.log(`destroy of the 3-node cluster took ${Math.round((Date.now() - started) / 1000)} s`);
    expect(spawnSync('kubectl', ['get', 'namespace', NS], { env: kubeEnv, encoding: 'utf8' }).status).not.toBe(0);
    expect(
      (
        await kubectl(
          'get',
          'statefulsets,services,secrets,configmaps,pods,pvc',
          '-A',
          '-l',
          'app.kubernetes.io/name=rabbitmq',
          '-o',
          'name',
        )
      ).trim(),
    ).toBe('');
    expect(
      (JSON.parse(project.stdout('stack', 'export')) as { deployment?: { resources?: unknown[] } }).deployment
        ?.resources ?? [],
    ).toHaveLength(0);
  }, 900_000);
});

describe(`blue/green from RabbitMQ ${images['rabbitmq-bookworm']!.rabbitmqVersion} to ${IMAGE.rabbitmqVersion} in one stack (real pods, real engine)`, () => {
  const BLUE = images['rabbitmq-bookworm']!;
  const ns = 'e2e-pods-bg';
  const prefix = `${PREFIX}bg-`;
  const names = { shop: `${prefix}shop`, ops: `${prefix}ops` };
  const bg = new E2EProject(undefined, prefix);
  // The client Service's node ports, and each side's own (blue's, green's).
  const PORTS = { client: [30674, 31674], blue: [30675, 31675], green: [30676, 31676] } as const;
  const via = (side: keyof typeof PORTS) => ({
    amqp: (vhost: string) =>
      amqp.connect(`amqp://${enc(ADMIN)}:${enc(ADMIN_PASSWORD)}@${NODE_IP}:${PORTS[side][0]}/${enc(vhost)}`),
    api: managementApi(`http://${NODE_IP}:${PORTS[side][1]}/api`, ADMIN, ADMIN_PASSWORD),
  });
  const nodePorts = (side: keyof typeof PORTS) => ({
    type: 'NodePort',
    nodePorts: { amqp: PORTS[side][0], management: PORTS[side][1] },
  });
  // One node each: what this machine allows beside the other suites' clusters.
  const base = {
    ...cluster({ namespace: ns, replicas: 1, image: BLUE.ref }),
    service: nodePorts('client'),
    managementEndpoint: `http://${NODE_IP}:${PORTS.client[1]}`,
  };
  const side = (s: 'blue' | 'green', extra: Record<string, unknown> = {}) => ({
    service: nodePorts(s),
    managementEndpoint: `http://${NODE_IP}:${PORTS[s][1]}`,
    ...extra,
  });
  const pair = (extra: Record<string, unknown>) => ({
    ...base,
    blue: side('blue'),
    green: side('green', { image: IMAGE.ref }),
    ...extra,
  });
  const service = () =>
    json<{ metadata: { uid: string }; spec: { selector: Record<string, string> } }>(
      '-n',
      ns,
      'get',
      'service',
      'rabbitmq',
    );
  const HELD = { classic: 'pdf_reports', quorum: 'order_processor.dead' } as const;
  const HELD_EACH = 10_000;

  /**
   * Every message a queue holds, consumed through `connect` (1,000 in flight: one basic.get per message waits out a
   * delayed ACK each, 20 a second) and acknowledged, until none came for 2 s; then the queue holds none.
   */
  async function readBodies(connect: (vhost: string) => Promise<amqp.ChannelModel>, queue: string): Promise<number[]> {
    const conn = await connect(names.shop);
    try {
      const ch = await conn.createChannel();
      await ch.prefetch(1000);
      const bodies: number[] = [];
      let last = Date.now();
      const { consumerTag } = await ch.consume(queue, (m) => {
        if (!m) return;
        bodies.push(Number(m.content.toString()));
        ch.ack(m);
        last = Date.now();
      });
      while (Date.now() - last < 2000) await new Promise((r) => setTimeout(r, 200));
      await ch.cancel(consumerTag);
      expect((await ch.checkQueue(queue)).messageCount).toBe(0);
      return bodies;
    } finally {
      await conn.close();
    }
  }

  afterAll(async () => {
    bg.setConfig({ 'warren:allow': { destroyNonEmpty: true } });
    await bg.pulumiAsync('up', '--yes', '--skip-preview');
    await bg.pulumiAsync('destroy', '--yes', '--skip-preview');
  }, 900_000);

  it('moves a cluster holding 20,000 messages from 3.10 to 4.0 under a publisher and a consumer: green created, drains, switch, blue retired', async () => {
    bg.init();
    bg.setConfig({
      'warren:cluster': base,
      'warren:managementUser': ADMIN,
    });
    expectOk(
      await bg.pulumiAsync('config', 'set', '--secret', 'warren:managementPassword', ADMIN_PASSWORD),
      'config set managementPassword',
    );
    expectOk(
      await bg.pulumiAsync('config', 'set', '--secret', 'warren:kubeconfig', readFileSync(kubeEnv.KUBECONFIG!, 'utf8')),
      'config set kubeconfig',
    );
    expectOk(await bg.pulumiAsync('up', '--yes', '--skip-preview'), 'up of the blue cluster alone');
    const { uid } = (await service()).metadata;
    // RabbitMQ 3.10 → 4.0 in place is not supported: refused before anything changes, judged from what the node runs.
    bg.setConfig({ 'warren:cluster': { ...base, image: IMAGE.ref } });
    const hop = await bg.pulumiAsync('preview');
    expect(hop.code).not.toBe(0);
    expect(hop.output).toContain(
      `image ${BLUE.ref} → ${IMAGE.ref} (the nodes run ${BLUE.rabbitmqVersion}) is refused: 3.10 → 4.0 skips a release series: go through 3.11 → 3.12 → 3.13 → 4.0`,
    );
    expect(hop.output).toContain('or move to a new 4.0 cluster (blue/green: warren:cluster.green)');
    // 20,000 persistent messages, confirmed, half in a classic queue, half in a quorum queue; nobody reads them.
    const conn = await via('client').amqp(names.shop);
    const ch = await conn.createConfirmChannel();
    for (const queue of Object.values(HELD))
      for (let i = 1; i <= HELD_EACH; i++) ch.sendToQueue(queue, Buffer.from(String(i)), { persistent: true });
    await ch.waitForConfirms();
    await conn.close();
    const traffic = startTraffic(
      `amqp://${ADMIN}:${ADMIN_PASSWORD}@${NODE_IP}:${PORTS.client[0]}/${enc(names.shop)}`,
      'us_orders',
    );
    const started = Date.now();
    // How long each phase took, from the end of the one before (printed with the totals).
    const phases: string[] = [];
    let since = started;
    const phase = (name: string) => {
      phases.push(`${name} ${Math.round((Date.now() - since) / 1000)} s`);
      since = Date.now();
    };

    // Green created: a preview names it, its topology, and the drain of the inactive side (green, empty) into blue.
    bg.setConfig({ 'warren:cluster': pair({ active: 'blue' }) });
    const adding = expectOk(await bg.pulumiAsync('preview'), 'preview of the green cluster');
    for (const name of ['rabbitmq-green', 'topology-green', 'rabbitmq/drain']) expect(adding.output).toContain(name);
    const added = expectOk(await bg.pulumiAsync('up', '--yes', '--skip-preview'), 'up adding green');
    phase('green created (preview, up)');
    expect(added.output).not.toMatch(/replaced/);
    // The client Service is the same object (its address, its node ports), on blue's pods still.
    expect((await service()).metadata.uid).toBe(uid);
    expect((await service()).spec.selector['app.kubernetes.io/instance']).toBe('rabbitmq');
    const greenQueues = (await via('green').api<{ name: string }[]>(`/queues/${enc(names.shop)}`)).body;
    expect(greenQueues.map((q) => q.name)).toContain(HELD.quorum);
    const version = (await via('green').api<{ rabbitmq_version: string }>('/overview')).body.rabbitmq_version;
    expect(version).toBe(IMAGE.rabbitmqVersion);

    // Switch: the Service moves, blue's clients are closed, blue is drained. The first try is killed in the drain.
    bg.setConfig({ 'warren:cluster': pair({ active: 'green' }) });
    const switching = expectOk(await bg.pulumiAsync('preview', '--diff'), 'preview of the switch');
    // The drain turns round: blue is drained into green now.
    expect(switching.output).toMatch(/~ pulumi-nodejs:dynamic\/warren:DrainSide: \(update\)/);
    expect(switching.output).toContain(`"${ns}/rabbitmq-green (green)" => "${ns}/rabbitmq (blue)"`);
    expect(switching.output).toMatch(
      new RegExp(`~ kubernetes:core/v1:Service: \\(update\\)\\s+\\[id=${ns}/rabbitmq\\]`),
    );
    expect((await bg.upKilledAt('drain:shovels', 600_000)).code).not.toBe(0);
    expectOk(await bg.pulumiAsync('cancel', '--yes'), 'cancel after the kill');
    expectOk(await bg.pulumiAsync('up', '--yes', '--skip-preview'), 'up after the kill in the drain');
    phase('switch (preview, up killed in the drain, cancel, up)');
    expect((await service()).metadata.uid).toBe(uid);
    expect((await service()).spec.selector['app.kubernetes.io/instance']).toBe('rabbitmq-green');
    const blueHolds = async () =>
      (await via('blue').api<{ name: string; messages?: number }[]>(`/queues/${enc(names.shop)}`)).body.reduce(
        (n, q) => n + (q.messages ?? 0),
        0,
      );
    await eventually(async () => ((await blueHolds()) === 0 ? true : undefined), 300_000);
    phase('blue drained');

    // A client still reading from blue keeps it: the retirement is refused, with what is left.
    const stray = await via('blue').amqp(names.shop);
    stray.on('error', () => undefined);
    await (await stray.createChannel()).consume(HELD.classic, () => undefined);
    bg.setConfig({ 'warren:cluster': pair({ active: 'green', retireInactive: true }) });
    const refused = await bg.pulumiAsync('preview');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(
      `${ns}/rabbitmq (blue) is not removed: 1 client consumer(s) still read from it: ${names.shop}/${HELD.classic}`,
    );
    await stray.close();
    const retired = expectOk(await bg.pulumiAsync('up', '--yes', '--skip-preview'), 'up retiring blue');
    expect(retired.output).toContain('rabbitmq/retire-blue');
    phase('blue retired (refused preview, up)');
    const report = await traffic.stop(10_000);
    const total = Math.round((Date.now() - started) / 1000);
    console.log(
      `blue/green ${BLUE.rabbitmqVersion} → ${IMAGE.rabbitmqVersion}: ${total} s from adding green to blue retired (${phases.join(', ')}); traffic ${JSON.stringify(report)}`,
    );

    // Blue is gone; the Service is the same object, on green.
    expect(spawnSync('kubectl', ['-n', ns, 'get', 'statefulset', 'rabbitmq'], { env: kubeEnv }).status).not.toBe(0);
    // Its volume went with it (a side made anew must not boot on 3.10's data); green's stays.
    const claims = async () =>
      (await json<{ items: { metadata: { name: string } }[] }>('-n', ns, 'get', 'pvc')).items.map(
        (c) => c.metadata.name,
      );
    await eventually(async () => ((await claims()).includes('persistence-rabbitmq-0') ? undefined : true), 120_000);
    expect(await claims()).toEqual(['persistence-rabbitmq-green-0']);
    expect((await service()).metadata.uid).toBe(uid);
    // Every confirmed message was delivered at least once; every held one is on green, through the client Service.
    expect(report.confirmed).toBeGreaterThan(100);
    expect(report.lost).toEqual([]);
    for (const queue of Object.values(HELD)) {
      const bodies = await readBodies(via('client').amqp, queue);
      const distinct = new Set(bodies);
      expect([queue, distinct.size]).toEqual([queue, HELD_EACH]);
      console.log(`${queue}: ${HELD_EACH} held messages on green, ${bodies.length - distinct.size} duplicate(s)`);
    }
    // Green serves the seeds' scenarios through the client Service, and nothing is left to change.
    const connect = (vhost: string, user = ADMIN, password = ADMIN_PASSWORD) =>
      amqp.connect(`amqp://${enc(user)}:${enc(password)}@${NODE_IP}:${PORTS.client[0]}/${enc(vhost)}`);
    const purge = await connect(names.shop);
    await (await purge.createChannel()).purgeQueue('us_orders');
    await purge.close();
    await routesShopMessages(connect, names);
    await routesLogs(connect, names);
    await deadLettersRejectedAndOverLimit(connect, names);
    await keepsOrderServiceInItsPermissions(
      connect,
      names,
      `${prefix}order-service`,
      bg.passwords.orderServicePassword!,
    );
    expectOk(await bg.pulumiAsync('preview', '--expect-no-changes'), 'preview after the move');
  }, 2_400_000);
});
