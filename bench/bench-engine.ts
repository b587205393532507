// `npm run bench:engine`: the real Pulumi engine against the local broker,
// granularity vhost (the default), tier by tier (bench-tiers.ts says what each
// figure is measured against): the 1,270-object topology below; with
// `-- --large` also the 10,000-queue topology of bench/generate-topology.ts
// (44,950 objects); with `-- --huge` also 100,000 classic queues in 100 vhosts.
// BENCH_RUNS runs of each (default 3), medians with their spread.
//
// `-- --object`: granularity object beside vhost on the 1,270 objects, once,
// with where object's first `up` goes, measured in the same run: the
// program's own stages (WARREN_TIMING_FILE: process start, modules loaded,
// planned, every resource registered, exit), the checkpoint writes (the same
// `up` again with PULUMI_SKIP_CHECKPOINTS=true), and the broker's cost of one
// management API request per object (the same objects PUT one by one, as the
// providers do, without the engine). `-- --migration`: a queue migration of
// 100,000 messages against a bare shovel (bench-migration.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planToDefinitions } from '../src/export/plan-to-definitions.js';
import type { Plan } from '../src/plan/plan-types.js';
import { planText } from './plan-text.js';
import { benchMigration } from './bench-migration.js';
import { benchTier, floorProject, printTier, type Tier } from './bench-tiers.js';
import { RUNS } from './measure-runs.js';
import { generateTopology } from './generate-topology.js';
import { E2EProject, expectOk, quiet, ROOT } from '../test/e2e/support/e2e-project.js';

const LARGE = process.argv.includes('--large');
const HUGE = process.argv.includes('--huge');
const VHOSTS = 10;
const QUEUES = 40;

/** Per vhost: 5 exchanges, 40 queues, 40 settings policies (queue TTLs), 40 bindings, 1 policy, 1 vhost. */
function topology(): string {
  const lines = ['version: 1', 'vhosts:'];
  for (let v = 0; v < VHOSTS; v++) {
    lines.push(
      `  bench-${v}:`,
      '    exchanges:',
      '      events: { type: topic }',
      '      commands: {}',
      '      fan: { type: fanout }',
      '      dlx: {}',
      '      hdr: { type: headers }',
      '    queues:',
    );
    for (let q = 0; q < QUEUES; q++)
      lines.push(`      q${q}: { type: ${q % 2 ? 'quorum' : 'classic'}, messageTtl: ${60 + q}s }`);
    lines.push('    bindings:');
    for (let q = 0; q < QUEUES; q++) {
      // Fanout exchanges ignore keys (warren warns of one): their bindings have none, so the topology is clean.
      const from = ['events', 'commands', 'fan', 'dlx'][q % 4];
      lines.push(`      - { from: ${from}, to: q${q}${from === 'fan' ? '' : `, key: "k.${q}"`} }`);
    }
    lines.push(
      '    policies:',
      '      cap: { pattern: "^q", applyTo: queues, definition: { max-length-bytes: 100000000 } }',
    );
  }
  return `${lines.join('\n')}\n`;
}

