// RabbitMQ on real pods through `pulumi up`: the real engine and Kubernetes
// provider against a real control plane with one real node
// (scripts/k8s-cluster.sh --real-pods: containerd, kubelet, kube-proxy,
// CoreDNS), running the project's own manifests with Debian's RabbitMQ 4.0
// image (toolchain/install-pod-runtime.sh). The topology is synced to the
// in-cluster broker through the client Service's fixed NodePort. What kwok
// cannot show is checked here: the cluster forms through peer discovery, the
// probes and preStop hooks run, a rolling update keeps every confirmed
// message, the preStop wait holds a roll that would take a quorum away, and
// the node sees its memory limit.
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

describe(`RabbitMQ ${images['rabbitmq-bookworm']!.rabbitmqVersion} on real pods (the older image, cluster only)`, () => {
  const older = new E2EProject(undefined, `${PREFIX}old-`);
  const ns = 'e2e-pods-old';

  const OLD = images['rabbitmq-bookworm']!;
  // Node ports of its own: the guard asks the running nodes their version through the management one.
  const olderCluster = (image: string) =>
    cluster({
      namespace: ns,
      image,
      service: { type: 'NodePort', nodePorts: { amqp: AMQP_PORT + 1, management: 31673 } },
      managementEndpoint: `http://${NODE_IP}:31673`,
    });

  it('forms a 3-node cluster through peer discovery, refuses a direct image change to the 4.0 image with the path, then destroy leaves nothing', async () => {
    older.init();
    // Its own admin (the project's default, guest, may log in from the node itself only: cluster-guest-admin).
    older.setConfig({
      'warren:syncTopology': false,
      'warren:cluster': olderCluster(OLD.ref),
      'warren:managementUser': ADMIN,
    });
    expectOk(
      await older.pulumiAsync('config', 'set', '--secret', 'warren:managementPassword', ADMIN_PASSWORD),
      'config set managementPassword',
    );
    expectOk(
      await older.pulumiAsync(
        'config',
        'set',
        '--secret',
        'warren:kubeconfig',
        readFileSync(kubeEnv.KUBECONFIG!, 'utf8'),
      ),
      'config set kubeconfig',
    );
    expectOk(await older.pulumiAsync('up', '--yes', '--skip-preview'), 'up of the older image');
    const status = JSON.parse(
      await kubectl(
        '-n',
        ns,
        'exec',
        'rabbitmq-1',
        '-c',
        'rabbitmq',
        '--',
        'rabbitmqctl',
        'cluster_status',
        '--formatter',
        'json',
      ),
    ) as { running_nodes: string[] };
    expect(status.running_nodes.sort()).toEqual([0, 1, 2].map((i) => `rabbit@rabbitmq-${i}.rabbitmq-nodes.${ns}`));
    expectOk(await older.pulumiAsync('preview', '--expect-no-changes'), 'preview after up');
    // RabbitMQ 3.10 → 4.0 in place is not supported: refused before anything changes, judged from what the nodes run.
    older.setConfig({ 'warren:cluster': olderCluster(IMAGE.ref) });
    const hop = await older.pulumiAsync('preview');
    expect(hop.code).not.toBe(0);
    expect(hop.output).toContain(
      `image ${OLD.ref} → ${IMAGE.ref} (the nodes run ${OLD.rabbitmqVersion}) is refused: 3.10 → 4.0 skips a release series: go through 3.11 → 3.12 → 3.13 → 4.0`,
    );
    expect(hop.output).toContain('or move to a new 4.0 cluster (blue/green)');
    older.setConfig({ 'warren:cluster': olderCluster(OLD.ref) });
    expectOk(await older.pulumiAsync('destroy', '--yes', '--skip-preview'), 'destroy');
    expect(spawnSync('kubectl', ['get', 'namespace', ns], { env: kubeEnv, encoding: 'utf8' }).status).not.toBe(0);
  }, 1_200_000);
});
