// The readiness polls of up (waitFor): a deadline on the whole wait and on
// each check, an early failure when a component exited (with its log's end),
// and a relaunch when it exited because its port was taken.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { type Cluster, newCluster } from '../../scripts/k8s/cluster.js';
import { ClusterError } from '../../scripts/k8s/log.js';
import { readSettings } from '../../scripts/k8s/read-env-numbers.js';
import { MAX_RELAUNCHES } from '../../scripts/k8s/relaunch-component.js';
import { type Clock, waitFor } from '../../scripts/k8s/wait-for.js';

const base = mkdtempSync(join(tmpdir(), 'warren-wait-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;

/** A cluster directory and a /proc fixture in which `running` components run (pid 1000 + their index). */
function fixture(running: string[] = []) {
  const dir = join(base, `c${++n}`);
  const procRoot = join(base, `proc${n}`);
  mkdirSync(join(dir, 'run'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const cluster = newCluster(dir, false, readSettings({}));
  const run = (name: string, pid: number) => {
    mkdirSync(join(procRoot, String(pid)), { recursive: true });
    writeFileSync(join(procRoot, String(pid), 'cmdline'), `/bin/${name}\0--dir\0${dir}/x\0`);
    writeFileSync(join(procRoot, String(pid), 'stat'), `${pid} (${name}) S 1`);
    writeFileSync(join(dir, 'run', `${name}.pid`), `${pid}\n`);
  };
  for (const [i, name] of running.entries()) run(name, 1000 + i);
  return { cluster, dir, procRoot, run };
}

/** A clock that only moves when slept on. */
function fakeClock(): Clock & { slept: number } {
  const clock = {
    time: 0,
    slept: 0,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.time += ms;
      clock.slept++;
    },
  };
  return clock;
}

async function failure(run: Promise<unknown>): Promise<ClusterError> {
  const error = await run.catch((e: unknown) => e);
  if (!(error instanceof ClusterError)) throw new Error(`expected a ClusterError, got ${String(error)}`);
  return error;
}

let stderr: MockInstance;
const written = () => stderr.mock.calls.map((c) => String(c[0])).join('');
beforeEach(() => {
  stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => stderr.mockRestore());

describe('waitFor', () => {
  it('returns as soon as the check passes', async () => {
    const { cluster, procRoot } = fixture(['etcd']);
    const clock = fakeClock();
    let calls = 0;
    await waitFor(cluster, 'etcd', 60, async () => ++calls === 3, { clock, proc: { procRoot, selfCmdline: '' } });
    expect(calls).toBe(3);
    expect(clock.slept).toBe(2);
  });

  it('times out at its deadline, naming what it waited for and where the logs are', async () => {
    const { cluster, dir, procRoot } = fixture(['etcd']);
    const clock = fakeClock();
    const error = await failure(
      waitFor(cluster, 'kube-apiserver /readyz', 5, async () => false, {
        clock,
        pollMs: 500,
        proc: { procRoot, selfCmdline: '' },
      }),
    );
    expect(error.message).toBe(`timed out after 5s waiting for kube-apiserver /readyz (logs: ${dir}/logs)`);
    expect(clock.slept).toBe(10);
  });

  it('counts a check that never answers as not passed, and still meets the deadline', async () => {
    const { cluster, procRoot } = fixture();
    const started = Date.now();
    const error = await failure(
      waitFor(cluster, 'a hung check', 0.3, () => new Promise<boolean>(() => undefined), {
        pollMs: 10,
        checkTimeoutMs: 50,
        proc: { procRoot, selfCmdline: '' },
      }),
    );
    expect(error.message).toMatch(/^timed out after 0.3s waiting for a hung check/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('fails at once when a started component exited, with the end of its log', async () => {
    const { cluster, dir, procRoot } = fixture(['etcd']);
    writeFileSync(join(dir, 'run', 'kube-apiserver.pid'), '4242\n');
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
    writeFileSync(join(dir, 'logs', 'kube-apiserver.log'), `${lines.join('\n')}\n`);
    const clock = fakeClock();
    const error = await failure(
      waitFor(cluster, 'kube-apiserver /readyz', 120, async () => false, {
        clock,
        proc: { procRoot, selfCmdline: '' },
      }),
    );
    expect(error.message).toBe(
      `kube-apiserver exited while waiting for kube-apiserver /readyz (log: ${dir}/logs/kube-apiserver.log)`,
    );
    expect(clock.slept).toBe(0);
    expect(written()).toBe(`${lines.slice(-30).join('\n')}\n`);
  });

  it('starts a component again when its port was taken, keeping the failed log', async () => {
    const { cluster, dir, procRoot, run } = fixture();
    const log = join(dir, 'logs', 'etcd.log');
    writeFileSync(join(dir, 'run', 'etcd.pid'), '4242\n');
    writeFileSync(log, 'listen tcp 127.0.0.1:23791: bind: address already in use\n');
    let launches = 0;
    cluster.launchers.set('etcd', async () => {
      launches++;
      writeFileSync(log, 'serving\n');
      run('etcd', 2000);
    });
    let calls = 0;
    await waitFor(cluster, 'etcd', 60, async () => ++calls === 2, {
      clock: fakeClock(),
      proc: { procRoot, selfCmdline: '' },
    });
    expect(launches).toBe(1);
    expect(cluster.relaunches.get('etcd')).toBe(1);
    expect(readFileSync(join(dir, 'logs', 'etcd.port-taken.1.log'), 'utf8')).toMatch(/address already in use/);
    expect(written()).toBe(
      '[k8s-cluster] etcd: 127.0.0.1:23791 was taken before it could bind; starting it again on another port\n',
    );
  });

  it(`gives up after ${MAX_RELAUNCHES} relaunches`, async () => {
    const { cluster, dir, procRoot } = fixture();
    writeFileSync(join(dir, 'run', 'kube-scheduler.pid'), '4242\n');
    writeFileSync(join(dir, 'logs', 'kube-scheduler.log'), 'bind: address already in use\n');
    let launches = 0;
    cluster.launchers.set('kube-scheduler', async () => {
      launches++;
    });
    const error = await failure(
      waitFor(cluster, 'kube-scheduler /healthz', 60, async () => false, {
        clock: fakeClock(),
        proc: { procRoot, selfCmdline: '' },
      }),
    );
    expect(launches).toBe(MAX_RELAUNCHES);
    expect(error.message).toMatch(/^kube-scheduler exited while waiting for kube-scheduler \/healthz/);
    expect(existsSync(join(dir, 'logs', `kube-scheduler.port-taken.${MAX_RELAUNCHES}.log`))).toBe(true);
  });

  it('does not start again a component that exited for another reason', async () => {
    const { cluster, dir, procRoot } = fixture();
    writeFileSync(join(dir, 'run', 'etcd.pid'), '4242\n');
    writeFileSync(join(dir, 'logs', 'etcd.log'), 'panic: corrupt data\n');
    let launches = 0;
    cluster.launchers.set('etcd', async () => {
      launches++;
    });
    await failure(
      waitFor(cluster, 'etcd', 60, async () => false, { clock: fakeClock(), proc: { procRoot, selfCmdline: '' } }),
    );
    expect(launches).toBe(0);
  });
});

// The cluster type is what waitFor reads; a component list with kwok (not the real node's) is the default mode's.
it('a default-mode cluster waits on the control plane and kwok', () => {
  const c: Cluster = newCluster('/tmp/x', false, readSettings({}));
  expect(c.components).toEqual(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']);
  expect(newCluster('/tmp/x', true, readSettings({})).components).toEqual([
    'etcd',
    'kube-apiserver',
    'kube-controller-manager',
    'kube-scheduler',
    'containerd',
    'coredns',
    'apiserver-forward',
    'kubelet',
    'kube-proxy',
  ]);
});
