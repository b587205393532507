// Where a `pulumi` run's time and memory go, process by process: the command
// runs as a child, and every 50 ms its process tree is read from /proc (each
// process's CPU time and resident memory, and what it is from its command
// line). The CLI and the engine are one Go process; the language host, the
// program, the dynamic-provider host and the rabbitmq provider are others.
// CPU time is the last sample of each process (up to 50 ms short of its
// exit); memory is the largest sum, over all processes, of one sample.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const PROCESS_KINDS = [
  'pulumi CLI and engine',
  'language host',
  'program',
  'dynamic-provider host',
  'rabbitmq provider',
  'other',
] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];

export interface SampledRun {
  readonly code: number | null;
  readonly output: string;
  readonly seconds: number;
  /** CPU seconds (user + system) by kind of process. */
  readonly cpu: Record<ProcessKind, number>;
  /** The largest resident memory of all the run's processes together, in one sample (MiB). */
  readonly peakMiB: number;
  /** The largest resident memory of each kind of process, in any sample (MiB). */
  readonly peakByKind: Record<ProcessKind, number>;
}

const TICKS = 100; // USER_HZ: /proc reports CPU time in these on Linux
const PAGE = 4096;

function kindOf(cmdline: string): ProcessKind {
  if (/dynamic-provider/.test(cmdline)) return 'dynamic-provider host';
  if (/pulumi-resource-rabbitmq/.test(cmdline)) return 'rabbitmq provider';
  if (/pulumi-language-nodejs/.test(cmdline)) return 'language host';
  if (/@pulumi\/pulumi\/cmd\/run|run-plugin|\/cmd\/run\b/.test(cmdline)) return 'program';
  if (/(^|\/)pulumi(\0|$)/.test(cmdline)) return 'pulumi CLI and engine';
  return 'other';
}

/** Each process of the tree under `root`: its CPU seconds and resident MiB now, and what it is. */
function readTree(root: number): Map<number, { cpu: number; rssMiB: number; cmdline: string }> {
  const parent = new Map<number, number>();
  const stats = new Map<number, { cpu: number; rssMiB: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command (which may hold spaces), from the state on: ppid is the 2nd, utime 12th, stime 13th, rss 22nd.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(f[1]));
      stats.set(Number(entry), {
        cpu: (Number(f[11]) + Number(f[12])) / TICKS,
        rssMiB: (Number(f[21]) * PAGE) / 2 ** 20,
      });
    } catch {
      // gone between the listing and the read
    }
  }
  const tree = new Map<number, { cpu: number; rssMiB: number; cmdline: string }>();
  const inTree = (pid: number): boolean => {
    for (let p = pid, depth = 0; p > 1 && depth < 64; p = parent.get(p) ?? 0, depth++) if (p === root) return true;
    return false;
  };
  for (const [pid, s] of stats) {
    if (!inTree(pid)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    tree.set(pid, { ...s, cmdline });
  }
  return tree;
}

/** Runs the command, sampling its process tree; resolves when it exits. */
export function runSampled(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<SampledRun> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    const seen = new Map<number, { cpu: number; kind: ProcessKind }>();
    let peakMiB = 0;
    const peakByKind = Object.fromEntries(PROCESS_KINDS.map((k) => [k, 0])) as Record<ProcessKind, number>;
    const sample = () => {
      if (child.pid === undefined) return;
      const tree = readTree(child.pid);
      let rss = 0;
      for (const [pid, p] of tree) {
        rss += p.rssMiB;
        // An exited process (a zombie until reaped) has no command line: it keeps the kind it had.
        const was = seen.get(pid)?.kind;
        const kind = was !== undefined && was !== 'other' ? was : kindOf(p.cmdline);
        seen.set(pid, { cpu: p.cpu, kind });
        peakByKind[kind] = Math.max(peakByKind[kind], p.rssMiB);
      }
      peakMiB = Math.max(peakMiB, rss);
    };
    const timer = setInterval(sample, 50);
    const killer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 1_800_000);
    child.on('error', (e) => {
      clearInterval(timer);
      clearTimeout(killer);
      reject(e);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      clearTimeout(killer);
      const cpu = Object.fromEntries(PROCESS_KINDS.map((k) => [k, 0])) as Record<ProcessKind, number>;
      for (const p of seen.values()) cpu[p.kind] += p.cpu;
      resolve({
        code,
        output: Buffer.concat(chunks).toString('utf8'),
        seconds: Number(process.hrtime.bigint() - start) / 1e9,
        cpu,
        peakMiB,
        peakByKind,
      });
    });
  });
}