function timed<T>(label: string, fn: () => T): { seconds: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s`);
  return { seconds, value };
}

interface Stage {
  stage: string;
  at: number;
  maxRssKiB?: number;
}

function stages(file: string): Map<string, Stage> {
  const lines = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Stage);
  return new Map(lines.map((l) => [l.stage, l]));
}

/** `pulumi …` under GNU time: the run, and the peak resident memory of the largest process of its tree (KiB). */
function pulumiMeasured(
  project: E2EProject,
  ...args: string[]
): { run: { code: number | null; output: string }; peakKiB: number } {
  const r = spawnSync(
    '/usr/bin/time',
    ['-f', 'warren-peak-kib=%M', 'pulumi', ...args, '--stack', 'e2e', '--non-interactive', '--color', 'never'],
    { cwd: project.dir, env: project.env(), encoding: 'utf8', timeout: 1_800_000 },
  );
  const peak = /warren-peak-kib=(\d+)/.exec(r.stderr ?? '');
  return {
    run: quiet({ code: r.status, output: `${r.stdout}\n${r.stderr}` }, args),
    peakKiB: peak ? Number(peak[1]) : NaN,
  };
}

/** The plan's objects PUT one request each through the management API, in plan order: the per-object HTTP path without the engine. */
async function putOneByOne(
  definitions: Record<string, { name?: string; vhost?: string; [k: string]: unknown }[]>,
): Promise<number> {
  const auth = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
  const put = async (path: string, body: unknown, method = 'PUT') => {
    const r = await fetch(`http://127.0.0.1:15672/api${path}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  };
  const e = encodeURIComponent;
  let n = 0;
  for (const v of definitions.vhosts ?? []) {
    await put(`/vhosts/${e(v.name!)}`, {});
    n++;
  }
  for (const p of definitions.permissions ?? []) {
    await put(`/permissions/${e(p.vhost!)}/${e(String(p.user))}`, p);
    n++;
  }
  for (const x of definitions.exchanges ?? []) {
    await put(`/exchanges/${e(x.vhost!)}/${e(x.name!)}`, x);
    n++;
  }
  for (const q of definitions.queues ?? []) {
    await put(`/queues/${e(q.vhost!)}/${e(q.name!)}`, q);
    n++;
  }
  for (const b of definitions.bindings ?? []) {
    await put(
      `/bindings/${e(b.vhost!)}/e/${e(String(b.source))}/${b.destination_type === 'queue' ? 'q' : 'e'}/${e(String(b.destination))}`,
      b,
      'POST',
    );
    n++;
  }
  for (const p of definitions.policies ?? []) {
    await put(`/policies/${e(p.vhost!)}/${e(p.name!)}`, p);
    n++;
  }
  return n;
}

function dropVhosts(): void {
  for (let v = 0; v < VHOSTS; v++) spawnSync('rabbitmqctl', ['delete_vhost', `bench-${v}`], { stdio: 'ignore' });
  if (LARGE) for (let v = 0; v < 10; v++) spawnSync('rabbitmqctl', ['delete_vhost', `team-${v}`], { stdio: 'ignore' });
}

interface Figures {
  up: number;
  preview: number;
  /** The median of the edits. */
  edit: number;
  /** Each edit's wall clock, in order. */
  edits: number[];
  peakMiB: number;
  programMiB: number;
  stateKiB: number;
  resources: number;
  destroy: number;
}

/**
 * First up (under GNU time, with the program's stage timings), no-op preview,
 * a one-queue edit (which must touch exactly one resource), destroy; from an
 * empty broker, in a new stack.
 */
