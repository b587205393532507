// `warren import` on the real broker: a broker holding every object kind
// (declared behind warren's back, as applications and operators do) →
// export_definitions → topology that validates and exports back to the same
// definitions; then Pulumi adopts the live objects (`warren:adopt`) without
// re-creating anything, and the next `up` changes nothing.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { api, connect, enc, eventually } from './support/broker.js';
import { E2EProject, expectOk } from './support/e2e-project.js';

const V = 'e2e-adopt';
const APP = 'e2e-adopt-app';
const CERT = 'e2e-adopt-cert';
const dir = mkdtempSync(join(tmpdir(), 'warren-adopt-'));
chmodSync(dir, 0o755);

/** A RabbitMQ password hash (sha256), as rabbitmqctl hash_password makes it. */
function hash(password: string): string {
  const salt = randomBytes(4);
  return Buffer.concat([
    salt,
    createHash('sha256')
      .update(Buffer.concat([salt, Buffer.from(password)]))
      .digest(),
  ]).toString('base64');
}

/** Every object kind, declared as an application or operator would: arguments as declared, no x-queue-type on classic queues. */
const handMade = {
  vhosts: [{ name: V, description: 'Adopted', tags: ['legacy'] }],
  users: [
    {
      name: APP,
      password_hash: hash('app-secret'),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: ['management'],
      limits: {},
    },
    { name: CERT, password_hash: '', hashing_algorithm: 'rabbit_password_hashing_sha256', tags: [], limits: {} },
  ],
  permissions: [
    // The deploying user needs permissions in the vhost it manages (a vhost warren creates grants them itself).
    { user: 'guest', vhost: V, configure: '.*', write: '.*', read: '.*' },
    { user: APP, vhost: V, configure: '^$', write: '^(orders|reports)$', read: '^work$' },
    { user: CERT, vhost: V, configure: '', write: '', read: '^audit$' },
  ],
  topic_permissions: [{ user: APP, vhost: V, exchange: 'orders', write: '^order\\.', read: '.*' }],
  parameters: [
    { vhost: V, component: 'vhost-limits', name: 'limits', value: { 'max-connections': 100 } },
    {
      vhost: V,
      component: 'operator_policy',
      name: 'cap',
      value: { pattern: '.*', 'apply-to': 'queues', priority: 0, definition: { 'max-length': 100000 } },
    },
  ],
  policies: [
    {
      vhost: V,
      name: 'ttl',
      pattern: '^audit$',
      'apply-to': 'queues',
      priority: 1,
      definition: { 'message-ttl': 3600000 },
    },
    // What `pulumi up` of an earlier warren left: the changeable settings of queue `work`.
    {
      vhost: V,
      name: 'warren.queue.work',
      pattern: '^work$',
      'apply-to': 'queues',
      priority: 2,
      definition: { 'dead-letter-exchange': 'dlx', 'dead-letter-routing-key': 'dead', 'delivery-limit': 3 },
    },
  ],
  exchanges: [
    {
      name: 'orders',
      vhost: V,
      type: 'topic',
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: { 'alternate-exchange': 'unrouted' },
    },
    { name: 'unrouted', vhost: V, type: 'fanout', durable: true, auto_delete: false, internal: true, arguments: {} },
    { name: 'reports', vhost: V, type: 'headers', durable: true, auto_delete: false, internal: false, arguments: {} },
    { name: 'dlx', vhost: V, type: 'direct', durable: true, auto_delete: false, internal: false, arguments: {} },
    { name: 'fanout-in', vhost: V, type: 'fanout', durable: true, auto_delete: false, internal: false, arguments: {} },
  ],
  queues: [
    { name: 'work', vhost: V, durable: true, auto_delete: false, arguments: { 'x-queue-type': 'quorum' } },
    { name: 'dead', vhost: V, durable: true, auto_delete: false, arguments: {} },
    {
      name: 'audit',
      vhost: V,
      durable: true,
      auto_delete: false,
      arguments: { 'x-message-ttl': 86400000, 'x-max-priority': 4 },
    },
    {
      name: 'pdf',
      vhost: V,
      durable: true,
      auto_delete: false,
      arguments: { 'x-queue-type': 'classic', 'x-single-active-consumer': true },
    },
    { name: 'lost', vhost: V, durable: true, auto_delete: false, arguments: {} },
  ],
  bindings: [
    {
      source: 'orders',
      vhost: V,
      destination: 'work',
      destination_type: 'queue',
      routing_key: 'order.#',
      arguments: {},
    },
    {
      source: 'orders',
      vhost: V,
      destination: 'audit',
      destination_type: 'queue',
      routing_key: 'order.audit.#',
      arguments: {},
    },
    { source: 'dlx', vhost: V, destination: 'dead', destination_type: 'queue', routing_key: 'dead', arguments: {} },
    { source: 'unrouted', vhost: V, destination: 'lost', destination_type: 'queue', routing_key: '', arguments: {} },
    {
      source: 'reports',
      vhost: V,
      destination: 'pdf',
      destination_type: 'queue',
      routing_key: '',
      arguments: { 'x-match': 'all', format: 'pdf', pages: 2 },
    },
    {
      source: 'fanout-in',
      vhost: V,
      destination: 'orders',
      destination_type: 'exchange',
      routing_key: '',
      arguments: {},
    },
    {
      source: 'amq.topic',
      vhost: V,
      destination: 'audit',
      destination_type: 'queue',
      routing_key: 'audit.*',
      arguments: { 'x-note': 'kept' },
    },
  ],
};

