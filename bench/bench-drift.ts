// `npm run bench:drift`: `warren drift` against the local broker at the
// 10,000-queue topology of bench/generate-topology.ts (10 vhosts, 10,010
// queues, half quorum), next to its baseline measured in the same run: one
// `GET /api/definitions` from Node, its whole body read and parsed (the target
// of issue 27: drift at most 2x that). The topology is declared once through
// the broker's own bulk import (bench-tiers.ts importDefinitions, as the
// engine bench's baseline), and drift waits until the broker reports every
// queue's policy, so that it lists nothing as unknown. BENCH_RUNS runs
// (default 3), interleaved: the GET, the drift CLI end to end (which must exit
// 0, no drift), then where drift's time goes, stage by stage (measureStages):
// in a fresh Node process as the CLI is (cold: module loading and JIT in), and
// again in this process (warm). Medians with their spread. The vhosts and
// users it declares are deleted at the end, and on failure or interruption.
//
// Only Node's own modules are imported statically: the same file runs as the
// stage-timing child (`--stages DIR`), whose module loading is one of the
// figures, so it loads nothing drift would not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BROKER = 'http://127.0.0.1:15672';
const API = `${BROKER}/api`;
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
const SHAPE = { vhosts: 10, queuesPerVhost: 1000 };
const VHOSTS = Array.from({ length: SHAPE.vhosts }, (_, v) => `team-${v}`);
const USERS = Array.from({ length: SHAPE.vhosts }, (_, v) => `service-${v}`);
const QUEUES_COLUMNS = '/queues?columns=vhost,name,policy,operator_policy';
/** How long the broker may take to report every queue's policy after the import. */
const POLICY_WAIT_MS = 15 * 60_000;

const now = () => performance.now() / 1000;

/** Where one drift's time goes (seconds), as drift-command.ts runs it, stage by stage. */
interface Stages {
  /** From the process's start until this code runs (Node's start; the child only). */
  boot?: number;
  /** Importing drift-command.js, and with it every module drift loads. */
  modules: number;
  /** Reading, parsing and validating the topology (loadTopology without a plan). */
  load: number;
  /** Compiling the plan (what loadTopology adds with a plan). */
  plan: number;
  /** The three GET requests side by side (readBroker's Promise.all): wall time, and each request's own. */
  reads: number;
  readDefinitions: number;
  readVhosts: number;
  readQueues: number;
  /** declaredObjects: the plan as definitions, normalized. */
  declared: number;
  /** objectsOf: the broker's definitions and vhosts, normalized. */
  live: number;
  compare: number;
  /** Since the process's start, when the stages are done (the child only). */
  end?: number;
  objects: number;
  drift: number;
  unknown: number;
}

