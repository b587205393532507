// Starts a component in its own session (detached: setsid), so that it outlives
// this command and a signal to the terminal's process group does not reach it.
// Its output goes to DIR/logs/NAME.log, its pid to DIR/run/NAME.pid.
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { type Cluster, logFile, pidFile } from './cluster.js';
import { fail, log } from './log.js';

export function startComponent(cluster: Cluster, name: string, argv: readonly string[]): number {
  if (cluster.aborted) fail(`not starting ${name}: stopping`);
  const [command, ...args] = argv;
  if (command === undefined) throw new Error(`no command for ${name}`);
  log(`starting ${name}`);
  return startDetached(command, args, logFile(cluster, name), pidFile(cluster.dir, name));
}

/** `command` detached, output to `logPath`, pid written to `pidPath`; the pid. */
export function startDetached(command: string, args: readonly string[], logPath: string, pidPath: string): number {
  const out = openSync(logPath, 'w');
  try {
    // Node's spawn returns once the execve has happened (or failed), so the
    // pid file never names a process that is still this one's fork.
    const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out] });
    // A failed spawn also emits 'error'; the missing pid already says it.
    child.on('error', () => undefined);
    if (child.pid === undefined) fail(`cannot start ${command}: not found or not executable`);
    child.unref();
    writeFileSync(pidPath, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(out);
  }
}