function rabbitmqctl(...args: string[]): void {
  const run = spawnSync('rabbitmqctl', args, { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')}: ${run.stderr}`);
}

/** This test's objects in a definitions document, every list sorted, keys sorted: comparable. */
function ours(doc: Record<string, unknown>): Record<string, string[]> {
  const mine = (x: Record<string, unknown>) =>
    x.vhost === V || x.name === V || x.user === APP || x.user === CERT || x.name === APP || x.name === CERT;
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, x]) => [k, sortKeys(x)]),
          )
        : v;
  // What only the broker writes is not compared: the vhost metadata layout and its
  // `limits` list, a queue's derived `type`, `internal: false` (3.10 leaves it out)
  // and empty user limits.
  const normal: Record<string, (x: Record<string, unknown>) => Record<string, unknown>> = {
    vhosts: ({ metadata, limits: _, ...x }) => ({
      ...x,
      ...(metadata
        ? {
            description: (metadata as { description?: string }).description ?? '',
            tags: (metadata as { tags?: string[] }).tags ?? [],
          }
        : {}),
    }),
    queues: ({ type: _, ...x }) => x,
    exchanges: ({ internal, ...x }) => (internal ? { ...x, internal } : x),
    users: ({ limits, ...x }) => (limits && Object.keys(limits).length > 0 ? { ...x, limits } : x),
  };
  const lists = [
    'vhosts',
    'users',
    'permissions',
    'topic_permissions',
    'policies',
    'queues',
    'exchanges',
    'bindings',
    'parameters',
  ];
  return Object.fromEntries(
    lists.map((k) => [
      k,
      ((doc[k] ?? []) as Record<string, unknown>[])
        .filter(mine)
        .map((x) => JSON.stringify(sortKeys((normal[k] ?? ((y) => y))(x))))
        .sort(),
    ]),
  );
}

/** RabbitMQ's export leaves out internal exchanges; the management API lists them. */
async function withInternalExchanges(doc: Record<string, unknown>): Promise<Record<string, unknown>> {
  const internal = (await api<Record<string, unknown>[]>(`/exchanges/${enc(V)}`)).body.filter(
    (x) => x.internal && !String(x.name).startsWith('amq.'),
  );
  return {
    ...doc,
    exchanges: [
      ...(doc.exchanges as object[]),
      ...internal.map(({ name, vhost, type, durable, auto_delete, internal: i, arguments: a }) => ({
        name,
        vhost,
        type,
        durable,
        auto_delete,
        internal: i,
        arguments: a,
      })),
    ],
  };
}

function brokerExport(): Record<string, unknown> {
  const run = spawnSync('rabbitmqctl', ['export_definitions', '-', '--silent'], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`rabbitmqctl export_definitions: ${run.stderr}`);
  return JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as Record<string, unknown>;
}

async function cleanUp(): Promise<void> {
  await api(`/vhosts/${enc(V)}`, 'DELETE');
  for (const u of [APP, CERT]) await api(`/users/${enc(u)}`, 'DELETE');
}

const project = new E2EProject({});
afterAll(async () => {
  project.pulumi('stack', 'rm', '--yes', '--force');
  await cleanUp();
});

