// `npm run bench:engine` (or `-- --migration` alone): a queue migration in place
// of a classic queue holding 100,000 persistent messages into a quorum queue,
// through `pulumi up`, next to a bare dynamic shovel moving the same messages
// from a classic queue into a quorum queue on the same broker, in the same
// run, three times over on fresh stacks. Printed per run: the bare shovel's
// time, the migration's (the provider's own figure and the whole `up`), their
// ratio and the window without the queue; then the median ratio with its
// spread, and where the median run's time goes, step by step (the provider's
// step clock).
import jsYaml from 'js-yaml';
import { IN_PLACE_STEPS } from '../src/plan/queue-migrations.js';
import { shovelDefinition } from '../src/pulumi/dynamic/migrate-queues.js';
import { api, connect, enc, eventually, messageCount } from '../test/e2e/support/broker.js';
import { E2EProject, expectOk } from '../test/e2e/support/e2e-project.js';

const V = 'bench-migrate';

async function fill(queue: string, count: number): Promise<number> {
  const start = Date.now();
  const conn = await connect(V);
  const ch = await conn.createConfirmChannel();
  const body = Buffer.alloc(100, 'm');
  for (let i = 0; i < count; i++) {
    if (!ch.sendToQueue(queue, body, { persistent: true })) await new Promise((r) => ch.once('drain', r));
    if (i % 5000 === 4999) await ch.waitForConfirms();
  }
  await ch.waitForConfirms();
  await conn.close();
  return (Date.now() - start) / 1000;
}

/** One dynamic shovel, defined as the migration defines them (shovelDefinition); seconds until done. */
async function bareShovel(count: number): Promise<number> {
  await api(`/queues/${enc(V)}/bare-from`, 'PUT', { durable: true, arguments: {} });
  await api(`/queues/${enc(V)}/bare-to`, 'PUT', { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await fill('bare-from', count);
  const start = Date.now();
  await api(`/parameters/shovel/${enc(V)}/bare`, 'PUT', { value: shovelDefinition(V, 'bare-from', 'bare-to') });
  await eventually(
    async () => ((await api(`/parameters/shovel/${enc(V)}/bare`)).status === 404 ? true : undefined),
    600_000,
  );
  const seconds = (Date.now() - start) / 1000;
  const moved = await messageCount(V, 'bare-to');
  if (moved !== count) throw new Error(`the bare shovel moved ${moved} of ${count} messages`);
  await api(`/queues/${enc(V)}/bare-from`, 'DELETE');
  await api(`/queues/${enc(V)}/bare-to`, 'DELETE');
  return seconds;
}

function topology(type: string): string {
  return jsYaml.dump({ version: 1, vhosts: { [V]: { queues: { orders: { type } } } } });
}

interface Run {
  readonly filled: number;
  readonly bare: number;
  readonly up: number;
  readonly migration: number;
  readonly report: { ms: number; windowMs: number; steps: Record<string, number> };
}

/** One round on a fresh stack: the bare shovel, then the same number of messages migrated through `up`. */
async function oneRun(count: number): Promise<Run> {
  await api(`/vhosts/${enc(V)}`, 'DELETE');
  const project = new E2EProject({ 'topology.yaml': topology('classic') });
  project.init();
  project.setConfig({ 'warren:granularity': 'vhost', 'warren:allow': { migrate: [`${V}/queue/orders`] } });
  expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'first up');
  const bare = await bareShovel(count);
  const filled = await fill('orders', count);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${project.dir}/topology/topology.yaml`, topology('quorum'));
  const start = Date.now();
  expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up migrating orders');
  const up = (Date.now() - start) / 1000;
  const held = await messageCount(V, 'orders');
  if (held !== count) throw new Error(`after the migration orders holds ${held} of ${count} messages`);
  const state = JSON.parse(project.stdout('stack', 'export')) as {
    deployment: { resources: { type: string; outputs?: { migrated?: Run['report'][] } }[] };
  };
  const report = state.deployment.resources.find((r) => r.type.endsWith('VHostObjects'))?.outputs?.migrated?.[0];
  if (!report) throw new Error('the state holds no migration report');
  // The stack is a throwaway (its directory is temporary); its vhost goes with the broker's own delete.
  await api(`/vhosts/${enc(V)}`, 'DELETE');
  return { filled, bare, up, migration: report.ms / 1000, report };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `runs` rounds (issue 24's rule: a figure is a median with its spread, measured in the same run). */
export async function benchMigration(count = 100_000, runs = 3): Promise<void> {
  const all: Run[] = [];
  for (let i = 0; i < runs; i++) all.push(await oneRun(count));
  const ratios = all.map((r) => r.migration / r.bare);
  const mid = all[ratios.indexOf(median(ratios))]!;
  const col = (xs: readonly number[], digits = 1) => xs.map((x) => x.toFixed(digits).padStart(6)).join(' ');
  console.log(
    `\nqueue migration in place, classic → quorum, ${count.toLocaleString('en-US')} persistent messages of 100 bytes, ${runs} runs (each: a bare shovel, then the migration, on a fresh stack)`,
  );
  console.log(`  ${'publishing them (confirms), s'.padEnd(46)} ${col(all.map((r) => r.filled))}`);
  console.log(`  ${'bare dynamic shovel, classic → quorum, s'.padEnd(46)} ${col(all.map((r) => r.bare))}`);
  console.log(`  ${'migration (the provider, all steps), s'.padEnd(46)} ${col(all.map((r) => r.migration))}`);
  console.log(`  ${'pulumi up (engine, program, migration), s'.padEnd(46)} ${col(all.map((r) => r.up))}`);
  console.log(
    `  ${'window: no queue of that name, ms'.padEnd(46)} ${col(
      all.map((r) => r.report.windowMs),
      0,
    )}`,
  );
  console.log(`  ${'migration / bare shovel'.padEnd(46)} ${col(ratios, 2)}`);
  console.log(
    `  median ${median(ratios).toFixed(2)}× the bare shovel, from ${Math.min(...ratios).toFixed(2)}× to ${Math.max(...ratios).toFixed(2)}× (target ≤ 1.5×; it moves every message twice: ${(median(ratios) / 2).toFixed(2)}× two bare shovels)`,
  );
  console.log("  where the median run's migration time goes:");
  for (const step of IN_PLACE_STEPS)
    console.log(`    ${step.padEnd(50)} ${((mid.report.steps[step] ?? 0) / 1000).toFixed(2).padStart(7)} s`);
}
