// RabbitMQ on Kubernetes against a real API server: kube-apiserver,
// kube-controller-manager, kube-scheduler and etcd built from Go modules, with
// kwok's fake nodes making pods Ready and volumes Bound (scripts/k8s-cluster.sh).
// The objects are exactly those the program hands to @pulumi/kubernetes
// (cluster/cluster-manifests.ts, from a stack's warren:cluster); they are
// applied with kubectl, because the Pulumi Kubernetes provider plugin cannot be
// built here (its module is refused by the Go module proxy; README).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCluster } from '../../src/cluster/check-cluster.js';
import { clusterManifests } from '../../src/cluster/cluster-manifests.js';
import { compileCluster } from '../../src/cluster/compile-cluster.js';
import { ROOT } from './support/e2e-project.js';

const NS = 'e2e-rabbitmq';
const work = mkdtempSync(join(tmpdir(), 'warren-k8s-'));
const clusterDir = join(work, 'cluster');
let env: NodeJS.ProcessEnv = {};

function kubectl(...args: string[]): string {
  return execFileSync('kubectl', args, { env, encoding: 'utf8', timeout: 360_000 });
}

function json<T>(...args: string[]): T {
  return JSON.parse(kubectl(...args, '-o', 'json')) as T;
}

/** A stack's warren:cluster, checked and compiled as `pulumi up` does, as a kubectl-applicable list. */
function manifestsFile(replicas: number): string {
  const config = {
    namespace: NS, replicas, image: 'rabbitmq:4.1.6-management', storage: { size: '2Gi', storageClass: 'kwok-volume' },
    resources: { requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '512Mi' } }, terminationGracePeriodSeconds: 30,
    networkPolicy: { enabled: true, allowFrom: [{ namespaceSelector: { 'kubernetes.io/metadata.name': 'shop' } }] },
  };
  const checked = validateCluster('stack.yaml', config, true);
  expect(checked.diagnostics).toEqual([]);
  const items = clusterManifests(compileCluster(checked.cluster!), { password: 'generated-password-1', cookie: 'generated-cookie-1' }).map((m) => m.object);
  const file = join(work, `cluster-${replicas}.json`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return file;
}

function apply(file: string): void {
  kubectl('apply', '--server-side', '--field-manager=warren', '-f', file);
  kubectl('-n', NS, 'rollout', 'status', 'statefulset/rabbitmq', '--timeout=300s');
}

beforeAll(() => {
  const up = spawnSync('bash', [join(ROOT, 'scripts/k8s-cluster.sh'), 'up', clusterDir], { encoding: 'utf8', timeout: 300_000 });
  if (up.status !== 0) throw new Error(`k8s-cluster.sh up failed:\n${up.stderr.slice(-3000)}`);
  const exports = Object.fromEntries([...up.stdout.matchAll(/^export (\w+)="?([^"\n]*)"?$/gm)].map((m) => [m[1]!, m[2]!.replace('$PATH', process.env.PATH ?? '')]));
  env = { ...process.env, ...exports };
}, 600_000);

afterAll(() => {
  spawnSync('bash', [join(ROOT, 'scripts/k8s-cluster.sh'), 'down', clusterDir], { timeout: 120_000 });
});

describe('RabbitMQ on Kubernetes (real API server, kwok nodes)', () => {
  let secretsBefore = '';
  let uid = '';

  it('the API server accepts every object, and the StatefulSet becomes ready with its volumes bound', () => {
    apply(manifestsFile(3));
    const sts = json<{ metadata: { uid: string }; spec: { replicas: number; volumeClaimTemplates: { spec: object }[] }; status: { readyReplicas: number } }>('-n', NS, 'get', 'statefulset', 'rabbitmq');
    uid = sts.metadata.uid;
    expect(sts.spec.replicas).toBe(3);
    expect(sts.status.readyReplicas).toBe(3);
    expect(sts.spec.volumeClaimTemplates[0]!.spec).toMatchObject({ resources: { requests: { storage: '2Gi' } }, storageClassName: 'kwok-volume' });
    const pods = json<{ items: { spec: { nodeName: string }; status: { conditions: { type: string; status: string }[] } }[] }>('-n', NS, 'get', 'pods', '-l', 'app.kubernetes.io/name=rabbitmq');
    expect(pods.items).toHaveLength(3);
    for (const p of pods.items) expect(p.status.conditions.find((c) => c.type === 'Ready')?.status).toBe('True');
    // Preferred anti-affinity spreads the three nodes over the three fake nodes.
    expect(new Set(pods.items.map((p) => p.spec.nodeName)).size).toBe(3);
    const pvcs = json<{ items: { status: { phase: string } }[] }>('-n', NS, 'get', 'pvc');
    expect(pvcs.items.map((p) => p.status.phase)).toEqual(['Bound', 'Bound', 'Bound']);
    const names = kubectl('-n', NS, 'get', 'serviceaccount,role,rolebinding,configmap,secret,service,poddisruptionbudget,networkpolicy', '-l', 'app.kubernetes.io/name=rabbitmq', '-o', 'name').trim().split('\n').sort();
    expect(names.map((n) => n.split('/')[0])).toEqual(['configmap', 'networkpolicy.networking.k8s.io', 'poddisruptionbudget.policy', 'role.rbac.authorization.k8s.io',
      'rolebinding.rbac.authorization.k8s.io', 'secret', 'secret', 'service', 'service', 'serviceaccount']);
    const services = json<{ items: { spec: { clusterIP: string; ports: { port: number }[] } }[] }>('-n', NS, 'get', 'services');
    expect(services.items.find((s) => s.spec.clusterIP !== 'None')!.spec.ports.map((p) => p.port).sort()).toEqual([15672, 15692, 5672]);
    expect(json<{ status: { currentHealthy: number } }>('-n', NS, 'get', 'pdb', 'rabbitmq').status.currentHealthy).toBe(3);
    secretsBefore = kubectl('-n', NS, 'get', 'secrets', '-l', 'app.kubernetes.io/name=rabbitmq', '-o', 'jsonpath={.items[*].data}');
    expect(secretsBefore).toContain(Buffer.from('generated-cookie-1').toString('base64'));
  }, 600_000);

  it('a replica change is an in-place update: same StatefulSet, same secrets, 5 ready nodes', () => {
    apply(manifestsFile(5));
    const sts = json<{ metadata: { uid: string }; status: { readyReplicas: number } }>('-n', NS, 'get', 'statefulset', 'rabbitmq');
    expect(sts.metadata.uid).toBe(uid);
    expect(sts.status.readyReplicas).toBe(5);
    expect(kubectl('-n', NS, 'get', 'secrets', '-l', 'app.kubernetes.io/name=rabbitmq', '-o', 'jsonpath={.items[*].data}')).toBe(secretsBefore);
  }, 600_000);

  it('deleting the objects leaves nothing', () => {
    kubectl('delete', '-f', join(work, 'cluster-5.json'), '--wait=true', '--timeout=300s');
    expect(spawnSync('kubectl', ['get', 'namespace', NS], { env, encoding: 'utf8' }).status).not.toBe(0);
    expect(kubectl('get', 'statefulsets,services,secrets,configmaps,pods', '-A', '-l', 'app.kubernetes.io/name=rabbitmq', '-o', 'name').trim()).toBe('');
  }, 600_000);
});
