// A stack deployed by an earlier warren upgrades with `pulumi up` on the real
// engine: each state in test/fixtures/upgrade/<commit>/ is a `pulumi stack
// export` made by that commit (support/make-upgrade-fixture.ts, UPGRADE_FROM):
// the one before children were named after their topology, whose resources
// must be found again through their aliases, and the last one before issue
// 25's restructuring. Nothing created, deleted or replaced, every id kept.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, enc } from './support/broker.js';
import { E2EProject, expectOk } from './support/e2e-project.js';
import { dropBrokerObjects, fixtureDir, GRANULARITIES, prefixOf, UPGRADE_FROM } from './support/upgrade-stack.js';

interface Resource {
  urn: string;
  id?: string;
}

/** Where the new code puts a resource of 9a16801's state: children and the broker provider renamed `topology/…`. */
function renamedFrom9a16801(urn: string): string {
  const at = urn.lastIndexOf('::');
  const [prefix, name] = [urn.slice(0, at), urn.slice(at + 2)];
  // The provider was the component's child; now it is beside it.
  if (prefix.endsWith('::warren:index:Topology$pulumi:providers:rabbitmq'))
    return `${prefix.replace('warren:index:Topology$', '')}::topology/${name}`;
  return prefix.includes('::warren:index:Topology$') ? `${prefix}::topology/${name}` : urn;
}

const CASES = UPGRADE_FROM.flatMap((from) => GRANULARITIES.map((g) => [g, from] as const));

describe.each(CASES)('a stack of warren:granularity %s deployed by warren %s', (g, from) => {
  const p = prefixOf(g);
  const fixture = fixtureDir(g, from);
  // Only 9a16801's children change names; a later state's URNs stand as they are.
  const renamed = from === '9a16801' ? renamedFrom9a16801 : (urn: string) => urn;
  const project = new E2EProject({ 'topology.yaml': readFileSync(join(fixture, 'topology.yaml'), 'utf8') }, p);
  const earlier = (
    JSON.parse(readFileSync(join(fixture, 'state.json'), 'utf8')) as { deployment: { resources: Resource[] } }
  ).deployment.resources;
  const state = () =>
    (JSON.parse(project.stdout('stack', 'export')) as { deployment: { resources: Resource[] } }).deployment.resources;

  afterAll(async () => {
    project.pulumi('destroy', '--yes', '--skip-preview');
    await dropBrokerObjects(p);
  }, 600_000);

  it('is imported over the broker objects it declared', async () => {
    await dropBrokerObjects(p);
    // The stack file keeps the earlier stack's salt and encrypted secrets (same passphrase).
    copyFileSync(join(fixture, 'Pulumi.e2e.yaml'), project.stackFile());
    expectOk(project.pulumi('stack', 'init'), 'stack init');
    // The fixture's objects left the broker when it was made: declare the same topology again, then
    // replace this fresh state with the earlier deployment's.
    expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up');
    expectOk(project.pulumi('stack', 'import', '--file', join(fixture, 'state.json')), 'stack import');
    expect(state().map((r) => r.urn)).toEqual(earlier.map((r) => r.urn));
    expect((await api(`/queues/${enc(`${p}shop`)}/work`)).status).toBe(200);
  }, 600_000);

  it('previews no create, delete or replace: each resource takes over the earlier one its alias names', () => {
    const preview = JSON.parse(project.stdout('preview', '--json', '--show-sames')) as {
      steps: { op: string; urn: string; oldState?: Resource }[];
    };
    expect(preview.steps.filter((s) => s.op !== 'same' && s.op !== 'update').map((s) => `${s.op} ${s.urn}`)).toEqual(
      [],
    );
    // (Default providers have no step of their own.)
    expect(preview.steps.map((s) => `${s.oldState?.urn} → ${s.urn}`).sort()).toEqual(
      earlier
        .filter((r) => !/::pulumi:providers:[^:]+::default/.test(r.urn))
        .map((r) => `${r.urn} → ${renamed(r.urn)}`)
        .sort(),
    );
  }, 600_000);

  it('pulumi up keeps every resource (under its new name where it has one) and its id, updates nothing but the destroy check, and leaves nothing to do', async () => {
    const up = expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up');
    // Only the destroy check may be updated: it carries the provider code `pulumi destroy` runs, which
    // changes whenever warren's own code does; every other resource is unchanged.
    const updated = [...up.output.matchAll(/^ ~ +(\S+) \S+ updated/gm)].map((m) => m[1]);
    expect(updated.filter((type) => type !== 'pulumi-nodejs:dynamic/warren:DestroyCheck')).toEqual([]);
    expect(up.output).toMatch(/^Resources:\n(\s+~ 1 updated\n)?\s+\d+ unchanged\n/m);
    expect(up.output).not.toMatch(/\b(created|deleted|replaced)\b/);
    const ids = new Map(state().map((r) => [r.urn, r.id]));
    expect([...ids.keys()].sort()).toEqual(earlier.map((r) => renamed(r.urn)).sort());
    for (const r of earlier) expect(ids.get(renamed(r.urn)), r.urn).toBe(r.id);
    expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview after up');
    expect((await api(`/queues/${enc(`${p}shop`)}/work`)).status).toBe(200);
  }, 600_000);

  it(`without warren:granularity in the stack file, the default (vhost) ${g === 'object' ? 'is refused, with both ways out' : 'changes nothing'}`, async () => {
    const file = project.stackFile();
    const kept = readFileSync(file, 'utf8');
    writeFileSync(file, kept.replace(/^ {2}warren:granularity: \w+\n/m, ''));
    expect(readFileSync(file, 'utf8')).not.toContain('warren:granularity');
    try {
      if (g === 'vhost') {
        expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview with the default granularity');
        return;
      }
      const preview = project.pulumi('preview');
      expect(preview.code).not.toBe(0);
      expect(preview.output).toContain('warren:granularity changes from object to vhost');
      expect(preview.output).toContain('set warren:granularity: object in the stack file');
      expect(preview.output).toContain('pulumi state delete');
      expect(project.pulumi('up', '--yes', '--skip-preview').code).not.toBe(0);
      expect((await api(`/queues/${enc(`${p}shop`)}/work`)).status).toBe(200);
    } finally {
      writeFileSync(file, kept);
    }
    expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview with warren:granularity: object again');
  }, 600_000);
});