/** One drift, stage by stage, with drift's own modules (src/cli/drift-command.ts, driftCommand). */
async function measureStages(dir: string, boot?: number): Promise<Stages> {
  let t = now();
  const lap = () => {
    const at = now();
    const seconds = at - t;
    t = at;
    return seconds;
  };
  await import('../src/cli/drift-command.js');
  const modules = lap();
  const [{ loadTopology }, { compilePlan, NO_ALLOWANCES }, read, { declaredObjects }, { objectsOf }, compare] =
    await Promise.all([
      import('../src/load-topology.js'),
      import('../src/plan/compile-plan.js'),
      import('../src/broker/read-management.js'),
      import('../src/drift/declared-objects.js'),
      import('../src/drift/broker-objects.js'),
      import('../src/drift/compare-broker.js'),
    ]);
  lap();
  const loaded = loadTopology({ paths: [dir], stdin: true, plan: false });
  if (!loaded.valid) throw new Error(`the bench's topology is invalid (${loaded.diagnostics.length} diagnostics)`);
  const load = lap();
  const plan = compilePlan(loaded.model, NO_ALLOWANCES);
  const planSeconds = lap();
  const address = read.parseBrokerUrl(`http://guest:guest@${BROKER.slice('http://'.length)}`);
  if ('error' in address) throw new Error(address.error);
  const reader = read.brokerReader(address);
  const timedRead = async (path: string) => {
    const start = now();
    const r = await reader(path);
    if ('error' in r || r.status !== 200)
      throw new Error(`GET /api${path}: ${'error' in r ? r.error : `status ${r.status}`}`);
    return { body: r.body, seconds: now() - start };
  };
  const [definitions, vhosts, queues] = await Promise.all([
    timedRead('/definitions'),
    timedRead('/vhosts'),
    timedRead(QUEUES_COLUMNS),
  ]);
  const reads = lap();
  const declared = declaredObjects(plan);
  const declaredSeconds = lap();
  const live = objectsOf(definitions.body as never, vhosts.body as never);
  const liveSeconds = lap();
  const found = compare.compareBroker({
    declared: declared.objects,
    uncompared: declared.uncompared,
    live,
    queues: queues.body as never,
    scope: 'topology',
    reader: address.user,
  });
  const compareSeconds = lap();
  return {
    ...(boot === undefined ? {} : { boot, end: performance.now() / 1000 }),
    modules,
    load,
    plan: planSeconds,
    reads,
    readDefinitions: definitions.seconds,
    readVhosts: vhosts.seconds,
    readQueues: queues.seconds,
    declared: declaredSeconds,
    live: liveSeconds,
    compare: compareSeconds,
    objects: plan.entries.length,
    drift: found.drift.length,
    unknown: found.unknown.length,
  };
}

