// Writes test/fixtures/upgrade/<commit>/<granularity>/ with an earlier warren: deploys
// the upgrade topology with that checkout's program, keeps the topology, the
// stack file (its salt and encrypted secrets) and `pulumi stack export`, then
// destroys the stack. Run from a built checkout of the current code (the
// commits are UPGRADE_FROM's):
//   git worktree add --detach /tmp/wt-old <commit> && ln -s "$PWD/node_modules" /tmp/wt-old/
//   (cd /tmp/wt-old && npm run build) && npm run build
//   node dist/test/e2e/support/make-upgrade-fixture.js /tmp/wt-old <commit>
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as Project from './e2e-project.js';
import {
  dropBrokerObjects,
  type Earlier,
  fixtureDir,
  GRANULARITIES,
  prefixOf,
  UPGRADE_FROM,
  upgradeTopology,
} from './upgrade-stack.js';

const [old, commit] = process.argv.slice(2);
if (!old || !UPGRADE_FROM.includes(commit as Earlier))
  throw new Error(`usage: make-upgrade-fixture.js <built checkout of the earlier warren> <${UPGRADE_FROM.join('|')}>`);
// The earlier checkout's E2EProject runs that checkout's dist/src/pulumi/.
const { E2EProject, expectOk } = (await import(join(old, 'dist/test/e2e/support/e2e-project.js'))) as typeof Project;

for (const g of GRANULARITIES) {
  const p = prefixOf(g);
  const topology = upgradeTopology(p);
  await dropBrokerObjects(p);
  const project = new E2EProject({ 'topology.yaml': topology }, p);
  expectOk(project.pulumi('stack', 'init'), 'stack init');
  project.setConfig({
    'warren:topology': ['topology/'],
    'warren:managementUrl': 'http://127.0.0.1:15672',
    'warren:managementUser': 'guest',
    'warren:granularity': g,
  });
  expectOk(project.pulumi('config', 'set', '--secret', 'warren:managementPassword', 'guest'), 'config set');
  const app = `pw-${randomBytes(12).toString('hex')}`;
  expectOk(project.pulumi('config', 'set', '--secret', 'warren:appPassword', app), 'config set');
  expectOk(project.pulumi('up', '--yes', '--skip-preview'), `${g}: up`);
  const dir = fixtureDir(g, commit as Earlier);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'topology.yaml'), topology);
  copyFileSync(project.stackFile(), join(dir, 'Pulumi.e2e.yaml'));
  writeFileSync(join(dir, 'state.json'), project.stdout('stack', 'export'));
  expectOk(project.pulumi('destroy', '--yes', '--skip-preview'), `${g}: destroy`);
  await dropBrokerObjects(p);
  console.log(`${g}: ${dir}`);
}
