// scripts/k8s-cluster.sh decides "a component exited" with pid_of. Right after a
// start the new process is still a fork of the script, or in the middle of an
// execve (empty cmdline); read then, the old pid_of said "exited" in ~4 % of
// starts, and a CI run failed with "kube-scheduler exited while waiting" while the
// scheduler was running. This test runs the script's own pid_of (cut out of the
// script, not copied) against many fresh starts, and against real exits.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const script = readFileSync(join(ROOT, 'scripts/k8s-cluster.sh'), 'utf8');
const pidOf = /^pid_of\(\) \{\n[\s\S]*?\n\}\n/m.exec(script)?.[0];
const dir = mkdtempSync(join(tmpdir(), 'warren-pid-of-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` in bash with DIR set and the script's pid_of defined; returns stdout. */
function bash(body: string): string {
  const run = spawnSync('bash', ['-c', `set -u\nDIR=${JSON.stringify(dir)}\nmkdir -p "$DIR/run"\n${pidOf}\n${body}`], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

describe('k8s-cluster.sh pid_of', () => {
  it('is in the script', () => {
    expect(pidOf).toBeDefined();
  });

  it('finds every component started the way `start` starts it, however soon it is asked', () => {
    // The same launch as `start`: setsid, in the background, pid file from $!.
    const out = bash(`
      missed=0
      for i in $(seq 1 400); do
        setsid /bin/sh -c 'sleep 3' component "$DIR/logs" </dev/null >/dev/null 2>&1 &
        echo $! >"$DIR/run/c.pid"
        pid_of c >/dev/null || missed=$((missed + 1))
      done
      echo "missed=$missed"
      kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; true`);
    expect(out.trim()).toBe('missed=0');
  });

  it("says not running for an exited component, a zombie, and a pid that is not this cluster's", () => {
    const out = bash(`
      setsid /bin/sh -c 'exit 0' component "$DIR" </dev/null >/dev/null 2>&1 &
      echo $! >"$DIR/run/exited.pid"
      # Not reaped while this shell sleeps in a foreground command: a zombie for a while.
      sleep 0.5
      pid_of exited && echo "exited: found" || echo "exited: not running"
      sleep 5 &
      echo $! >"$DIR/run/foreign.pid"
      sleep 0.3
      pid_of foreign && echo "foreign: found" || echo "foreign: not running"
      echo 999999999 >"$DIR/run/gone.pid"
      pid_of gone && echo "gone: found" || echo "gone: not running"
      kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; true`);
    expect(out.trim().split('\n')).toEqual(['exited: not running', 'foreign: not running', 'gone: not running']);
  });
});
