// `npm run bench:engine`: the real Pulumi engine against the local broker, on
// a topology of about 1,000 objects: first `up`, a no-op `preview`, and a
// one-queue edit; next to RabbitMQ's own bulk path, `rabbitmqctl
// import_definitions` of the same objects (the plan as a definitions
// document). Needs `npm test`'s set-up (toolchain and broker) done first.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planToDefinitions } from '../src/export/plan-to-definitions.js';
import { findFiles } from '../src/load/find-files.js';
import { compilePlan } from '../src/plan/compile-plan.js';
import { validateTopology } from '../src/validate-topology.js';
import { E2EProject, expectOk } from '../test/e2e/support/e2e-project.js';

const VHOSTS = 10;
const QUEUES = 40;

/** Per vhost: 5 exchanges, 40 queues, 40 settings policies (queue TTLs), 40 bindings, 1 policy, 1 vhost. */
function topology(): string {
  const lines = ['version: 1', 'vhosts:'];
  for (let v = 0; v < VHOSTS; v++) {
    lines.push(`  bench-${v}:`, '    exchanges:', '      events: { type: topic }', '      commands: {}', '      fan: { type: fanout }', '      dlx: {}', '      hdr: { type: headers }', '    queues:');
    for (let q = 0; q < QUEUES; q++) lines.push(`      q${q}: { type: ${q % 2 ? 'quorum' : 'classic'}, messageTtl: ${60 + q}s }`);
    lines.push('    bindings:');
    for (let q = 0; q < QUEUES; q++) lines.push(`      - { from: ${['events', 'commands', 'fan', 'dlx'][q % 4]}, to: q${q}, key: "k.${q}" }`);
    lines.push('    policies:', '      cap: { pattern: "^q", applyTo: queues, definition: { max-length-bytes: 100000000 } }');
  }
  return lines.join('\n') + '\n';
}

function timed<T>(label: string, fn: () => T): { seconds: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s`);
  return { seconds, value };
}

function dropVhosts(): void {
  for (let v = 0; v < VHOSTS; v++) spawnSync('rabbitmqctl', ['delete_vhost', `bench-${v}`], { stdio: 'ignore' });
}

function main(): void {
  dropVhosts();
  const text = topology();
  const project = new E2EProject({ 'bench.yaml': text });
  project.init();
  const plan = compilePlan(validateTopology(findFiles([join(project.dir, 'topology')]).files).model);
  const objects = plan.entries.length;
  console.log(`topology: ${objects} objects (${VHOSTS} vhosts; exchanges, queues, bindings, policies); Pulumi resources include the guard, provider and vhost settings\n`);

  const up = timed('pulumi up (first, creates everything)', () => expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'first up'));
  const noop = timed('pulumi preview (no changes)', () => expectOk(project.pulumi('preview', '--expect-no-changes'), 'no-op preview'));
  project.setConfig({ 'warren:overrides': { vhosts: { 'bench-3': { queues: { q7: { messageTtl: '5m' } } } } } });
  const edit = timed('pulumi up (one queue edited)', () => expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'edit up'));
  if (!/1 updated/.test(edit.value.output)) throw new Error(`expected exactly one update:\n${edit.value.output.slice(-2000)}`);
  expectOk(project.pulumi('destroy', '--yes', '--skip-preview'), 'destroy');
  dropVhosts();

  // rabbitmqctl runs as the rabbitmq user, who cannot read the project's private
  // directory; 3.10 does not read definitions from stdin either.
  const file = join(tmpdir(), `warren-bench-definitions-${process.pid}.json`);
  writeFileSync(file, JSON.stringify(planToDefinitions(plan).definitions), { mode: 0o644 });
  const imported = timed('rabbitmqctl import_definitions (same objects)', () => spawnSync('rabbitmqctl', ['import_definitions', file], { encoding: 'utf8' }));
  rmSync(file);
  if (imported.value.status !== 0) throw new Error(`import_definitions failed: ${imported.value.stderr}`);
  dropVhosts();

  console.log(`\nratio first up / import_definitions: ${(up.seconds / imported.seconds).toFixed(1)}x`);
  console.log(`ratio one-queue edit / import_definitions: ${(edit.seconds / imported.seconds).toFixed(1)}x`);
  console.log(`no-op preview: ${noop.seconds.toFixed(2)} s`);
}

main();
