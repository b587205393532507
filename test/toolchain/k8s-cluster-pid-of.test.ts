// scripts/k8s/find-pid.ts decides "a component exited". Right after a start,
// a new process may still be a fork of its starter, or in the middle of an
// execve (empty cmdline); read then, the shell version said "exited" in ~4 %
// of starts, and a CI run failed with "kube-scheduler exited while waiting"
// while the scheduler ran. These tests drive findPid through those readings
// with a /proc fixture, then run it against many real fresh starts (made the
// way startComponent makes them) and real exits.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findPid, isAlive, namesDir, stateOf } from '../../scripts/k8s/find-pid.js';
import { ClusterError } from '../../scripts/k8s/log.js';
import { startDetached } from '../../scripts/k8s/start-component.js';

const base = mkdtempSync(join(tmpdir(), 'warren-pid-of-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const DIR = join(base, 'cluster');
const PROC = join(base, 'proc');
mkdirSync(join(DIR, 'run'), { recursive: true });
mkdirSync(join(DIR, 'logs'), { recursive: true });
const SELF = 'node\0/repo/dist/scripts/k8s/k8s-cluster.js\0up\0';

/** A /proc/PID fixture: its cmdline (argv joined by NULs) and its state letter. */
function proc(pid: number, argv: string[] | string, state = 'S'): void {
  mkdirSync(join(PROC, String(pid)), { recursive: true });
  writeFileSync(join(PROC, String(pid), 'cmdline'), typeof argv === 'string' ? argv : `${argv.join('\0')}\0`);
  writeFileSync(join(PROC, String(pid), 'stat'), `${pid} (comp) ${state} 1 ${pid} ${pid} 0 -1`);
}

function pidFile(name: string, text: string): void {
  writeFileSync(join(DIR, 'run', `${name}.pid`), text);
}

/** findPid with the fixture; `onSleep` runs at each retry (the process moving on), and the retries are counted. */
async function find(name: string, onSleep: (n: number) => void = () => undefined) {
  let sleeps = 0;
  const pid = await findPid(DIR, name, {
    procRoot: PROC,
    selfCmdline: SELF,
    sleep: async () => {
      onSleep(++sleeps);
    },
  });
  return { pid, sleeps };
}

describe('findPid on /proc fixtures', () => {
  it('finds a process whose command line names the directory, at once', async () => {
    proc(101, ['/bin/etcd', '--data-dir', join(DIR, 'etcd')]);
    pidFile('etcd', '101\n');
    expect(await find('etcd')).toEqual({ pid: 101, sleeps: 0 });
  });

  it("says not running for a pid that is another cluster's, even one whose directory starts the same", async () => {
    proc(102, ['/bin/etcd', '--data-dir', `${DIR}2/etcd`]);
    pidFile('other', '102');
    expect(await find('other')).toEqual({ pid: undefined, sleeps: 0 });
  });

  it('says not running for a missing pid file and a gone pid', async () => {
    expect((await find('never-started')).pid).toBeUndefined();
    pidFile('gone', '103');
    expect(await find('gone')).toEqual({ pid: undefined, sleeps: 0 });
  });

  it('waits through an empty command line (an execve under way) until the component shows', async () => {
    proc(104, '');
    pidFile('execing', '104');
    const found = await find('execing', (n) => {
      if (n === 3) proc(104, ['/bin/kube-scheduler', '--kubeconfig', join(DIR, 'kube-scheduler.kubeconfig')]);
    });
    expect(found).toEqual({ pid: 104, sleeps: 3 });
  });

  it("waits through the starter's own command line (a fork not yet exec'd)", async () => {
    proc(105, SELF);
    pidFile('forked', '105');
    const found = await find('forked', (n) => {
      if (n === 2) proc(105, ['/bin/kwok', '--kubeconfig', join(DIR, 'kwok.kubeconfig')]);
    });
    expect(found).toEqual({ pid: 105, sleeps: 2 });
  });

  it('says not running for a zombie at once, and for a process that never shows its command line after ~50 tries', async () => {
    proc(106, '', 'Z');
    pidFile('zombie', '106');
    expect(await find('zombie')).toEqual({ pid: undefined, sleeps: 0 });
    proc(107, '');
    pidFile('stuck', '107');
    expect(await find('stuck')).toEqual({ pid: undefined, sleeps: 50 });
  });

  it('stops with a clear error for a pid file that holds no pid', async () => {
    pidFile('garbled', '12ab\n');
    const error = await findPid(DIR, 'garbled', { procRoot: PROC, selfCmdline: SELF }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as Error).message).toBe(`${join(DIR, 'run', 'garbled.pid')} holds "12ab\\n", not a process id`);
  });

  it('reads the state after the last parenthesis (a command name may hold one)', () => {
    expect(stateOf('42 (a) b) Z 1 42')).toBe('Z');
    expect(stateOf('42 (kube-apiserver) S 1 42')).toBe('S');
  });

  it('matches the directory as a path, in any argument form', () => {
    expect(namesDir(`x\0--config=${DIR}\0`, DIR)).toBe(true);
    expect(namesDir(`x\0-L\0${DIR}/run/lock\0`, DIR)).toBe(true);
    expect(namesDir(`x\0${DIR}\0`, DIR)).toBe(true);
    expect(namesDir(`x\0${DIR}-old/run\0`, DIR)).toBe(false);
  });
});

describe('findPid on real processes', () => {
  it('finds every component started the way startComponent starts it, however soon it is asked', async () => {
    const pids: number[] = [];
    let missed = 0;
    try {
      for (let i = 0; i < 400; i++) {
        const pid = startDetached(
          '/bin/sh',
          ['-c', 'sleep 3', 'component', join(DIR, 'logs')],
          join(DIR, 'logs', 'c.log'),
          join(DIR, 'run', 'c.pid'),
        );
        pids.push(pid);
        if ((await findPid(DIR, 'c')) !== pid) missed++;
      }
    } finally {
      for (const pid of pids) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    expect(missed).toBe(0);
  }, 60_000);

  it("says not running for an exited component, a pid that is not this cluster's, and a gone one", async () => {
    const exited = startDetached(
      '/bin/sh',
      ['-c', 'exit 0', 'component', DIR],
      join(DIR, 'logs', 'e.log'),
      join(DIR, 'run', 'exited.pid'),
    );
    for (let i = 0; i < 100 && (await isAlive(exited)); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await findPid(DIR, 'exited')).toBeUndefined();

    const foreign = startDetached('/bin/sleep', ['5'], join(DIR, 'logs', 'f.log'), join(DIR, 'run', 'foreign.pid'));
    try {
      expect(await isAlive(foreign)).toBe(true);
      expect(await findPid(DIR, 'foreign')).toBeUndefined();
    } finally {
      process.kill(foreign, 'SIGKILL');
    }
    pidFile('gone', '999999999');
    expect(await findPid(DIR, 'gone')).toBeUndefined();
  });
});
