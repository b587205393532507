// Whether a component of a cluster still runs, from its pid file and /proc.
//
// A pid counts only while its command line names the cluster's directory, so a
// recycled pid is never taken for a component. Right after a start, the process
// may still be on its way (a fork of the starter, then the component's execve):
// for a moment its /proc/PID/cmdline is the starter's own, or empty during the
// execve. Read then, it looked like an exit in 4 % of starts measured with the
// shell version of this, and failed a CI run; so those two readings are retried
// (for about a second), and only a gone pid, a zombie or another command line
// count as not running.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pidFile } from './cluster.js';
import { fail } from './log.js';

export interface ProcOptions {
  /** Where /proc is (a fixture in tests). */
  readonly procRoot?: string;
  /** This process's command line, NUL-separated; read from procRoot/self when not given. */
  readonly selfCmdline?: string;
  readonly sleep?: (ms: number) => Promise<unknown>;
}

const TRIES = 50;
const RETRY_MS = 20;

/** The pid in `dir`'s pid file of `name`; undefined when there is none. A file holding anything else stops. */
export function readPidFile(dir: string, name: string): number | undefined {
  const file = pidFile(dir, name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  const pid = text.trim();
  if (!/^[1-9][0-9]{0,9}$/.test(pid)) fail(`${file} holds ${JSON.stringify(text)}, not a process id`);
  return Number(pid);
}

/** A /proc file's text, or undefined when the process is gone. */
async function readProc(procRoot: string, pid: number | 'self', file: string): Promise<string | undefined> {
  try {
    return await readFile(join(procRoot, String(pid), file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw error;
  }
}

/** The state letter of /proc/PID/stat: after the last `)`, since the command name may hold one. */
export function stateOf(stat: string): string {
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** Whether an argument names `dir` or a path below it. */
export function namesDir(cmdline: string, dir: string): boolean {
  return cmdline.split('\0').some((arg) => arg === dir || arg.endsWith(`=${dir}`) || arg.includes(`${dir}/`));
}

/** The pid of `name`, a component of the cluster in `dir`, when it still runs. */
export async function findPid(dir: string, name: string, options: ProcOptions = {}): Promise<number | undefined> {
  const pid = readPidFile(dir, name);
  if (pid === undefined) return undefined;
  const procRoot = options.procRoot ?? '/proc';
  const pause = options.sleep ?? sleep;
  const self = options.selfCmdline ?? (await readProc(procRoot, 'self', 'cmdline'));
  for (let tries = 0; tries < TRIES; tries++) {
    const cmdline = await readProc(procRoot, pid, 'cmdline');
    if (cmdline === undefined) return undefined;
    if (cmdline !== '' && cmdline !== self) return namesDir(cmdline, dir) ? pid : undefined;
    const stat = await readProc(procRoot, pid, 'stat');
    if (stat === undefined || ['Z', 'X'].includes(stateOf(stat))) return undefined;
    await pause(RETRY_MS);
  }
  return undefined;
}

/** Whether `pid` is a process that has not exited (a zombie has). */
export async function isAlive(pid: number, procRoot = '/proc'): Promise<boolean> {
  const stat = await readProc(procRoot, pid, 'stat');
  return stat !== undefined && !['Z', 'X'].includes(stateOf(stat));
}
