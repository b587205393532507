// The command line of scripts/k8s-cluster.sh: `up DIR [--real-pods]`,
// `down DIR`, `status DIR`; a mistake is exit 2 with the usage, and every
// failure one error line, never a stack trace.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { refusal } from './support/cluster-refusal.js';
import { parseArguments, resolveDir, USAGE } from '../../scripts/k8s/parse-arguments.js';
import { runClusterCommand } from '../../scripts/k8s/run-cluster-command.js';
import { makeFakeTier } from './support/fake-tier.js';

const dir = mkdtempSync(join(tmpdir(), 'warren-k8s-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseArguments', () => {
  it.each([
    [[]],
    [['up']],
    [['up', '']],
    [['start', '/tmp/x']],
    [['down', '/tmp/x', '--real-pods']],
    [['status', '/tmp/x', '--real-pods']],
    [['up', '/tmp/x', '--real']],
    [['up', '/tmp/x', '--real-pods', 'more']],
  ])('%j is a usage error (exit 2)', (argv) => {
    const error = refusal(() => parseArguments(argv));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(USAGE);
  });

  it('takes the three commands, --real-pods only with up', () => {
    expect(parseArguments(['up', '/tmp/a', '--real-pods'])).toEqual({ command: 'up', dir: '/tmp/a', realPods: true });
    expect(parseArguments(['down', '/tmp/a'])).toEqual({ command: 'down', dir: '/tmp/a', realPods: false });
    expect(parseArguments(['status', '/tmp/a/'])).toEqual({ command: 'status', dir: '/tmp/a', realPods: false });
  });

  it('refuses / (exit 1), however it is written', () => {
    for (const root of ['/', '/tmp/..', '//'])
      expect(refusal(() => parseArguments(['down', root])).message).toBe('refusing to use / as the cluster directory');
  });

  it('makes DIR absolute, resolving the symlinks of the part that exists', () => {
    const real = join(dir, 'real');
    mkdirSync(real);
    symlinkSync(real, join(dir, 'link'));
    expect(resolveDir('link/new/deeper', dir)).toBe(join(real, 'new', 'deeper'));
    expect(resolveDir('./x/../y', dir)).toBe(join(dir, 'y'));
    writeFileSync(join(dir, 'file'), '');
    expect(resolveDir('file/below', dir)).toBe(join(dir, 'file', 'below'));
  });
});

describe('runClusterCommand', () => {
  let stderr: MockInstance;
  const written = () => stderr.mock.calls.map((c) => String(c[0])).join('');
  beforeEach(() => {
    stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => stderr.mockRestore());

  it('checks the environment before the arguments', async () => {
    expect(await runClusterCommand(['nonsense'], { K8S_ETCD_PORT: '99999' })).toBe(2);
    expect(written()).toMatch(/^\[k8s-cluster\] error: K8S_ETCD_PORT must be/);
  });

  it('prints the usage for a bad command line', async () => {
    expect(await runClusterCommand(['up'], {})).toBe(2);
    expect(written()).toBe(`[k8s-cluster] error: ${USAGE}\n`);
  });

  it('down of a missing directory does nothing, exit 0', async () => {
    expect(await runClusterCommand(['down', join(dir, 'missing')], {})).toBe(0);
    expect(written()).toBe(`[k8s-cluster] ${join(dir, 'missing')}: nothing to stop\n`);
  });

  it('down never touches a directory it did not make', async () => {
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'keep'), 'data');
    expect(await runClusterCommand(['down', other], {})).toBe(1);
    expect(written()).toBe(
      `[k8s-cluster] error: ${other} is not a cluster directory made by this script (no .warren-k8s-cluster); not touching it\n`,
    );
    expect(readdirSync(other)).toEqual(['keep']);
  });

  it('down removes a cluster directory whose processes are gone', async () => {
    const stale = join(dir, 'stale');
    mkdirSync(join(stale, 'run'), { recursive: true });
    writeFileSync(join(stale, '.warren-k8s-cluster'), '');
    writeFileSync(join(stale, 'run', 'etcd.pid'), '999999999\n');
    expect(await runClusterCommand(['down', stale], {})).toBe(0);
    expect(existsSync(stale)).toBe(false);
  });

  it('status says why a cluster is not running', async () => {
    const half = join(dir, 'half');
    mkdirSync(join(half, 'run'), { recursive: true });
    writeFileSync(join(half, '.warren-k8s-cluster'), '');
    expect(await runClusterCommand(['status', half], {})).toBe(1);
    writeFileSync(join(half, 'ports.env'), 'ETCD_PORT=1\n');
    writeFileSync(join(half, 'run', 'etcd.pid'), 'not a pid\n');
    expect(await runClusterCommand(['status', half], {})).toBe(1);
    expect(written()).toBe(
      `[k8s-cluster] not running: ${half} has no ports.env (up did not finish)\n` +
        `[k8s-cluster] not running: ${join(half, 'run', 'etcd.pid')} holds "not a pid\\n", not a process id\n`,
    );
  });

  it('up looks for the tier before it touches the directory', async () => {
    const bin = join(dir, 'no-tier');
    expect(await runClusterCommand(['up', join(dir, 'untouched')], { WARREN_K8S_BIN: bin })).toBe(1);
    expect(written()).toBe(`[k8s-cluster] error: ${join(bin, 'etcd')} missing: run toolchain/install-k8s-tier.sh\n`);
    expect(existsSync(join(dir, 'untouched'))).toBe(false);
  });

  it('up refuses a directory that holds something else, and starts nothing', async () => {
    const full = join(dir, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'data'), '');
    const bin = makeFakeTier(join(dir, 'tier'));
    expect(await runClusterCommand(['up', full], { ...process.env, WARREN_K8S_BIN: bin })).toBe(1);
    expect(written()).toBe(`[k8s-cluster] error: ${full} exists and is not empty; choose a new directory\n`);
    expect(readdirSync(full)).toEqual(['data']);
  });
});