function runStack(
  granularity: 'object' | 'vhost',
  files: Record<string, string>,
  edit: object,
  timingFile?: string,
  secrets: string[] = [],
): {
  figures: Figures;
  program?: Map<string, Stage>;
  upStart: number;
  upEnd: number;
  /** The median edit's program stages and wall clock. */
  editRun?: { program: Map<string, Stage>; start: number; end: number };
} {
  dropVhosts();
  const project = new E2EProject(files);
  project.init();
  for (const key of secrets)
    expectOk(project.pulumi('config', 'set', '--secret', `warren:${key}`, `bench-${key}`), `config set ${key}`);
  project.setConfig({ 'warren:granularity': granularity });
  if (timingFile) process.env.WARREN_TIMING_FILE = timingFile;
  const upStart = Date.now();
  const up = timed(`[${granularity}] pulumi up (first, creates everything)`, () =>
    pulumiMeasured(project, 'up', '--yes', '--skip-preview'),
  );
  const upEnd = Date.now();
  delete process.env.WARREN_TIMING_FILE;
  expectOk(up.value.run, 'first up');
  const stateFile = join(project.stateDir, '.pulumi', 'stacks', 'warren-e2e', 'e2e.json');
  const stateBytes = statSync(stateFile).size;
  const resources = (
    JSON.parse(readFileSync(stateFile, 'utf8')) as { checkpoint: { latest: { resources: unknown[] } } }
  ).checkpoint.latest.resources.length;
  const program = timingFile ? stages(timingFile) : undefined;
  if (timingFile) rmSync(timingFile);
  const preview = timed(`[${granularity}] pulumi preview (no changes)`, () =>
    expectOk(project.pulumi('preview', '--expect-no-changes'), 'no-op preview'),
  );
  // The edit, back, and again: one update each (a run varies by half a second here, so the median is reported).
  const edits: { seconds: number; start: number; end: number; program?: Map<string, Stage> }[] = [];
  for (const [i, overrides] of [edit, undefined, edit].entries()) {
    project.setConfig({ 'warren:overrides': overrides });
    if (timingFile) process.env.WARREN_TIMING_FILE = timingFile;
    const start = Date.now();
    const edited = timed(`[${granularity}] pulumi up (one queue ${i === 1 ? 'edited back' : 'edited'})`, () =>
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'edit up'),
    );
    const end = Date.now();
    delete process.env.WARREN_TIMING_FILE;
    if (!/1 updated/.test(edited.value.output))
      throw new Error(`expected exactly one update:\n${edited.value.output.slice(-2000)}`);
    edits.push({ seconds: edited.seconds, start, end, ...(timingFile ? { program: stages(timingFile) } : {}) });
    if (timingFile) rmSync(timingFile);
  }
  const median = [...edits].sort((a, b) => a.seconds - b.seconds)[1]!;
  const destroyed = timed(`[${granularity}] pulumi destroy`, () =>
    expectOk(project.pulumi('destroy', '--yes', '--skip-preview'), 'destroy'),
  );
  dropVhosts();
  const programMiB = (program?.get('exit')?.maxRssKiB ?? NaN) / 1024;
  return {
    figures: {
      up: up.seconds,
      preview: preview.seconds,
      edit: median.seconds,
      edits: edits.map((e) => e.seconds),
      peakMiB: up.value.peakKiB / 1024,
      programMiB,
      stateKiB: stateBytes / 1024,
      resources,
      destroy: destroyed.seconds,
    },
    ...(program ? { program } : {}),
    upStart,
    upEnd,
    ...(median.program ? { editRun: { program: median.program, start: median.start, end: median.end } } : {}),
  };
}

