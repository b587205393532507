// `npm run bench:engine`: warren's program on the real engine against the
// local broker, granularity vhost (the default), tier by tier, each figure
// measured BENCH_RUNS times (default 3) and printed as its median with the
// spread, next to its baseline from the same run:
// - first `up` against `POST /api/definitions` of the same objects (the
//   broker's own bulk path, over HTTP as warren's provider uses it);
// - `destroy` against `DELETE /api/vhosts/{name}` of the same vhosts;
// - the no-op `preview` and a one-queue edit against Pulumi's own cost for the
//   same number of resources and bytes: a program of no-op dynamic resources
//   whose inputs are warren's, byte for byte (the floor, see floorRuns); the
//   floor's own first `up` and `destroy` are printed beside those too.
// Each `pulumi` run is sampled (sample-processes.ts): CPU time by process and
// the peak memory of all processes together.
import { readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { planToDefinitions } from '../src/export/plan-to-definitions.js';
import { planText } from './plan-text.js';
import { E2EProject, expectOk, projectYaml, ROOT } from '../test/e2e/support/e2e-project.js';
import { PROCESS_KINDS, type ProcessKind, runSampled, type SampledRun } from './sample-processes.js';

export interface Tier {
  readonly name: string;
  readonly text: string;
  /** The one-queue edit, as `warren:overrides`. */
  readonly edit: object;
  /** Config keys to set as secrets (the topology's passwords). */
  readonly secrets: readonly string[];
  readonly targets: { up: number; preview: number; edit: number; memoryMiB?: number };
}

const API = 'http://127.0.0.1:15672/api';
const AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;

async function api(method: string, path: string, body?: unknown): Promise<void> {
  const r = await fetch(`${API}${path}`, {
    method,
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(1_800_000),
  });
  if (r.status >= 300 && !(method === 'DELETE' && r.status === 404))
    throw new Error(`${method} ${path}: ${r.status} ${(await r.text()).slice(0, 500)}`);
}

async function seconds(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const spread = (xs: readonly number[], digits = 1) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

/** A `pulumi` command of the project's stack, sampled (runSampled), its wall time logged under `tag`; throws when it fails. */
async function sampledPulumi(project: E2EProject, tag: string, label: string, ...args: string[]): Promise<SampledRun> {
  const r = await runSampled('pulumi', [...args, '--stack', 'e2e', '--non-interactive', '--color', 'never'], {
    cwd: project.dir,
    env: project.env(),
  });
  console.log(`  [${tag}] ${label.padEnd(36)} ${r.seconds.toFixed(2).padStart(7)} s`);
  if (r.code !== 0) throw new Error(`${tag}: pulumi ${args.join(' ')} failed:\n${r.output.slice(-3000)}`);
  return r;
}

/** The run, after checking that it updated exactly one resource (an edit of one object must touch one). */
function oneUpdate(r: SampledRun, tag: string): SampledRun {
  if (!/1 updated/.test(r.output)) throw new Error(`${tag}: expected exactly one update:\n${r.output.slice(-2000)}`);
  return r;
}

/**
 * A project of its own (a floor's program) beside warren's: `files` (its index.js and any data), with warren's
 * Pulumi.yaml options and node_modules, and its stack made.
 */
export function floorProject(files: Record<string, string>): E2EProject {
  const project = new E2EProject({}, 'floor-', {
    files: {
      'package.json': JSON.stringify({ name: 'warren-floor', type: 'module', main: 'index.js' }),
      'Pulumi.yaml': projectYaml('warren-floor'),
      ...files,
    },
  });
  symlinkSync(join(ROOT, 'node_modules'), join(project.dir, 'node_modules'));
  expectOk(project.pulumi('stack', 'init'), 'floor stack init');
  return project;
}

interface Run {
  importSeconds: number;
  deleteSeconds: number;
  up: SampledRun;
  preview: SampledRun;
  edits: SampledRun[];
  destroy: SampledRun;
  stateKiB: number;
  resources: number;
}

/**
 * The broker's own bulk import of `definitions`: one `POST /api/definitions`, or, for a body past what the
 * management API takes in one request (its `management.http.max_body_size`, 20 MB by default; the 100,000-queue
 * tier is some 100 MB), the users, vhosts and permissions in one request and each vhost's objects in one
 * `POST /api/definitions/{vhost}` — still the broker's bulk path, one request per vhost.
 */
export async function importDefinitions(
  definitions: Record<string, unknown>,
  oneRequestBytes = ONE_REQUEST_BYTES,
): Promise<void> {
  const body = JSON.stringify(definitions);
  if (body.length <= oneRequestBytes) return api('POST', '/definitions', definitions);
  const perVhost = ['queues', 'exchanges', 'bindings', 'policies', 'parameters'];
  const global = Object.fromEntries(Object.entries(definitions).filter(([k]) => !perVhost.includes(k)));
  await api('POST', '/definitions', global);
  const vhosts = ((definitions.vhosts ?? []) as { name: string }[]).map((v) => v.name);
  for (const vhost of vhosts) {
    const own = Object.fromEntries(
      perVhost.map((k) => [
        k,
        ((definitions[k] ?? []) as { vhost?: string }[])
          .filter((o) => o.vhost === vhost)
          .map(({ vhost: _, ...rest }) => rest),
      ]),
    );
    await api('POST', `/definitions/${encodeURIComponent(vhost)}`, own);
  }
}

/** Below RabbitMQ's default HTTP body limit (20 MB), with room. */
const ONE_REQUEST_BYTES = 16 * 1024 * 1024;

/** One run of a tier: the baselines, then a new stack's first up, no-op preview, three edits and destroy. */
async function runTier(
  tier: Tier,
  vhosts: readonly string[],
  users: readonly string[],
  definitions: Record<string, unknown>,
) {
  const drop = async () => {
    for (const v of vhosts) await api('DELETE', `/vhosts/${encodeURIComponent(v)}`);
    for (const u of users) await api('DELETE', `/users/${encodeURIComponent(u)}`);
  };
  await drop();
  const importSeconds = await seconds(() => importDefinitions(definitions));
  const deleteSeconds = await seconds(drop);
  const project = new E2EProject({ 'topology.yaml': tier.text });
  project.init();
  for (const key of tier.secrets)
    expectOk(project.pulumi('config', 'set', '--secret', `warren:${key}`, `bench-${key}`), `config set ${key}`);
  // The default granularity (vhost): what a new stack gets.
  project.setConfig({ 'warren:granularity': undefined });
  const pulumi = (label: string, ...args: string[]) => sampledPulumi(project, tier.name, label, ...args);
  const up = await pulumi('pulumi up (first)', 'up', '--yes', '--skip-preview');
  const stateFile = join(project.stateDir, '.pulumi', 'stacks', 'warren-e2e', 'e2e.json');
  const stateKiB = statSync(stateFile).size / 1024;
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { checkpoint: { latest: { resources: Resource[] } } };
  const preview = await pulumi('pulumi preview (no change)', 'preview', '--expect-no-changes');
  const edits: SampledRun[] = [];
  for (const [i, overrides] of [tier.edit, undefined, tier.edit].entries()) {
    project.setConfig({ 'warren:overrides': overrides });
    const label = `pulumi up (one queue ${i === 1 ? 'edited back' : 'edited'})`;
    edits.push(oneUpdate(await pulumi(label, 'up', '--yes', '--skip-preview'), tier.name));
  }
  const destroy = await pulumi('pulumi destroy', 'destroy', '--yes', '--skip-preview');
  rmSync(project.dir, { recursive: true, force: true });
  await drop();
  const run: Run = {
    importSeconds,
    deleteSeconds,
    up,
    preview,
    edits,
    destroy,
    stateKiB,
    resources: state.checkpoint.latest.resources.length,
  };
  return { run, resources: state.checkpoint.latest.resources };
}

interface Resource {
  urn: string;
  type: string;
  custom?: boolean;
  inputs?: Record<string, unknown>;
}

/**
 * Pulumi's own cost for the same number of resources and bytes: one no-op dynamic resource for each of warren's
 * custom resources, whose inputs are that resource's, byte for byte (a secret as a string as long as its ciphertext;
 * warren's `__provider` as a string input as long as it, beside the floor's own few hundred bytes). Its preview
 * and a one-object edit (one object text of the largest vhost group changed) are what any program of that size pays.
 */
async function floorRuns(tier: Tier, resources: readonly Resource[], runs: number) {
  const inputs = resources
    .filter((r) => r.custom && !r.type.startsWith('pulumi:'))
    .map((r, i) => {
      // A dynamic resource may not name an input __provider: warren's provider text goes as another input, as long.
      const { __provider: text, ...rest } = plain(r.inputs ?? {}) as Record<string, unknown>;
      return { name: `r${i}`, inputs: text === undefined ? rest : { ...rest, warrenProvider: text } };
    });
  const sizes = inputs.map((r) => JSON.stringify(r.inputs).length);
  const largest = inputs[sizes.indexOf(Math.max(...sizes))]!;
  const project = floorProject({
    // The provider's code given as text (a few hundred bytes, as warren's loader is), so that neither pays the
    // SDK's serialization at run time.
    'index.js': [
      "import * as pulumi from '@pulumi/pulumi';",
      "import { readFileSync } from 'node:fs';",
      `const provider = ${JSON.stringify(FLOOR_PROVIDER)};`,
      "const edit = new pulumi.Config().get('edit') ?? '';",
      "for (const r of JSON.parse(readFileSync('floor-inputs.json', 'utf8'))) {",
      `  const inputs = r.name === ${JSON.stringify(largest.name)} ? { ...r.inputs, edit } : r.inputs;`,
      "  new pulumi.CustomResource('pulumi-nodejs:dynamic:Resource', r.name, { ...inputs, __provider: provider });",
      '}',
      '',
    ].join('\n'),
    'floor-inputs.json': JSON.stringify(inputs),
  });
  const tag = `${tier.name} floor`;
  const sampled = (label: string, ...args: string[]) => sampledPulumi(project, tag, label, ...args);
  // Its first up and destroy: what creating and deleting that many resources with those bytes costs, no broker.
  const up = await sampled('pulumi up (first)', 'up', '--yes', '--skip-preview');
  const previews: SampledRun[] = [];
  const edits: SampledRun[] = [];
  for (let i = 0; i < runs; i++) {
    previews.push(await sampled('pulumi preview (no change)', 'preview', '--expect-no-changes'));
    project.setConfig({ 'warren-floor:edit': `edit ${i}` });
    edits.push(oneUpdate(await sampled('pulumi up (one resource edited)', 'up', '--yes', '--skip-preview'), tag));
  }
  const destroy = await sampled('pulumi destroy', 'destroy', '--yes', '--skip-preview');
  rmSync(project.dir, { recursive: true, force: true });
  return { up, previews, edits, destroy, resources: inputs.length };
}

/** The floor's dynamic provider: no work but comparing inputs. */
const FLOOR_PROVIDER = [
  'exports.handler = () => ({',
  "  async create(inputs) { return { id: 'floor', outs: inputs }; },",
  '  async diff(_id, olds, news) { return { changes: JSON.stringify(olds) !== JSON.stringify(news) }; },',
  '  async update(_id, _olds, news) { return { outs: news }; },',
  '});',
].join('\n');

/** A state's inputs as plain values: a secret's ciphertext becomes a string as long as it (the engine's own wrapper would be taken for a secret). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  const o = value as Record<string, unknown>;
  if (Object.hasOwn(o, '4dabf18193072939515e22adb298388d')) return 'x'.repeat(JSON.stringify(o).length);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) Object.defineProperty(out, k, { value: plain(v), enumerable: true });
  return out;
}

export async function benchTier(tier: Tier, runs: number): Promise<TierFigures> {
  const plan = planText('topology.yaml', tier.text);
  const definitions = planToDefinitions(plan).definitions as {
    vhosts?: { name: string }[];
    users?: { name: string }[];
  };
  const vhosts = (definitions.vhosts ?? []).map((v) => v.name);
  const users = (definitions.users ?? []).map((u) => u.name);
  console.log(`\ntier ${tier.name}: ${plan.entries.length} objects in ${vhosts.length} vhosts; ${runs} runs`);
  const all: Run[] = [];
  let resources: Resource[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runTier(tier, vhosts, users, definitions);
    all.push(r.run);
    resources = r.resources;
  }
  const floor = await floorRuns(tier, resources, runs);
  return { tier, objects: plan.entries.length, runs: all, floor };
}

export interface TierFigures {
  readonly tier: Tier;
  readonly objects: number;
  readonly runs: readonly Run[];
  readonly floor: Awaited<ReturnType<typeof floorRuns>>;
}

/** Every figure of a tier: median, spread, baseline and target. */
export function printTier(f: TierFigures): { edit: number } {
  const { tier, runs } = f;
  const ups = runs.map((r) => r.up.seconds);
  const imports = runs.map((r) => r.importSeconds);
  const previews = runs.map((r) => r.preview.seconds);
  const edits = runs.flatMap((r) => r.edits.map((e) => e.seconds));
  const destroys = runs.map((r) => r.destroy.seconds);
  const deletes = runs.map((r) => r.deleteSeconds);
  const memory = runs.flatMap((r) => [r.up, r.preview, ...r.edits, r.destroy].map((s) => s.peakMiB));
  const floorPreview = median(f.floor.previews.map((p) => p.seconds));
  const floorEdit = median(f.floor.edits.map((p) => p.seconds));
  const row = (name: string, value: string, runsText: string, against: string, target: string, met?: boolean) =>
    console.log(
      `  ${name.padEnd(30)} ${value.padStart(11)}  ${runsText.padEnd(16)} ${against.padEnd(44)} ${target}${met === undefined ? '' : met ? '  met' : '  MISSED'}`,
    );
  console.log(
    `\n${tier.name}: ${f.objects} objects, ${runs[0]!.resources} resources, state ${median(runs.map((r) => r.stateKiB)).toFixed(0)} KiB; medians of ${runs.length} runs (edits: ${edits.length})`,
  );
  row('figure', 'median', 'spread', 'baseline (same run)', 'target');
  const upRatio = median(ups) / median(imports);
  row(
    'first up',
    `${median(ups).toFixed(2)} s`,
    spread(ups),
    `${upRatio.toFixed(2)}x POST /api/definitions (${median(imports).toFixed(2)} s, ${spread(imports)}); floor ${f.floor.up.seconds.toFixed(2)} s`,
    `≤ ${tier.targets.up}x`,
    upRatio <= tier.targets.up,
  );
  row(
    'no-op preview',
    `${median(previews).toFixed(2)} s`,
    spread(previews, 2),
    `Pulumi's floor ${floorPreview.toFixed(2)} s (${spread(
      f.floor.previews.map((p) => p.seconds),
      2,
    )})`,
    `≤ ${tier.targets.preview} s`,
    median(previews) <= tier.targets.preview,
  );
  row(
    'one-queue edit',
    `${median(edits).toFixed(2)} s`,
    spread(edits, 2),
    `Pulumi's floor ${floorEdit.toFixed(2)} s (${spread(
      f.floor.edits.map((p) => p.seconds),
      2,
    )})`,
    `≤ ${tier.targets.edit} s`,
    median(edits) <= tier.targets.edit,
  );
  const destroyRatio = median(destroys) / median(deletes);
  row(
    'destroy',
    `${median(destroys).toFixed(2)} s`,
    spread(destroys),
    `${destroyRatio.toFixed(2)}x DELETE /api/vhosts (${median(deletes).toFixed(2)} s, ${spread(deletes, 2)}); floor ${f.floor.destroy.seconds.toFixed(2)} s`,
    '≤ 2x',
    destroyRatio <= 2,
  );
  // The floor's runs, sampled as warren's: what Pulumi's processes hold for the same resources and bytes.
  const floorRuns = [f.floor.up, ...f.floor.previews, ...f.floor.edits, f.floor.destroy];
  const floorLargest = PROCESS_KINDS.map((k) => [k, Math.max(...floorRuns.map((s) => s.peakByKind[k]))] as const).sort(
    (a, b) => b[1] - a[1],
  )[0]!;
  row(
    'peak memory, all processes',
    `${Math.max(...memory).toFixed(0)} MiB`,
    '(largest)',
    `Pulumi's floor ${Math.max(...floorRuns.map((s) => s.peakMiB)).toFixed(0)} MiB (${floorLargest[0]} ${floorLargest[1].toFixed(0)})`,
    tier.targets.memoryMiB ? `≤ ${tier.targets.memoryMiB} MiB` : '',
    tier.targets.memoryMiB ? Math.max(...memory) <= tier.targets.memoryMiB : undefined,
  );
  const all = runs.flatMap((r) => [r.up, r.preview, ...r.edits, r.destroy]);
  console.log(
    `  peak memory by process (largest)       ${PROCESS_KINDS.filter((k) => k !== 'other')
      .map((k) => `${k} ${Math.max(...all.map((s) => s.peakByKind[k])).toFixed(0)} MiB`)
      .join(', ')}`,
  );
  // CPU by process: medians over the runs of each kind of run.
  const cpu = (list: readonly SampledRun[], kind: ProcessKind) => median(list.map((r) => r.cpu[kind]));
  const kinds = PROCESS_KINDS.filter((k) => k !== 'other' || runs.some((r) => r.preview.cpu.other > 0.05));
  console.log(`  CPU seconds by process (medians)       preview   floor     edit      floor     first up`);
  for (const k of kinds) {
    const previewList = runs.map((r) => r.preview);
    const editList = runs.flatMap((r) => r.edits);
    console.log(
      `    ${k.padEnd(36)} ${[
        cpu(previewList, k),
        cpu(f.floor.previews, k),
        cpu(editList, k),
        cpu(f.floor.edits, k),
        cpu(
          runs.map((r) => r.up),
          k,
        ),
      ]
        .map((x) => x.toFixed(2).padStart(8))
        .join('  ')}`,
    );
  }
  return { edit: median(edits) };
}
