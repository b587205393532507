// RabbitMQ on Kubernetes through `pulumi up`, on the real engine with the
// Kubernetes provider plugin built from its Go module, against a real API
// server: kube-apiserver, kube-controller-manager, kube-scheduler and etcd
// built from Go modules, with kwok's fake nodes making pods Ready and volumes
// Bound (scripts/k8s-cluster.sh). kwok runs no containers, so the topology goes
// to the local broker through the cluster's configurable management endpoint
// (what a port-forward or load balancer address is in real life), logging in
// with the admin credentials the stack brings, which the cluster's default
// user is made of.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, enc } from './support/broker.js';
import { E2EProject, expectOk, ROOT } from './support/e2e-project.js';

const execFileAsync = promisify(execFile);
const PREFIX = 'e2e-k8s-';
const NS = 'e2e-rabbitmq';
const ADMIN = `${PREFIX}admin`;
const ADMIN_PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const ROTATED = `${PREFIX}admin-2`;
const ROTATED_PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
const DECOMMISSION = 'warren-decommission';
const project = new E2EProject(undefined, PREFIX);
const clusterDir = join(project.dir, 'k8s');
let kubeEnv: NodeJS.ProcessEnv = {};
let kubeconfig = '';

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, { env: kubeEnv, encoding: 'utf8', timeout: 120_000 });
}

function json<T>(...args: string[]): T {
  return JSON.parse(kubectl(...args, '-o', 'json')) as T;
}

interface StatefulSet {
  metadata: { uid: string };
  spec: { replicas: number; template: { spec: { containers: { resources: { limits: Record<string, string> } }[] } } };
  status: { readyReplicas?: number; replicas?: number };
}

const statefulSet = () => json<StatefulSet>('-n', NS, 'get', 'statefulset', 'rabbitmq');
const secretsData = () =>
  kubectl(
    '-n',
    NS,
    'get',
    'secrets',
    '-l',
    'app.kubernetes.io/name=rabbitmq',
    '-o',
    'jsonpath={range .items[*]}{.metadata.name}={.data}{"\\n"}{end}',
  );

/** The stack's warren:cluster: staging-like, sized for fake nodes. */
function cluster(change: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    namespace: NS,
    replicas: 3,
    image: 'rabbitmq:4.1.6-management',
    resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '512Mi' } },
    storage: { size: '5Gi', storageClass: 'kwok-volume' },
    managementEndpoint: 'http://127.0.0.1:15672',
    rolloutTimeoutMinutes: 5,
    networkPolicy: { enabled: true, allowFrom: [{ namespaceSelector: { 'kubernetes.io/metadata.name': 'shop' } }] },
    ...change,
  };
}

/** The resources of a project's state, by type. */
function stateResources(p: E2EProject): { urn: string; type: string; dependencies?: string[] }[] {
  return (
    (
      JSON.parse(p.stdout('stack', 'export')) as {
        deployment?: { resources?: { urn: string; type: string; dependencies?: string[] }[] };
      }
    ).deployment?.resources ?? []
  );
}

const stateTypes = (p: E2EProject) => stateResources(p).map((r) => r.type);

beforeAll(async () => {
  // Not spawnSync: a worker blocked for minutes misses vitest's RPC deadlines.
  const up = await execFileAsync('bash', [join(ROOT, 'scripts/k8s-cluster.sh'), 'up', clusterDir], {
    encoding: 'utf8',
    timeout: 300_000,
  }).catch((e: { stderr?: string }) => {
    throw new Error(`k8s-cluster.sh up failed:\n${(e.stderr ?? '').slice(-3000)}`);
  });
  const exports = Object.fromEntries(
    [...up.stdout.matchAll(/^export (\w+)="?([^"\n]*)"?$/gm)].map((m) => [
      m[1]!,
      m[2]!.replace('$PATH', process.env.PATH ?? ''),
    ]),
  );
  kubeEnv = { ...process.env, ...exports };
  kubeconfig = readFileSync(exports.KUBECONFIG!, 'utf8');
  // The admin the stack brings; on a real cluster RabbitMQ makes it from the default-user Secret on first boot.
  await api(`/users/${ADMIN}`, 'DELETE');
  await api(`/users/${ROTATED}`, 'DELETE');
  await api(`/global-parameters/${DECOMMISSION}`, 'DELETE');
  expect(
    (await api(`/users/${ADMIN}`, 'PUT', { password: ADMIN_PASSWORD, tags: 'administrator' })).status,
  ).toBeLessThan(300);
}, 600_000);