/** `rabbitmqctl import_definitions` of the plan: RabbitMQ's own bulk path, the baseline of every ratio. */
function importDefinitions(plan: Plan): number {
  dropVhosts();
  // rabbitmqctl runs as the rabbitmq user, who cannot read the project's private
  // directory; 3.10 does not read definitions from stdin either.
  const file = join(tmpdir(), `warren-bench-definitions-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(planToDefinitions(plan).definitions), { mode: 0o644 });
  const imported = timed('rabbitmqctl import_definitions (same objects)', () =>
    spawnSync('rabbitmqctl', ['import_definitions', file], { encoding: 'utf8' }),
  );
  rmSync(file);
  if (imported.value.status !== 0) throw new Error(`import_definitions failed: ${imported.value.stderr}`);
  dropVhosts();
  return imported.seconds;
}

function printFigures(label: string, f: Figures, imported: number, editTarget = '≤ 3 s'): void {
  console.log(`\n${label}:`);
  const row = (name: string, value: string, target = '') =>
    console.log(`  ${name.padEnd(40)} ${value.padStart(12)}  ${target}`);
  const ratio = (seconds: number, target: number) =>
    Number.isNaN(imported) ? '' : `${(seconds / imported).toFixed(1)}x import_definitions (target ≤ ${target}x)`;
  row('first up', `${f.up.toFixed(1)} s`, ratio(f.up, 10));
  row('no-op preview', `${f.preview.toFixed(1)} s`, ratio(f.preview, 3));
  row(
    'one-queue edit (median of 3)',
    `${f.edit.toFixed(1)} s`,
    `(${editTarget ? `target ${editTarget}; ` : ''}runs ${f.edits.map((e) => e.toFixed(1)).join(', ')} s)`,
  );
  row('destroy', `${f.destroy.toFixed(1)} s`);
  row('peak memory, largest process', `${f.peakMiB.toFixed(0)} MiB`);
  row('peak memory, the program', `${f.programMiB.toFixed(0)} MiB`);
  row('state file', `${f.stateKiB.toFixed(0)} KiB`, `${f.resources} resources`);
}

async function main(): Promise<void> {
  if (process.argv.includes('--migration')) return benchMigration();
  if (process.argv.includes('--object')) return objectComparison();
  const runs = process.env.BENCH_RUNS === undefined ? 3 : RUNS;
  const tiers: Tier[] = [
    {
      name: '1,270 objects',
      text: topology(),
      edit: { vhosts: { 'bench-3': { queues: { q7: { messageTtl: '5m' } } } } },
      secrets: [],
      targets: { up: 1.5, preview: 1.5, edit: 1.5 },
    },
  ];
  if (LARGE)
    tiers.push({
      name: '10,000 queues',
      text: generateTopology({ vhosts: 10, queuesPerVhost: 1000 }),
      edit: { vhosts: { 'team-3': { queues: { 'q-3-7': { messageTtl: '5m' } } } } },
      secrets: Array.from({ length: 10 }, (_, v) => `service${v}Password`),
      targets: { up: 1.5, preview: 3, edit: 3, memoryMiB: 400 },
    });
  if (HUGE)
    tiers.push({
      name: '100,000 queues',
      text: generateTopology({ vhosts: 100, queuesPerVhost: 1000, quorum: false }),
      edit: { vhosts: { 'team-3': { queues: { 'q-3-7': { messageTtl: '5m' } } } } },
      secrets: Array.from({ length: 100 }, (_, v) => `service${v}Password`),
      targets: { up: 2, preview: 10, edit: 10, memoryMiB: 2048 },
    });
  const figures = [];
  for (const tier of tiers) figures.push(await benchTier(tier, runs));
  console.log(`\nnpm run bench:engine, ${new Date().toISOString().slice(0, 10)}, warren ${commit()}:`);
  const edits = figures.map(printTier);
  if (edits.length > 1)
    for (let i = 1; i < edits.length; i++)
      console.log(
        `\nthe one-queue edit at ${tiers[i]!.name} is ${(edits[i]!.edit / edits[0]!.edit).toFixed(2)}x the same edit at ${tiers[0]!.name} (target ≤ 1.5x for 10,000 queues)`,
      );
}

function commit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? `${r.stdout.trim()}${dirty.stdout.trim() ? ' with uncommitted changes' : ''}` : 'unknown';
}

/** Granularity object beside vhost on the 1,270-object topology, with where object's first up goes (docs/benchmarks.md, "Why `vhost`"). */
async function objectComparison(): Promise<void> {
  const text = topology();
  const plan = planText('bench.yaml', text);
  console.log(`topology: ${plan.entries.length} objects (${VHOSTS} vhosts; exchanges, queues, bindings, policies)\n`);
  const edit = { vhosts: { 'bench-3': { queues: { q7: { messageTtl: '5m' } } } } };
  const imported = importDefinitions(plan);
  const timingFile = join(tmpdir(), `warren-bench-timing-${process.pid}.jsonl`);
  const vhost = runStack('vhost', { 'bench.yaml': text }, edit, timingFile);
  const object = runStack('object', { 'bench.yaml': text }, edit, timingFile);

  // The same first up without intermediate checkpoints: what writing them costs (per-object granularity).
  dropVhosts();
  const project = new E2EProject({ 'bench.yaml': text });
  project.init();
  process.env.PULUMI_SKIP_CHECKPOINTS = 'true';
  const unchecked = timed('[object] pulumi up (first, PULUMI_SKIP_CHECKPOINTS=true)', () =>
    expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'first up without checkpoints'),
  );
  delete process.env.PULUMI_SKIP_CHECKPOINTS;
  expectOk(project.pulumi('destroy', '--yes', '--skip-preview'), 'destroy');
  dropVhosts();
  const httpStart = process.hrtime.bigint();
  const requests = await putOneByOne(planToDefinitions(plan).definitions as never);
  const http = Number(process.hrtime.bigint() - httpStart) / 1e9;
  console.log(
    `${'management API, one request per object'.padEnd(44)} ${http.toFixed(2).padStart(7)} s (${requests} requests)`,
  );
  dropVhosts();

  const floor = floorEdits();
  printFigures('granularity vhost (one resource per vhost)', vhost.figures, imported);
  printFigures('granularity object (one resource per object)', object.figures, imported);
  const floorMedian = [...floor].sort((a, b) => a - b)[1]!;
  console.log(
    `\nPulumi's floor, one dynamic resource updated by a one-resource program: ${floorMedian.toFixed(1)} s (median; runs ${floor.map((e) => e.toFixed(1)).join(', ')} s)`,
  );
  console.log(
    `  the one-queue edit, granularity vhost: ${vhost.figures.edit.toFixed(1)} s, ${(vhost.figures.edit - floorMedian).toFixed(1)} s above the floor`,
  );
  for (const [name, run] of [
    ['vhost', vhost],
    ['object', object],
  ] as const) {
    printStages(`first up, granularity ${name}`, run.program!, run.upStart, run.upEnd);
    if (run.editRun)
      printStages(
        `the median one-queue edit, granularity ${name}`,
        run.editRun.program,
        run.editRun.start,
        run.editRun.end,
      );
    if (name === 'object') {
      console.log(
        `  ${'of which intermediate checkpoint writes (default − skipped)'.padEnd(62)} ${(run.figures.up - unchecked.seconds).toFixed(2).padStart(7)} s`,
      );
      console.log(
        `  ${'of which the broker, were each object one HTTP request'.padEnd(62)} ${http.toFixed(2).padStart(7)} s`,
      );
    }
  }
}

