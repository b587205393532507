// `warren export` on the real broker: the document `rabbitmqctl
// import_definitions` accepts, and after importing it the broker's objects
// are the topology's (same check as after `pulumi up`).
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { api, enc } from './support/broker.js';
import { E2EProject } from './support/e2e-project.js';
import { dropNames, expectNamesOnBroker, namesTopology } from './support/hostile-names.js';

const PREFIX = 'e2e-export-';
const project = new E2EProject(undefined, PREFIX);
// Global names on the broker (support/hostile-names.ts), distinct from the lifecycle suites'.
const NAMES = { vhost: 'prototype', user: 'toString' };
const VHOSTS = [`${PREFIX}shop`, `${PREFIX}ops`, NAMES.vhost];

async function cleanUp(): Promise<void> {
  for (const v of VHOSTS) await api(`/vhosts/${enc(v)}`, 'DELETE');
  await dropNames(NAMES.vhost, NAMES.user);
  const users = (await api<{ name: string }[]>('/users')).body.filter((u) => u.name.startsWith(PREFIX));
  for (const u of users) await api(`/users/${enc(u.name)}`, 'DELETE');
}
afterAll(cleanUp);

it('exports definitions that rabbitmqctl imports into exactly the topology', async () => {
  await cleanUp();
  const exported = runCli(['export', join(project.dir, 'topology')]);
  expect(exported.code).toBe(0);
  expect(exported.stderr).toMatch(new RegExp(`user ${PREFIX}order-service: its password is a stack secret`));
  importDefinitions(exported.stdout, 'definitions.json');

  const shop = `${PREFIX}shop`;
  expect((await api<{ description: string; tags: string[] }>(`/vhosts/${enc(shop)}`)).body).toMatchObject({
    description: 'Order processing',
    tags: ['production'],
  });
  expect((await api<{ value: object }[]>(`/vhost-limits/${enc(shop)}`)).body[0]!.value).toEqual({
    'max-connections': 500,
    'max-queues': 1000,
  });
  const queues = (await api<{ name: string; type: string; arguments: object }[]>(`/queues/${enc(shop)}`)).body;
  expect(queues).toHaveLength(11);
  expect(queues.find((q) => q.name === 'order_processor')).toMatchObject({
    type: 'quorum',
    arguments: { 'x-queue-type': 'quorum' },
  });
  const bindings = (await api<{ source: string }[]>(`/bindings/${enc(shop)}`)).body.filter((b) => b.source !== '');
  expect(bindings).toHaveLength(11);
  const policies = (await api<{ name: string; definition: object }[]>(`/policies/${enc(shop)}`)).body;
  expect(policies.find((p) => p.name === 'warren.queue.order_processor')!.definition).toEqual({
    'message-ttl': 60000,
    'delivery-limit': 5,
    'dead-letter-exchange': 'dlx',
    'dead-letter-routing-key': 'order_processor.dead',
  });
  expect((await api<{ name: string }[]>(`/operator-policies/${enc(shop)}`)).body.map((p) => p.name)).toEqual([
    'cap-length',
  ]);
  const hashed = (await api<{ password_hash: string; tags: string[] }>(`/users/${PREFIX}ops-readonly`)).body;
  expect(hashed).toMatchObject({
    password_hash: 'kI0MHlX38jqO698UaneR9TZUFVcGhnVxJC1DTaU7m48+/o+y',
    tags: ['monitoring'],
  });
  expect((await api<{ write: string }[]>(`/users/${PREFIX}order-service/permissions`)).body).toEqual([
    expect.objectContaining({ vhost: shop, write: '^orders$' }),
  ]);
  expect((await api<object[]>(`/users/${PREFIX}order-service/topic-permissions`)).body).toHaveLength(1);
}, 120_000);

it('exports objects named __proto__, constructor, prototype, toString so that rabbitmqctl imports each as named', async () => {
  await cleanUp();
  const topology = join(project.dir, 'names.yaml');
  writeFileSync(topology, namesTopology(NAMES.vhost, NAMES.user));
  const exported = runCli(['export', topology]);
  expect(exported.code, exported.stderr).toBe(0);
  importDefinitions(exported.stdout, 'names-definitions.json');
  await expectNamesOnBroker(NAMES.vhost, NAMES.user);
}, 120_000);

/** `rabbitmqctl import_definitions` of a document; rabbitmqctl runs as the rabbitmq user: the file must be readable by it. */
function importDefinitions(text: string, name: string): void {
  const file = join(project.dir, name);
  writeFileSync(file, text);
  chmodSync(project.dir, 0o755);
  chmodSync(file, 0o644);
  const imported = spawnSync('rabbitmqctl', ['import_definitions', file], { encoding: 'utf8' });
  expect(imported.status, imported.stderr).toBe(0);
}
