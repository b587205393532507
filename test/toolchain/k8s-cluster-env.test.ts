// scripts/k8s-cluster.sh reads numbers from the environment (node and volume
// counts, the ports each search starts from) and a volume size. Each is checked
// before anything runs: a bad one is exit 2 naming it, with nothing started and
// nothing evaluated (the shell version used bash arithmetic, which runs
// `a[$(cmd)]`; the values are still refused as text, before any use).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { refusal } from './support/cluster-refusal.js';
import { PORT_TRIES } from '../../scripts/k8s/pick-port.js';
import { ENV_NUMBERS, readEnvNumbers, readSettings } from '../../scripts/k8s/read-env-numbers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'warren-k8s-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readEnvNumbers', () => {
  it('gives the documented defaults for unset and empty values', () => {
    const numbers = readEnvNumbers({ K8S_VOLUMES: '' });
    expect(numbers).toMatchObject({
      K8S_FAKE_NODES: 3,
      K8S_VOLUMES: 10,
      K8S_ETCD_PORT: 23791,
      K8S_ETCD_PEER_PORT: 23891,
      K8S_APISERVER_PORT: 64431,
      K8S_KCM_PORT: 64441,
      K8S_SCHEDULER_PORT: 64451,
      K8S_KUBELET_PORT: 10250,
      K8S_KUBELET_HEALTHZ_PORT: 10248,
      K8S_PROXY_HEALTHZ_PORT: 10256,
      K8S_PROXY_METRICS_PORT: 10249,
    });
  });

  it('takes values in range, the bounds included', () => {
    expect(readEnvNumbers({ K8S_FAKE_NODES: '0', K8S_ETCD_PORT: '24000', K8S_VOLUMES: '1000' })).toMatchObject({
      K8S_FAKE_NODES: 0,
      K8S_ETCD_PORT: 24000,
      K8S_VOLUMES: 1000,
    });
    expect(readEnvNumbers({ K8S_APISERVER_PORT: String(65535 - PORT_TRIES) }).K8S_APISERVER_PORT).toBe(65485);
  });

  it.each([
    ['K8S_FAKE_NODES', 'a[$(touch /tmp/x)]'],
    ['K8S_VOLUMES', 'x[$(touch /tmp/x)]'],
    ['K8S_APISERVER_PORT', '$(touch /tmp/x)'],
    ['K8S_ETCD_PORT', '70000'],
    ['K8S_ETCD_PORT', '65486'],
    ['K8S_KUBELET_PORT', '08080'],
    ['K8S_KUBELET_PORT', '0'],
    ['K8S_FAKE_NODES', '-1'],
    ['K8S_FAKE_NODES', '101'],
    ['K8S_FAKE_NODES', ' 3'],
    ['K8S_VOLUMES', '1e3'],
    ['K8S_PROXY_METRICS_PORT', '0x2000'],
  ])('%s=%s is refused with exit 2, naming it and its range', (name, value) => {
    const error = refusal(() => readEnvNumbers({ [name]: value }));
    expect(error.exitCode).toBe(2);
    const spec = ENV_NUMBERS[name as keyof typeof ENV_NUMBERS];
    expect(error.message).toBe(
      `${name} must be a whole number from ${spec.min} to ${spec.max}, not ${JSON.stringify(value)}`,
    );
  });

  it('checks the volume size as a quantity', () => {
    expect(readSettings({}).volumeSize).toBe('10Gi');
    expect(readSettings({ K8S_VOLUME_SIZE: '500Mi' }).volumeSize).toBe('500Mi');
    for (const bad of ['10 Gi', '1.5Gi', '$(id)', 'Gi', '0'])
      expect(refusal(() => readSettings({ K8S_VOLUME_SIZE: bad })).message).toMatch(/^K8S_VOLUME_SIZE must be/);
  });
});

/** `scripts/k8s-cluster.sh ARGS`, as the tests and people run it (through the built program). */
function script(args: string[], env: Record<string, string> = {}, path = join(ROOT, 'scripts/k8s-cluster.sh')) {
  return spawnSync('bash', [path, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

describe('scripts/k8s-cluster.sh, the entry point', () => {
  it('refuses a bad number with exit 2 before anything else, starting nothing', () => {
    const target = join(dir, 'never');
    const run = script(['up', target], { K8S_FAKE_NODES: 'a[$(touch MARKER)]' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^\[k8s-cluster\] error: K8S_FAKE_NODES must be a whole number from 0 to 100, not /m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(target)).toBe(false);
    expect(run.stdout).toBe('');
  });

  it('says not running, exit 1, for a directory without a cluster', () => {
    const run = script(['status', join(dir, 'none')], { K8S_FAKE_NODES: '2', K8S_ETCD_PORT: '24000' });
    expect(run.stderr).toBe(`[k8s-cluster] not running: no cluster in ${join(dir, 'none')}\n`);
    expect(run.status).toBe(1);
  });

  it('says how to build when the compiled program is missing', () => {
    const copy = join(dir, 'clone');
    mkdirSync(join(copy, 'scripts'), { recursive: true });
    copyFileSync(join(ROOT, 'scripts/k8s-cluster.sh'), join(copy, 'scripts/k8s-cluster.sh'));
    const run = script(['status', join(dir, 'none')], {}, join(copy, 'scripts/k8s-cluster.sh'));
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `[k8s-cluster] error: ${copy}/dist/scripts/k8s/k8s-cluster.js is missing: run npm run build (or scripts/setup.sh) first\n`,
    );
    expect(readdirSync(copy)).toEqual(['scripts']);
  });
});