/** Where a run's time goes, from the program's stage timings and the run's wall clock (epoch ms). */
function printStages(title: string, program: Map<string, Stage>, start: number, end: number): void {
  const at = (stage: string) => program.get(stage)!.at;
  const rows: [string, number][] = [
    ['pulumi CLI start, plugins, until the program process starts', (at('process') - start) / 1000],
    ['program: Node start and module loading', (at('loaded') - at('process')) / 1000],
    ['program: load, validate, plan', (at('planned') - at('loaded')) / 1000],
    ['program: register every resource (requests sent)', (at('registered') - at('planned')) / 1000],
    ['engine + providers until the program exits', (at('exit') - at('registered')) / 1000],
    ['after the program: last steps, final checkpoint, summary', (end - at('exit')) / 1000],
  ];
  console.log(`\n${title}, where the time goes:`);
  for (const [label, seconds] of rows) console.log(`  ${label.padEnd(62)} ${seconds.toFixed(2).padStart(7)} s`);
}

/**
 * Pulumi's own floor for a one-resource update on this machine: a program of one
 * dynamic resource whose input follows a config value, with the same CLI, plugins,
 * SDK and Node options as warren's program. Three updates, each wall clock.
 */
function floorEdits(): number[] {
  const project = floorProject({
    'index.js': [
      "import * as pulumi from '@pulumi/pulumi';",
      'const provider = {',
      "  async create(inputs) { return { id: 'floor', outs: inputs }; },",
      '  async diff(_id, olds, news) { return { changes: olds.value !== news.value }; },',
      '  async update(_id, _olds, news) { return { outs: news }; },',
      '};',
      "new pulumi.dynamic.Resource(provider, 'floor', { value: new pulumi.Config().require('value') });",
      '',
    ].join('\n'),
  });
  project.setConfig({ 'warren-floor:value': 'a' });
  expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'floor first up');
  const seconds = ['b', 'a', 'b'].map((value) => {
    project.setConfig({ 'warren-floor:value': value });
    const run = timed('[floor] pulumi up (one dynamic resource updated)', () =>
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'floor edit'),
    );
    if (!/1 updated/.test(run.value.output)) throw new Error(`floor: expected one update:\n${run.value.output}`);
    return run.seconds;
  });
  expectOk(project.pulumi('destroy', '--yes', '--skip-preview'), 'floor destroy');
  rmSync(project.dir, { recursive: true, force: true });
  return seconds;
}

await main();
