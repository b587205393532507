// `warren diff`: every change classed by what it does to a running broker.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffPlans } from '../../src/diff/diff-plans.js';
import { routingImpact, type RoutingChange } from '../../src/diff/routing-impact.js';
import { mergeFiles } from '../../src/model/merge-files.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { TopologyFile } from '../../src/format/topology-schema.js';
import { ROOT, runCli, STACK_TRACE } from '../support/run-cli.js';

const plan = (t: TopologyFile) => compilePlan(mergeFiles([{ file: 't.yaml', data: t, broken: [] }]).model);
const base: TopologyFile = {
  version: 1,
  vhosts: {
    v: {
      exchanges: { x: { type: 'topic' } },
      queues: { a: { messageTtl: '1m' }, b: {} },
      bindings: [{ from: 'x', to: 'a', key: 'k.#' }],
    },
  },
  users: { u: { password: { secret: 'p' }, permissions: { v: { configure: '', write: '.*', read: '.*' } } } },
};

describe('diffPlans', () => {
  it('finds nothing between a topology and itself', () => {
    expect(diffPlans(plan(base), plan(base))).toEqual([]);
  });

  it('classes each change, data-losing first within a vhost', () => {
    const head: TopologyFile = {
      version: 1,
      vhosts: {
        v: {
          exchanges: { x: { type: 'direct' } },
          queues: { a: { messageTtl: '5m', maxPriority: 3 }, c: {} },
          bindings: [],
        },
      },
      users: { u: { password: { secret: 'p' }, permissions: { v: { configure: '', write: '^$', read: '.*' } } } },
    };
    const changes = diffPlans(plan(base), plan(head)).map((c) => `${c.class} ${c.action} ${c.id}`);
    expect(changes).toEqual([
      'data-losing change v/queue/a',
      'data-losing remove v/queue/b',
      'disruptive remove v/binding/x>queue:a[k.#]',
      'disruptive change v/exchange/x',
      'disruptive change v/permissions/u',
      'safe change v/queue-settings/a',
      'safe add v/queue/c',
    ]);
    const reasons = diffPlans(plan(base), plan(head))
      .map((c) => c.reason)
      .join('\n');
    expect(reasons).toContain(
      'queue a: arguments.x-max-priority (unset) → 3 requires re-declaring; its messages would be lost',
    );
    expect(reasons).toContain('definition.message-ttl 60000 → 300000 change on the live queue');
  });

  it('a migration that a new limit makes lossy is data-losing, and still a migration; a policy for the new type counts', () => {
    const env = { allowRecreate: [], allowDelete: [], allowMigrate: ['v/queue/*'] };
    const planWith = (t: TopologyFile) => compilePlan(mergeFiles([{ file: 't.yaml', data: t, broken: [] }]).model, env);
    const side = (queue: object, policies: object = {}): TopologyFile => ({
      version: 1,
      vhosts: { v: { queues: { a: queue }, policies } },
    });
    const moved = diffPlans(planWith(side({ type: 'classic' })), planWith(side({ type: 'quorum' })));
    expect(moved.map((c) => [c.id, c.class, c.migration])).toEqual([['v/queue/a', 'disruptive', true]]);
    const capped = diffPlans(planWith(side({ type: 'classic' })), planWith(side({ type: 'quorum', maxLength: 10 })));
    const queue = capped.find((c) => c.id === 'v/queue/a')!;
    expect([queue.class, queue.migration]).toEqual(['data-losing', true]);
    expect(queue.reason).toMatch(/max-length/);
    // An unchanged policy that applies to quorum queues only: the migrated queue comes under it.
    const quorumOnly = { q: { pattern: '^a$', applyTo: 'quorum_queues', definition: { 'max-length': 5 } } };
    const under = diffPlans(
      planWith(side({ type: 'classic' }, quorumOnly)),
      planWith(side({ type: 'quorum' }, quorumOnly)),
    );
    expect(under.map((c) => [c.id, c.class, c.migration])).toEqual([['v/queue/a', 'data-losing', true]]);
  });

  it('names users on their own, outside any vhost', () => {
    const changes = diffPlans(plan(base), plan({ ...base, users: {} }));
    expect(changes.find((c) => c.id === 'user/u')).toMatchObject({
      vhost: null,
      class: 'disruptive',
      action: 'remove',
    });
  });
});

