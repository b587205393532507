// `npm run bench`: wall time and peak memory of `warren validate` on a
// 10,000-queue topology, next to the floor: a process that only parses the
// same file with the fastest YAML parser on npm (js-yaml). Each figure is the
// median of several runs of a fresh process, so start-up costs are included
// on both sides.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError, readEnvironment } from '../src/load/read-environment.js';
import { packageRoot } from '../src/package-root.js';
import { generateTopology } from './generate-topology.js';

const RUNS = benchRuns();
const root = packageRoot();
const dir = join(root, '.bench');
const rssFile = join(dir, 'rss.txt');

interface Figure {
  readonly seconds: number;
  readonly peakMiB: number;
  readonly exit: number | null;
}

function measure(args: string[]): Figure {
  // A preload module records the child's own peak RSS when it exits.
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--require', join(dir, 'rss.cjs'), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { seconds, peakMiB: Number(readFileSync(rssFile, 'utf8')) / 1024, exit: run.status };
}

function median(figures: Figure[]): Figure {
  const sorted = [...figures].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function bench(label: string, args: string[]): Figure {
  measure(args); // warm the file cache
  const figure = median(Array.from({ length: RUNS }, () => measure(args)));
  console.log(
    `${label.padEnd(34)} ${figure.seconds.toFixed(3).padStart(7)} s   peak ${figure.peakMiB.toFixed(0).padStart(5)} MiB   exit ${figure.exit}`,
  );
  return figure;
}

function main(): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'rss.cjs'),
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`,
  );
  const file = join(dir, 'big-topology.yaml');
  writeFileSync(file, generateTopology({ vhosts: 100, queuesPerVhost: 100 }));
  const text = readFileSync(file, 'utf8');
  const bindings = (text.match(/- \{ from:/g) ?? []).length;
  console.log(
    `topology: ${(statSync(file).size / 1e6).toFixed(2)} MB, 100 vhosts, 10,000 queues, ${bindings} bindings; median of ${RUNS} runs\n`,
  );
  const floorScript = join(dir, 'parse-only.cjs');
  writeFileSync(
    floorScript,
    `require(${JSON.stringify(require_('js-yaml'))}).load(require('fs').readFileSync(process.argv[2], 'utf8'));\n`,
  );
  const floor = bench('floor: js-yaml load only', [floorScript, file]);
  const clean = bench('warren validate (clean)', [join(root, 'bin/warren.js'), 'validate', file]);
  console.log(`\nratio clean/floor: ${(clean.seconds / floor.seconds).toFixed(2)}x (target <= 2.00x)`);
  const broken = join(dir, 'big-topology-with-problems.yaml');
  writeFileSync(
    broken,
    text.replace('to: q-57-3,', 'to: q-57-missing,').replace('messageTtl: 60s', 'messageTtl: 60 s'),
  );
  const withProblems = bench('warren validate (2 problems)', [join(root, 'bin/warren.js'), 'validate', broken]);
  const positions = spawnSync(process.execPath, [join(root, 'bin/warren.js'), 'validate', broken], {
    encoding: 'utf8',
  }).stdout.trim();
  console.log(
    `ratio with problems/floor: ${(withProblems.seconds / floor.seconds).toFixed(2)}x\n\nproblems reported:\n${positions}`,
  );
  const yamlScript = join(dir, 'yaml-parse-only.cjs');
  writeFileSync(
    yamlScript,
    `require(${JSON.stringify(require_('yaml'))}).parseDocument(require('fs').readFileSync(process.argv[2], 'utf8'));\n`,
  );
  console.log('\nfor reference, the position-keeping parser on the same file:');
  bench('yaml parseDocument only', [yamlScript, file]);
  if (clean.exit !== 0 || withProblems.exit !== 1 || positions.split('\n').length !== 2) {
    console.error(
      'unexpected: the benchmark topology must be valid, and the broken one must report exactly its 2 problems',
    );
    process.exitCode = 1;
  }
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

function require_(name: string): string {
  return join(root, 'node_modules', name);
}

main();