afterAll(async () => {
  await project.pulumiAsync('destroy', '--yes', '--skip-preview');
  await execFileAsync('bash', [join(ROOT, 'scripts/k8s-cluster.sh'), 'down', clusterDir], { timeout: 120_000 }).catch(
    () => undefined,
  );
  await Promise.all([`${PREFIX}shop`, `${PREFIX}ops`].map((v) => api(`/vhosts/${enc(v)}`, 'DELETE')));
  await api(`/users/${ADMIN}`, 'DELETE');
  await api(`/users/${ROTATED}`, 'DELETE');
  await api(`/global-parameters/${DECOMMISSION}`, 'DELETE');
}, 600_000);

describe('RabbitMQ on Kubernetes through pulumi up (real engine, real API server, kwok nodes)', () => {
  let uid = '';
  let secretsBefore = '';

  it("one up creates the cluster and, once its StatefulSet is ready, the topology on its broker with the stack's admin credentials", async () => {
    project.init();
    project.setConfig({ 'warren:cluster': cluster(), 'warren:managementUser': ADMIN });
    expectOk(
      await project.pulumiAsync('config', 'set', '--secret', 'warren:managementPassword', ADMIN_PASSWORD),
      'config set managementPassword',
    );
    expectOk(
      await project.pulumiAsync('config', 'set', '--secret', 'warren:kubeconfig', kubeconfig),
      'config set kubeconfig',
    );
    const up = expectOk(await project.pulumiAsync('up', '--yes', '--skip-preview'), 'up');
    expect(up.output).toMatch(/\+ \d+ created/);

    const sts = statefulSet();
    uid = sts.metadata.uid;
    expect([sts.spec.replicas, sts.status.readyReplicas]).toEqual([3, 3]);
    const pvcs = json<{ items: { status: { phase: string } }[] }>('-n', NS, 'get', 'pvc');
    expect(pvcs.items.map((p) => p.status.phase)).toEqual(['Bound', 'Bound', 'Bound']);
    expect(json<{ status: { currentHealthy: number } }>('-n', NS, 'get', 'pdb', 'rabbitmq').status.currentHealthy).toBe(
      3,
    );
    const user = json<{ data: { username: string } }>('-n', NS, 'get', 'secret', 'rabbitmq-default-user');
    expect(Buffer.from(user.data.username, 'base64').toString()).toBe(ADMIN);
    secretsBefore = secretsData();
    expect(secretsBefore).toContain('rabbitmq-erlang-cookie=');

    // The topology reached the broker behind the endpoint, after the StatefulSet's roll: its guard depends on the rollout wait.
    const queues = (await api<{ name: string }[]>(`/queues/${enc(`${PREFIX}shop`)}`)).body.map((q) => q.name);
    expect(queues).toContain('order_processor');
    const resources = stateResources(project);
    const stsUrn = resources.find((r) => r.type === 'kubernetes:apps/v1:StatefulSet')!.urn;
    const rollout = resources.find((r) => r.type.endsWith('warren:RolloutWait'))!;
    expect(rollout.dependencies).toContain(stsUrn);
    expect(resources.find((r) => r.type.endsWith('warren:QueueGuard'))!.dependencies).toContain(rollout.urn);
    // After the roll: leaders rebalanced and feature flags enabled (through the same API); no deletion marker.
    expect(resources.some((r) => r.type.endsWith('warren:ClusterMaintenance'))).toBe(true);
    expect((await api(`/global-parameters/${DECOMMISSION}`)).status).toBe(404);
    const flags = (await api<{ name: string; state: string; stability: string }[]>('/feature-flags')).body;
    expect(flags.filter((f) => f.stability === 'stable' && f.state !== 'enabled').map((f) => f.name)).toEqual([]);
    const outputs = JSON.parse(project.stdout('stack', 'output', '--json')) as Record<string, unknown>;
    expect(outputs.clusterManagementUrl).toBe('http://127.0.0.1:15672');
    expect(project.stateText()).not.toContain(ADMIN_PASSWORD);
  }, 900_000);

  it('a preview right after reports no changes', async () => {
    expectOk(await project.pulumiAsync('preview', '--expect-no-changes'), 'preview --expect-no-changes');
  }, 600_000);

  it('3 → 5 replicas and a new memory limit update the StatefulSet in place; cookie and password never rotate', async () => {
    project.setConfig({
      'warren:cluster': cluster({
        replicas: 5,
        resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '768Mi' } },
      }),
    });
    const up = expectOk(await project.pulumiAsync('up', '--yes', '--skip-preview'), 'up 5 replicas');
    expect(up.output).not.toMatch(/replaced/);
    const sts = statefulSet();
    expect(sts.metadata.uid).toBe(uid);
    expect([sts.spec.replicas, sts.status.readyReplicas]).toEqual([5, 5]);
    expect(sts.spec.template.spec.containers[0]!.resources.limits.memory).toBe('768Mi');
    // RabbitMQ's memory ceiling follows the limit (the config map, and a roll through the config hash).
    expect(
      json<{ data: Record<string, string> }>('-n', NS, 'get', 'configmap', 'rabbitmq-config').data['rabbitmq.conf'],
    ).toContain(`total_memory_available_override_value = ${Math.floor(0.8 * 768 * 1024 ** 2)}`);
    expect(secretsData()).toBe(secretsBefore);
    expectOk(await project.pulumiAsync('preview', '--expect-no-changes'), 'preview after the update');
  }, 900_000);

  it('a scale-down is refused with the steps it needs, then goes through when the stack allows exactly it', async () => {
    project.setConfig({
      'warren:cluster': cluster({
        replicas: 3,
        resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '768Mi' } },
      }),
    });
    for (const command of ['preview', 'up']) {
      const refused = await project.pulumiAsync(command, ...(command === 'up' ? ['--yes', '--skip-preview'] : []));
      expect(refused.code, command).not.toBe(0);
      expect(refused.output).toContain(`cluster ${NS}/rabbitmq: replicas 5 → 3 stops rabbitmq-4, rabbitmq-3 at once`);
      expect(refused.output).toContain(`rabbitmq-queues shrink rabbit@rabbitmq-4.rabbitmq-nodes.${NS}`);
      expect(statefulSet().spec.replicas).toBe(5);
    }
    project.setConfig({ 'warren:allow': { scaleDownTo: 3 } });
    expectOk(await project.pulumiAsync('up', '--yes', '--skip-preview'), 'allowed scale-down');
    const sts = statefulSet();
    expect([sts.metadata.uid, sts.spec.replicas, sts.status.readyReplicas]).toEqual([uid, 3, 3]);
  }, 900_000);

  it('a storage change, which would re-create the StatefulSet, is refused before anything changes', async () => {
    project.setConfig({
      'warren:cluster': cluster({
        storage: { size: '10Gi', storageClass: 'kwok-volume' },
        resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '768Mi' } },
      }),
    });
    const refused = await project.pulumiAsync('up', '--yes', '--skip-preview');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(
      `cluster ${NS}/rabbitmq: storage 5Gi (kwok-volume) → 10Gi (kwok-volume) re-creates the StatefulSet`,
    );
    expect(refused.output).toContain('--cascade=orphan');
    expect(statefulSet().metadata.uid).toBe(uid);
    project.setConfig({
      'warren:cluster': cluster({
        resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '768Mi' } },
      }),
    });
    expectOk(await project.pulumiAsync('preview', '--expect-no-changes'), 'preview with the storage back');
  }, 900_000);

  it('an image change is judged from the version the nodes run, not the deployed tag: a downgrade or a skipped series is refused in preview, a step with a prerequisite waits for the stack to confirm it', async () => {
    // The fake nodes' management endpoint is the local broker: the nodes "run" its version, whatever the tag says.
    const running = (await api<{ rabbitmq_version: string }>('/overview')).body.rabbitmq_version;
    expect(running).toMatch(/^3\.10\./);
    const resources = { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '768Mi' } };
    const image = () => statefulSet().spec.template.spec.containers[0]!.image;
    const hop = (to: string) =>
      `cluster ${NS}/rabbitmq: image rabbitmq:4.1.6-management → ${to} (the nodes run ${running})`;
    project.setConfig({ 'warren:cluster': cluster({ image: 'rabbitmq:3.9.29-management', resources }) });
    const down = await project.pulumiAsync('preview');
    expect(down.code).not.toBe(0);
    expect(down.output).toContain(`${hop('rabbitmq:3.9.29-management')} is refused: 3.10 → 3.9 is a downgrade`);
    project.setConfig({ 'warren:cluster': cluster({ image: 'rabbitmq:4.0.5-management', resources }) });
    const skip = await project.pulumiAsync('preview');
    expect(skip.code).not.toBe(0);
    expect(skip.output).toContain(
      `${hop('rabbitmq:4.0.5-management')} is refused: 3.10 → 4.0 skips a release series: go through 3.11 → 3.12 → 3.13 → 4.0`,
    );
    expect(skip.output).toContain('or move to a new 4.0 cluster (blue/green: warren:cluster.green)');
    project.setConfig({ 'warren:cluster': cluster({ image: 'rabbitmq:3.11.28-management', resources }) });
    const held = await project.pulumiAsync('up', '--yes', '--skip-preview');
    expect(held.code).not.toBe(0);
    expect(held.output).toContain('rolls every node to 3.11, which needs first: enable all stable feature flags');
    expect(held.output).toContain('set warren:allow.upgradeTo: "3.11"');
    expect(image()).toBe('rabbitmq:4.1.6-management');
    // Back to the deployed image: nothing to do.
    project.setConfig({ 'warren:cluster': cluster({ resources }) });
    expectOk(await project.pulumiAsync('preview', '--expect-no-changes'), 'preview with the image back');
  }, 900_000);

  it('drift (the disruption budget deleted, the config map edited with kubectl) is restored by refresh + up', async () => {
    const conf = json<{ data: Record<string, string> }>('-n', NS, 'get', 'configmap', 'rabbitmq-config').data[
      'rabbitmq.conf'
    ]!;
    kubectl('-n', NS, 'delete', 'pdb', 'rabbitmq', '--wait=true');
    kubectl(
      '-n',
      NS,
      'patch',
      'configmap',
      'rabbitmq-config',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ data: { 'rabbitmq.conf': `${conf}vm_memory_high_watermark.relative = 0.99\n` } }),
    );
    expectOk(await project.pulumiAsync('refresh', '--yes', '--skip-preview'), 'refresh');
    expect((await project.pulumiAsync('preview', '--expect-no-changes')).code).not.toBe(0);
    expectOk(await project.pulumiAsync('up', '--yes', '--skip-preview'), 'up after drift');
    expect(json<{ spec: { maxUnavailable: number } }>('-n', NS, 'get', 'pdb', 'rabbitmq').spec.maxUnavailable).toBe(1);
    expect(
      json<{ data: Record<string, string> }>('-n', NS, 'get', 'configmap', 'rabbitmq-config').data['rabbitmq.conf'],
    ).toBe(conf);
    expect(statefulSet().metadata.uid).toBe(uid);
    expectOk(await project.pulumiAsync('preview', '--expect-no-changes'), 'preview after repair');
  }, 900_000);

  it('a production stack with an even replica count is refused before anything is registered', async () => {
    const production = new E2EProject(undefined, `${PREFIX}prod-`);
    production.init();
    production.setConfig({
      'warren:cluster': cluster({ namespace: 'e2e-rabbitmq-prod', production: true, replicas: 4 }),
    });
    expectOk(
      await production.pulumiAsync('config', 'set', '--secret', 'warren:kubeconfig', kubeconfig),
      'config set kubeconfig',
    );
    const up = await production.pulumiAsync('up', '--yes', '--skip-preview');
    expect(up.code).not.toBe(0);
    expect(up.output).toMatch(/Pulumi\.e2e\.yaml:\d+:\d+: error cluster-replicas/);
    expect(stateTypes(production).filter((t) => t !== 'pulumi:pulumi:Stack')).toEqual([]);
    expect(
      spawnSync('kubectl', ['get', 'namespace', 'e2e-rabbitmq-prod'], { env: kubeEnv, encoding: 'utf8' }).status,
    ).not.toBe(0);
  }, 600_000);

  it('rotated admin credentials reach the state of every resource: destroy works after the old ones are revoked', async () => {
    // As docs/kubernetes.md says: the new admin exists on the broker first, then the stack switches to it.
    expect(
      (await api(`/users/${ROTATED}`, 'PUT', { password: ROTATED_PASSWORD, tags: 'administrator' })).status,
    ).toBeLessThan(300);
    for (const vhost of [`${PREFIX}shop`, `${PREFIX}ops`])
      await api(`/permissions/${enc(vhost)}/${ROTATED}`, 'PUT', { configure: '.*', write: '.*', read: '.*' });
    project.setConfig({ 'warren:managementUser': ROTATED });
    expectOk(
      await project.pulumiAsync('config', 'set', '--secret', 'warren:managementPassword', ROTATED_PASSWORD),
      'config set rotated password',
    );
    const up = expectOk(await project.pulumiAsync('up', '--yes', '--skip-preview'), 'up with rotated credentials');
    expect(up.output).not.toMatch(/replaced/);
    expect(statefulSet().metadata.uid).toBe(uid);
    expectOk(await project.pulumiAsync('preview', '--expect-no-changes'), 'preview after rotation');
    expect((await api(`/users/${ADMIN}`, 'DELETE')).status).toBeLessThan(300);
    expect(project.stateText()).not.toContain(ROTATED_PASSWORD);
  }, 900_000);

  it('destroy marks the cluster for deletion first (stopping nodes skip the quorum wait), then leaves nothing', async () => {
    expectOk(await project.pulumiAsync('destroy', '--yes', '--skip-preview'), 'destroy');
    expect(spawnSync('kubectl', ['get', 'namespace', NS], { env: kubeEnv, encoding: 'utf8' }).status).not.toBe(0);
    expect(
      kubectl(
        'get',
        'statefulsets,services,secrets,configmaps,pods,pvc',
        '-A',
        '-l',
        'app.kubernetes.io/name=rabbitmq',
        '-o',
        'name',
      ).trim(),
    ).toBe('');
    expect(
      (await api<{ name: string }[]>('/vhosts')).body.map((v) => v.name).filter((n) => n.startsWith(PREFIX)),
    ).toEqual([]);
    expect(
      (await api<{ name: string }[]>('/users')).body
        .map((u) => u.name)
        .filter((n) => n.startsWith(PREFIX) && n !== ROTATED),
    ).toEqual([]);
    // The broker standing in for the cluster outlives it here, so the marker the preStop hook reads can be seen.
    expect((await api<{ value: unknown }>(`/global-parameters/${DECOMMISSION}`)).body.value).toBe('true');
    expect(stateTypes(project).filter((t) => t !== 'pulumi:pulumi:Stack')).toEqual([]);
  }, 900_000);
});