describe('warren diff', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-diff-'));
  cpSync(join(ROOT, 'topology'), join(dir, 'head'), { recursive: true });
  const shop = join(dir, 'head', 'shop.yaml');
  writeFileSync(
    shop,
    readFileSync(shop, 'utf8').replace('us_orders: { type: quorum }', 'us_orders: { type: classic }'),
  );

  it('prints text, Markdown and JSON, and exits 0', () => {
    const text = runCli(['diff', 'topology', join(dir, 'head')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^vhost shop\n {2}DATA-LOSING change shop\/queue\/us_orders: queue us_orders: arguments.x-queue-type "quorum" → "classic"/,
    );
    expect(runCli(['diff', 'topology', join(dir, 'head'), '--format', 'markdown']).stdout).toMatch(
      /^## warren diff\n\n\*\*1 change: 1 data-losing/,
    );
    const json = JSON.parse(runCli(['diff', 'topology', join(dir, 'head'), '--format', 'json']).stdout);
    expect(json.summary).toEqual({ 'data-losing': 1, disruptive: 0, safe: 0 });
    expect(json.changes[0]).toMatchObject({
      vhost: 'shop',
      id: 'shop/queue/us_orders',
      kind: 'queue',
      action: 'change',
      class: 'data-losing',
    });
    expect(json.routing).toEqual([]);
  });

  it('--fail-on exits 3 when a change matches, after printing the diff, and 0 when none does', () => {
    const head = join(dir, 'head');
    for (const [failOn, code] of [
      [['data-losing'], 3],
      [['disruptive'], 3],
      [['access'], 0],
      [['access', 'data-losing'], 3],
      [[], 0],
    ] as const) {
      const r = runCli(['diff', 'topology', head, '--format', 'json', ...failOn.flatMap((f) => ['--fail-on', f])]);
      expect(r.code, failOn.join(',')).toBe(code);
      expect(JSON.parse(r.stdout).changes[0]).toMatchObject({
        id: 'shop/queue/us_orders',
        class: 'data-losing',
        access: false,
      });
    }
    expect(
      runCli([
        'diff',
        'topology',
        'topology',
        '--fail-on',
        'data-losing',
        '--fail-on',
        'disruptive',
        '--fail-on',
        'access',
      ]).code,
    ).toBe(0);
  });

  it('--stack allowing the change as a migration: disruptive with migration: true and its steps; --fail-on migration', () => {
    const stack = join(dir, 'Pulumi.migrate.yaml');
    writeFileSync(stack, 'config:\n  warren:allow:\n    migrate: ["shop/queue/us_*"]\n');
    const head = join(dir, 'head');
    const r = runCli(['diff', 'topology', head, '--stack', stack, '--format', 'json', '--fail-on', 'migration']);
    expect(r.code).toBe(3);
    const [c] = JSON.parse(r.stdout).changes;
    expect(c).toMatchObject({ id: 'shop/queue/us_orders', class: 'disruptive', migration: true });
    expect(c.steps[0]).toBe('declare the temporary queue warren.migrate.us_orders');
    expect(c.steps).toHaveLength(10);
    expect(runCli(['diff', 'topology', head, '--stack', stack, '--fail-on', 'data-losing']).code).toBe(0);
    const text = runCli(['diff', 'topology', head, '--stack', stack]).stdout;
    expect(text).toContain('[MIGRATION] shop/queue/us_orders');
    expect(text).toContain('4. move us_orders');
    // Without the allowance it is what it was: data-losing, no migration.
    const plain = runCli(['diff', 'topology', head, '--format', 'json', '--fail-on', 'migration']);
    expect(plain.code).toBe(0);
    expect(JSON.parse(plain.stdout).changes[0].migration).toBeUndefined();
    // An allowance that is not a list of ids is a usage error.
    writeFileSync(stack, 'config:\n  warren:allow:\n    migrate: shop/queue/us_orders\n');
    const bad = runCli(['diff', 'topology', head, '--stack', stack]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${stack}:3:14: warren:allow.migrate: must be a list (wrong-type)`);
    expect(bad.stderr).not.toMatch(STACK_TRACE);
  });

  it('replaces: the old queue is drained into the new one, a disruptive migration instead of a deletion', () => {
    const renamed = join(dir, 'renamed.yaml');
    const before = join(dir, 'before.yaml');
    writeFileSync(before, 'version: 1\nvhosts:\n  v:\n    queues:\n      orders: {}\n');
    writeFileSync(
      renamed,
      'version: 1\nvhosts:\n  v:\n    queues:\n      orders-v2: { type: quorum, replaces: orders }\n',
    );
    const json = JSON.parse(runCli(['diff', before, renamed, '--format', 'json']).stdout);
    expect(
      json.changes.map((c: { class: string; action: string; id: string }) => `${c.class} ${c.action} ${c.id}`),
    ).toEqual(['disruptive remove v/queue/orders', 'safe add v/queue/orders-v2']);
    expect(json.changes[0]).toMatchObject({ migration: true });
    expect(json.changes[0].steps).toEqual([
      "remove orders's bindings (orders-v2 is bound first)",
      "move orders's messages to orders-v2 (dynamic shovel)",
      'delete orders once empty and without consumers',
    ]);
  });

  it('--fail-on access exits 3 when a change widens access, and disruptive does not match safe changes', () => {
    const granted = join(dir, 'granted');
    cpSync(join(ROOT, 'topology'), granted, { recursive: true });
    const users = join(granted, 'users.yaml');
    writeFileSync(
      users,
      readFileSync(users, 'utf8').replace(/^ {2}order-service:\n/m, '  order-service:\n    tags: [management]\n'),
    );
    const json = JSON.parse(runCli(['diff', 'topology', granted, '--format', 'json']).stdout);
    expect(json.changes).toEqual([expect.objectContaining({ id: 'user/order-service', class: 'safe', access: true })]);
    expect(runCli(['diff', 'topology', granted, '--fail-on', 'access']).code).toBe(3);
    expect(runCli(['diff', 'topology', granted, '--fail-on', 'disruptive']).code).toBe(0);
  });

  it('reads one side from standard input', () => {
    const r = runCli(['diff', '-', join(dir, 'head', 'shop.yaml'), '--format', 'json'], {
      input: readFileSync(join(ROOT, 'topology/shop.yaml'), 'utf8'),
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).changes.map((c: { id: string }) => c.id)).toEqual(['shop/queue/us_orders']);
    const both = runCli(['diff', '-', '-'], { input: '' });
    expect(both.code).toBe(2);
    expect(both.stderr).not.toMatch(STACK_TRACE);
  });

  it('exits 1 on invalid input and 2 on usage errors, without stack traces', () => {
    for (const [args, code] of [
      [['diff', 'topology', 'test/fixtures/invalid/references.yaml'], 1],
      [['diff', 'topology'], 2],
      [['diff', 'topology', 'topology', '--format', 'xml'], 2],
      [['diff', 'topology', 'topology', '--fail-on', 'everything'], 2],
      [['diff', 'topology', 'topology', '--fail-on'], 2],
    ] as const) {
      const r = runCli([...args]);
      expect(r.code).toBe(code);
      expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    }
  });
});

describe('routing impact', () => {
  const model = (t: TopologyFile) => mergeFiles([{ file: 't.yaml', data: t, broken: [] }]).model;
  const vhost = (bindings: NonNullable<NonNullable<TopologyFile['vhosts']>[string]['bindings']>, ae?: string) =>
    model({
      version: 1,
      vhosts: {
        v: {
          exchanges: {
            front: { type: 'fanout' },
            orders: { type: 'topic', ...(ae ? { alternateExchange: ae } : {}) },
            lost: { type: 'fanout' },
            hidden: { type: 'topic', internal: true },
          },
          queues: { eu: {}, us: {}, all: {}, unrouted: {} },
          bindings: [{ from: 'front', toExchange: 'orders' }, { from: 'lost', to: 'unrouted' }, ...bindings],
        },
      },
    });
  const what = (r: RoutingChange) =>
    Object.keys(r.message.headers).length > 0 ? JSON.stringify(r.message.headers) : JSON.stringify(r.message.key);
  const line = (r: RoutingChange) =>
    `${r.exchange} ${what(r)}: ${r.before.join(',') || '-'} → ${r.after.join(',') || '-'}`;

  it('says which sampled keys reach other queues, also through exchanges routing into the changed one', () => {
    const before = vhost([
      { from: 'orders', to: 'eu', key: 'order.eu.*' },
      { from: 'orders', to: 'all', key: 'order.#' },
    ]);
    const after = vhost([
      { from: 'orders', to: 'us', key: 'order.us.*' },
      { from: 'orders', to: 'all', key: 'order.#' },
    ]);
    const lines = routingImpact(before, after).map(line);
    expect(lines).toContain('orders "order.eu.x": all,eu → all');
    expect(lines).toContain('orders "order.us.x": all → all,us');
    // front fans out into orders: the same messages published there change too.
    expect(lines).toContain('front "order.eu.x": all,eu → all');
    expect(lines.some((l) => l.startsWith('hidden'))).toBe(false);
  });

  it('follows the alternate exchange only for messages nothing else takes', () => {
    const before = vhost([{ from: 'orders', to: 'eu', key: 'order.eu' }]);
    const after = vhost([{ from: 'orders', to: 'eu', key: 'order.eu' }], 'lost');
    const lines = routingImpact(before, after).map(line);
    expect(lines).toContain('orders "": - → unrouted');
    expect(lines.some((l) => l.startsWith('orders "order.eu"'))).toBe(false);
    expect(routingImpact(before, before)).toEqual([]);
  });
});