/** A management API request of this bench's own (import, wait, clean-up); 404 of a DELETE is fine. */
async function api(method: string, path: string): Promise<unknown> {
  const r = await fetch(`${API}${path}`, {
    method,
    headers: { authorization: AUTH },
    signal: AbortSignal.timeout(1_800_000),
  });
  const text = await r.text();
  if (r.status >= 300 && !(method === 'DELETE' && r.status === 404))
    throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 500)}`);
  return text === '' ? undefined : JSON.parse(text);
}

/** Deletes the vhosts and users this bench declares (only those: other vhosts on the broker are someone else's). */
async function dropTopology(): Promise<void> {
  for (const v of VHOSTS) await api('DELETE', `/vhosts/${encodeURIComponent(v)}`);
  for (const u of USERS) await api('DELETE', `/users/${encodeURIComponent(u)}`);
}

/** The baseline: one GET /api/definitions from Node, until the answer's head, its body read, and parsed. */
async function getDefinitions(): Promise<{
  seconds: number;
  head: number;
  body: number;
  parse: number;
  bytes: number;
}> {
  const start = now();
  const r = await fetch(`${API}/definitions`, {
    headers: { authorization: AUTH },
    signal: AbortSignal.timeout(300_000),
  });
  const head = now();
  const text = await r.text();
  const body = now();
  if (r.status !== 200) throw new Error(`GET /api/definitions: ${r.status} ${text.slice(0, 500)}`);
  const parsed = JSON.parse(text) as { queues?: unknown[] };
  const end = now();
  if (!Array.isArray(parsed.queues)) throw new Error('GET /api/definitions: no queues');
  return { seconds: end - start, head: head - start, body: body - head, parse: end - body, bytes: text.length };
}

/** One GET alone, body read and parsed (the two smaller reads drift makes beside the definitions). */
async function getAlone(path: string): Promise<number> {
  const start = now();
  await api('GET', path);
  return now() - start;
}

/** A process's wall time; throws unless it exits 0. */
function spawnTimed(args: string[], env: NodeJS.ProcessEnv = process.env): { seconds: number; stderr: string } {
  const start = now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = now() - start;
  if (r.status !== 0)
    throw new Error(
      `node ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`,
    );
  return { seconds, stderr: r.stderr };
}

/** `warren drift DIR --broker …` end to end; it must find no drift and nothing unknown. */
function driftCli(dir: string): number {
  const env = { ...process.env, WARREN_BROKER_USER: 'guest', WARREN_BROKER_PASSWORD: 'guest', NO_COLOR: '1' };
  const r = spawnTimed([join(ROOT, 'bin', 'warren.js'), 'drift', dir, '--broker', BROKER], env);
  const summary = r.stderr.trim().split('\n').at(-1);
  if (summary !== 'no drift') throw new Error(`warren drift exited 0 but did not say "no drift":\n${r.stderr}`);
  return r.seconds;
}

/** The stages in a fresh Node process (cold, as the CLI runs them), with that process's wall time. */
function stagesCold(dir: string): Stages & { wall: number } {
  const start = now();
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--stages', dir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const wall = now() - start;
  if (r.status !== 0) throw new Error(`the stage-timing child exited ${r.status ?? r.signal}:\n${r.stderr}`);
  return { ...(JSON.parse(r.stdout) as Stages), wall };
}

function checkClean(s: Stages, where: string): void {
  if (s.drift !== 0 || s.unknown !== 0)
    throw new Error(`${where}: expected no drift and nothing unknown, found ${s.drift} drift, ${s.unknown} unknown`);
}

/** Waits until the broker reports a policy (and an operator policy) for every queue of the topology's vhosts. */
async function waitForPolicies(expected: number): Promise<number> {
  const start = now();
  const ours = new Set(VHOSTS);
  for (;;) {
    const rows = (await api('GET', QUEUES_COLUMNS)) as Record<string, unknown>[];
    const mine = rows.filter((r) => ours.has(String(r.vhost)));
    const reported = mine.filter((r) => Object.hasOwn(r, 'policy') && Object.hasOwn(r, 'operator_policy')).length;
    if (mine.length === expected && reported === expected) return now() - start;
    if ((now() - start) * 1000 > POLICY_WAIT_MS)
      throw new Error(
        `after ${POLICY_WAIT_MS / 1000} s the broker lists ${mine.length} of ${expected} queues, ${reported} with their policy`,
      );
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const spread = (xs: readonly number[], digits = 2) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

function commit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? `${r.stdout.trim()}${dirty.stdout.trim() ? ' with uncommitted changes' : ''}` : 'unknown';
}

interface Run {
  get: Awaited<ReturnType<typeof getDefinitions>>;
  drift: number;
  cold: Stages & { wall: number };
  warm: Stages;
  vhostsAlone: number;
  queuesAlone: number;
  nodeBare: number;
  version: number;
}

async function bench(): Promise<void> {
  const { RUNS } = await import('./measure-runs.js');
  const runs = process.env.BENCH_RUNS === undefined ? 3 : RUNS;
  const { generateTopology } = await import('./generate-topology.js');
  const { importDefinitions } = await import('./bench-tiers.js');
  const { loadTopology } = await import('../src/load-topology.js');
  const { planToDefinitions } = await import('../src/export/plan-to-definitions.js');

  const dir = mkdtempSync(join(tmpdir(), 'warren-bench-drift-'));
  let cleaning: Promise<void> | undefined;
  const cleanUp = () => {
    cleaning ??= (async () => {
      rmSync(dir, { recursive: true, force: true });
      const start = now();
      await dropTopology();
      console.log(
        `cleaned up: vhosts ${VHOSTS.join(', ')} and users service-0..9 deleted (${(now() - start).toFixed(1)} s)`,
      );
    })();
    return cleaning;
  };
  const interrupted = (signal: NodeJS.Signals) => {
    console.error(`bench:drift: ${signal}, cleaning up`);
    cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    writeFileSync(join(dir, 'topology.yaml'), generateTopology(SHAPE));
    const loaded = loadTopology({ paths: [dir] });
    if (!loaded.plan) throw new Error(`the bench's topology is invalid (${loaded.diagnostics.length} diagnostics)`);
    const definitions = planToDefinitions(loaded.plan).definitions;
    const queueCount = definitions.queues.length;
    console.log(
      `topology: ${loaded.plan.entries.length} objects in ${definitions.vhosts.length} vhosts: ${queueCount} queues, ${definitions.bindings.length} bindings, ${definitions.policies.length} policies, ${definitions.users.length} users; ${runs} runs`,
    );
    await dropTopology();
    let start = now();
    await importDefinitions(definitions as unknown as Record<string, unknown>);
    console.log(`declared through POST /api/definitions (per vhost): ${(now() - start).toFixed(1)} s`);
    const waited = await waitForPolicies(queueCount);
    console.log(`every queue's policy reported by the broker after a further ${waited.toFixed(1)} s`);

    // One of each first, not counted: file cache, broker caches, and the proof that drift exits 0 here.
    start = now();
    await getDefinitions();
    driftCli(dir);
    checkClean(stagesCold(dir), 'stage child');
    checkClean(await measureStages(dir), 'in process');
    console.log(`warm-up (not counted): ${(now() - start).toFixed(1)} s`);

    const all: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const get = await getDefinitions();
      const drift = driftCli(dir);
      const cold = stagesCold(dir);
      checkClean(cold, 'stage child');
      const warm = await measureStages(dir);
      checkClean(warm, 'in process');
      const vhostsAlone = await getAlone('/vhosts');
      const queuesAlone = await getAlone(QUEUES_COLUMNS);
      const nodeBare = spawnTimed(['-e', '']).seconds;
      const version = spawnTimed([join(ROOT, 'bin', 'warren.js'), '--version']).seconds;
      all.push({ get, drift, cold, warm, vhostsAlone, queuesAlone, nodeBare, version });
      console.log(
        `  run ${i + 1}: GET /api/definitions ${get.seconds.toFixed(2)} s, warren drift ${drift.toFixed(2)} s (${(drift / get.seconds).toFixed(2)}x)`,
      );
    }
    print(all, queueCount);
  } finally {
    await cleanUp();
  }
}

