// What `npm run bench` and `npm run bench:import` share: each figure is the
// median wall time (with that run's CPU time and peak memory) of several runs
// of a fresh process, after one run that warms the file cache, so start-up
// costs are in. CPU time (user + system, all threads) moves less than wall time
// when other processes share the machine.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../src/package-root.js';
import { EnvironmentError, readEnvironment } from '../src/load/read-environment.js';

export const RUNS = benchRuns();
export const root = packageRoot();
export const dir = join(root, '.bench');
const rssFile = join(dir, 'rss.txt');

export interface Figure {
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly peakMiB: number;
  readonly exit: number | null;
}

/** A fresh .bench directory with the preload that records a child's peak memory. */
export function prepare(): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'rss.cjs'),
    `process.on('exit', () => { const u = process.resourceUsage(); require('fs').writeFileSync(${JSON.stringify(rssFile)}, JSON.stringify({ maxRSS: u.maxRSS, cpu: (u.userCPUTime + u.systemCPUTime) / 1e6 })); });\n`,
  );
}

function measure(args: string[]): Figure {
  // A preload module records the child's own peak RSS when it exits.
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--require', join(dir, 'rss.cjs'), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 1024 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRSS: number; cpu: number };
  return { seconds, cpuSeconds: usage.cpu, peakMiB: usage.maxRSS / 1024, exit: run.status };
}

function median(figures: Figure[]): Figure {
  const sorted = [...figures].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function bench(label: string, args: string[], runs = RUNS): Figure {
  measure(args); // warm the file cache
  const figure = median(Array.from({ length: runs }, () => measure(args)));
  console.log(
    `${label.padEnd(38)} ${figure.seconds.toFixed(3).padStart(7)} s   cpu ${figure.cpuSeconds.toFixed(3).padStart(7)} s   peak ${figure.peakMiB.toFixed(0).padStart(5)} MiB   exit ${figure.exit}`,
  );
  return figure;
}

export function modulePath(name: string): string {
  return join(root, 'node_modules', name);
}

/** "2.05x (cpu 2.11x)": a ratio of wall times, and of CPU times. */
export function ratio(a: Figure, b: Figure): string {
  return `${(a.seconds / b.seconds).toFixed(2)}x (cpu ${(a.cpuSeconds / b.cpuSeconds).toFixed(2)}x)`;
}

/** BENCH_RUNS (default 7): `abc` or 0 would make every median one of no runs. */
function benchRuns(): number {
  try {
    return readEnvironment('BENCH_RUNS');
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    console.error(`bench: ${error.message}`);
    process.exit(2);
  }
}
