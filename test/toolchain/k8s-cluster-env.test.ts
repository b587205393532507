// scripts/k8s-cluster.sh (and the k8s-node.sh it sources) read numbers from the
// environment (node and volume counts, first ports) and use them in bash
// arithmetic, which evaluates a variable's text as an expression: a value such
// as `a[$(touch FILE)]` would run the command. Each is checked as digits, in
// range, before the script does anything; a bad one is exit 2 naming it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'warren-k8s-env-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `k8s-cluster.sh status` of a directory holding no cluster, with `env` added. */
function status(env: Record<string, string>) {
  return spawnSync('bash', [join(ROOT, 'scripts/k8s-cluster.sh'), 'status', join(dir, 'none')], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
}

describe('k8s-cluster.sh environment numbers', () => {
  it.each([
    ['K8S_FAKE_NODES', 'a[$(touch MARKER)]'],
    ['K8S_VOLUMES', 'x[$(touch MARKER)]'],
    ['K8S_APISERVER_PORT', '$(touch MARKER)'],
    ['K8S_ETCD_PORT', '70000'],
    ['K8S_KUBELET_PORT', '08080'],
    ['K8S_FAKE_NODES', '-1'],
  ])('%s=%s is refused, exit 2, naming it, and never evaluated', (name, value) => {
    const marker = join(dir, `marker-${name}`);
    const run = status({ [name]: value.replace('MARKER', marker) });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      new RegExp(`^\\[k8s-cluster\\] error: ${name} must be a whole number from \\d+ to \\d+`, 'm'),
    );
    expect(existsSync(marker)).toBe(false);
  });

  it('numbers in range pass the check', () => {
    const run = status({ K8S_FAKE_NODES: '2', K8S_ETCD_PORT: '24000', K8S_VOLUMES: '' });
    expect(run.stderr).not.toMatch(/must be a whole number/);
    expect(run.status).not.toBe(2);
  });
});