describe('warren import against the real broker', () => {
  it('imports every object kind, validates, and exports back to what the broker holds', async () => {
    await cleanUp();
    const file = join(dir, 'hand-made.json');
    writeFileSync(file, JSON.stringify(handMade));
    chmodSync(file, 0o644);
    rabbitmqctl('import_definitions', file);
    const exported = brokerExport();
    const exportFile = join(dir, 'broker.json');
    writeFileSync(exportFile, JSON.stringify(exported));

    // The broker is shared with other tests: take over this vhost and its users only.
    // RabbitMQ's export leaves out internal exchanges: --broker adds them.
    const imported = runCli([
      'import',
      exportFile,
      '--vhost',
      V,
      '--broker',
      'http://127.0.0.1:15672',
      '-o',
      join(project.dir, 'topology'),
    ]);
    expect(imported.stderr).not.toMatch(/ error /);
    expect(imported.code, imported.stderr).toBe(0);
    expect(readdirSync(join(project.dir, 'topology')).sort()).toEqual([`${V}.yaml`, 'users.yaml']);
    expect(runCli(['validate', join(project.dir, 'topology')]).code).toBe(0);

    const again = runCli(['export', join(project.dir, 'topology')]);
    expect(again.code).toBe(0);
    expect(ours(JSON.parse(again.stdout))).toEqual(ours(await withInternalExchanges(exported)));
  }, 120_000);

  it('adopts the live objects: nothing re-created, messages kept, and the next up changes nothing', async () => {
    // Messages in the queues Pulumi is about to take over, published as the application does.
    const conn = await connect(V, APP, 'app-secret');
    const ch = await conn.createConfirmChannel();
    for (let i = 0; i < 3; i++) {
      ch.publish('orders', 'order.1', Buffer.from(`w${i}`), { persistent: true });
      ch.publish('orders', 'order.audit.1', Buffer.from(`a${i}`), { persistent: true });
      ch.publish('reports', '', Buffer.from(`p${i}`), { persistent: true, headers: { format: 'pdf', pages: 2 } });
    }
    await ch.waitForConfirms();
    await conn.close();
    const QUEUES = { work: 6, audit: 3, pdf: 3 };
    const before = ours(brokerExport());

    project.init();
    project.setConfig({ 'warren:adopt': true });
    const preview = expectOk(project.pulumi('preview', '--json'), 'adopt preview');
    const steps = (
      JSON.parse(preview.output.slice(preview.output.indexOf('{'))) as { steps: { op: string; urn: string }[] }
    ).steps;
    const brokerSteps = steps.filter((s) => s.urn.includes('rabbitmq:index/'));
    expect(brokerSteps.length).toBeGreaterThan(20);
    // Every broker object is imported, except a binding whose arguments are not all strings: the
    // provider reads those back as a string map, so it is declared again (a no-op on the broker).
    expect(brokerSteps.filter((s) => s.op !== 'import').map((s) => `${s.op} ${s.urn.split('::').pop()}`)).toEqual([
      `create topology/${V}/binding/reports>queue:pdf[] {"format":"pdf","pages":2,"x-match":"all"}`,
    ]);

    expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'adopting up');
    expect(ours(brokerExport())).toEqual(before);
    // The management API's counts lag up to its stats interval (5 s).
    for (const [q, n] of Object.entries(QUEUES)) {
      expect(
        await eventually(
          async () =>
            (await api<{ messages?: number }>(`/queues/${enc(V)}/${q}`)).body.messages === n ? n : undefined,
          20_000,
        ),
      ).toBe(n);
    }

    project.setConfig({ 'warren:adopt': undefined });
    expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview after adoption');
    expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up after adoption');
    const history = JSON.parse(
      expectOk(project.pulumi('stack', 'history', '--json'), 'history')
        .output.split('\n')
        .filter((l) => !l.startsWith('warning'))
        .join('\n'),
    );
    const last = (history as { resourceChanges: Record<string, number> }[])[0]!.resourceChanges;
    expect(Object.keys(last)).toEqual(['same']);
    expect(ours(brokerExport())).toEqual(before);
  }, 600_000);

  it('switches the adopted stack to granularity vhost as docs/pulumi.md says: refused as is, then forget and adopt, nothing re-created', async () => {
    const before = ours(brokerExport());
    project.setConfig({ 'warren:granularity': 'vhost' });
    const refused = project.pulumi('up', '--yes', '--skip-preview');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('warren:granularity changes from object to vhost');
    expect(ours(brokerExport())).toEqual(before);

    const guard = project.stdout('stack', 'output', 'guard').trim();
    expectOk(project.pulumi('state', 'delete', guard, '--target-dependents', '--force', '--yes'), 'state delete');
    expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up with granularity vhost');
    expect(ours(brokerExport())).toEqual(before);
    for (const [q, n] of Object.entries({ work: 6, audit: 3, pdf: 3 }))
      expect((await api<{ messages?: number }>(`/queues/${enc(V)}/${q}`)).body.messages).toBe(n);
    expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview after the switch');
    const types = (
      JSON.parse(project.stdout('stack', 'export')) as { deployment: { resources: { type: string }[] } }
    ).deployment.resources.map((r) => r.type);
    expect(types).toContain('pulumi-nodejs:dynamic/warren:VHostObjects');
    expect(types.filter((t) => t === 'rabbitmq:index/queue:Queue' || t === 'rabbitmq:index/binding:Binding')).toEqual(
      [],
    );
  }, 600_000);

  it('granularity vhost refuses to adopt a queue declared otherwise, naming it, and changes nothing', async () => {
    const other = new E2EProject({});
    try {
      other.init();
      // The same topology, with queue `dead` declared as a quorum queue: on the broker it is classic.
      const file = join(project.dir, 'topology', `${V}.yaml`);
      mkdirSync(join(other.dir, 'topology'), { recursive: true });
      for (const f of readdirSync(join(project.dir, 'topology')))
        copyFileSync(join(project.dir, 'topology', f), join(other.dir, 'topology', f));
      other.setConfig({
        'warren:granularity': 'vhost',
        'warren:overrides': { vhosts: { [V]: { queues: { dead: { type: 'quorum' } } } } },
      });
      expect(existsSync(file)).toBe(true);
      const before = ours(brokerExport());
      const refused = other.pulumi('up', '--yes', '--skip-preview');
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain(`queue ${V}/dead exists with`);
      expect(refused.output).not.toMatch(/^\s+at /m);
      expect(ours(brokerExport())).toEqual(before);
    } finally {
      other.pulumi('stack', 'rm', '--yes', '--force');
    }
  }, 600_000);
});