function print(all: readonly Run[], queues: number): void {
  const m = (f: (r: Run) => number) => median(all.map(f));
  const s = (f: (r: Run) => number) => spread(all.map(f));
  const get = m((r) => r.get.seconds);
  const drift = m((r) => r.drift);
  const ratio = drift / get;
  const bytes = all[0]!.get.bytes;
  console.log(
    `\nnpm run bench:drift, ${new Date().toISOString().slice(0, 10)}, warren ${commit()}, Node ${process.version}:`,
  );
  console.log(
    `10,000-queue topology (${all[0]!.cold.objects} objects, ${queues} queues; GET /api/definitions ${(bytes / 1e6).toFixed(1)} MB); medians of ${all.length} runs`,
  );
  const row = (name: string, value: string, runsText: string, rest = '') =>
    console.log(`  ${name.padEnd(52)} ${value.padStart(8)}  ${runsText.padEnd(11)} ${rest}`);
  /** One row per figure: its median and spread over the runs. */
  const rows = (figures: [string, (r: Run) => number][]) => {
    for (const [name, of] of figures) row(name, `${m(of).toFixed(2)} s`, s(of));
  };
  row('figure', 'median', 'spread', 'baseline (same run), target');
  row(
    'GET /api/definitions (read, parsed)',
    `${get.toFixed(2)} s`,
    s((r) => r.get.seconds),
  );
  row(
    'warren drift, CLI end to end (exit 0)',
    `${drift.toFixed(2)} s`,
    s((r) => r.drift),
    `${ratio.toFixed(2)}x GET /api/definitions; target ≤ 2x  ${ratio <= 2 ? 'met' : 'MISSED'}`,
  );
  console.log('\nthe GET /api/definitions baseline:');
  rows([
    ['  until the answer’s head (the broker)', (r) => r.get.head],
    ['  body read', (r) => r.get.body],
    ['  JSON.parse', (r) => r.get.parse],
  ]);

  console.log(
    '\nwhere warren drift’s time goes (same runs; cold: a fresh Node process as the CLI; warm: in this one):',
  );
  const stage = (name: string, f: (x: Stages & { wall?: number }) => number | undefined, warm = true) => {
    const cold = all.map((r) => f(r.cold) ?? NaN);
    const w = all.map((r) => f(r.warm) ?? NaN);
    console.log(
      `  ${name.padEnd(52)} ${`${median(cold).toFixed(2)} s`.padStart(8)}  ${spread(cold).padEnd(10)} ${warm ? `${`${median(w).toFixed(2)} s`.padStart(8)}  ${spread(w)}` : ''}`,
    );
  };
  console.log(`  ${'stage'.padEnd(52)} ${'cold'.padStart(8)}  ${'spread'.padEnd(10)} ${'warm'.padStart(8)}  spread`);
  stage('Node start until the script runs', (x) => x.boot, false);
  stage('loading drift’s modules (drift-command.js)', (x) => x.modules);
  stage('topology: read, parse, validate', (x) => x.load);
  stage('topology: plan', (x) => x.plan);
  stage('broker: three GETs side by side (wall)', (x) => x.reads);
  stage('  GET /api/definitions (its own time)', (x) => x.readDefinitions);
  stage('  GET /api/vhosts (its own time)', (x) => x.readVhosts);
  stage('  GET /api/queues?columns=… (its own time)', (x) => x.readQueues);
  stage('compare: declaredObjects (plan → definitions)', (x) => x.declared);
  stage('compare: objectsOf (the broker’s definitions)', (x) => x.live);
  stage('compare: compareBroker', (x) => x.compare);
  stage(
    'after the stages until the process is gone',
    (x) => (x.wall === undefined ? undefined : x.wall - x.end!),
    false,
  );
  stage('the stage child, wall', (x) => x.wall, false);
  const sum = (x: Stages) => x.modules + x.load + x.plan + x.reads + x.declared + x.live + x.compare;
  console.log(
    `  ${'sum of the stages (without Node start, exit)'.padEnd(52)} ${`${m((r) => sum(r.cold)).toFixed(2)} s`.padStart(8)}  ${s((r) => sum(r.cold)).padEnd(10)} ${`${m((r) => sum(r.warm)).toFixed(2)} s`.padStart(8)}  ${s((r) => sum(r.warm))}`,
  );
  console.log('\nbeside them, same runs:');
  rows([
    ['node -e "" (Node start alone)', (r) => r.nodeBare],
    ['node bin/warren.js --version (loads every command)', (r) => r.version],
    ['GET /api/vhosts alone', (r) => r.vhostsAlone],
    ['GET /api/queues?columns=… alone', (r) => r.queuesAlone],
  ]);
  const local = (x: Stages) => x.modules + x.load + x.plan + x.declared + x.live + x.compare;
  console.log(
    `\n  drift without its broker reads (cold stages + Node start): ${m((r) => local(r.cold) + r.cold.boot!).toFixed(2)} s, ${((m((r) => local(r.cold) + r.cold.boot!) / drift) * 100).toFixed(0)}% of drift; the reads ${m((r) => r.cold.reads).toFixed(2)} s = ${(m((r) => r.cold.reads) / get).toFixed(2)}x the GET alone`,
  );
}

if (process.argv[2] === '--stages') {
  const boot = performance.now() / 1000;
  process.stdout.write(`${JSON.stringify(await measureStages(process.argv[3]!, boot))}\n`);
} else {
  try {
    await bench();
  } catch (error) {
    // fetch's own message ("fetch failed") says nothing: its cause does (a reset connection, undici's timeouts).
    const cause = (error as { cause?: unknown }).cause;
    console.error(`bench:drift: ${(error as Error).stack ?? error}${cause ? `\ncause: ${String(cause)}` : ''}`);
    process.exitCode = 1;
  }
}
