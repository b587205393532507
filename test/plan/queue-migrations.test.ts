// Queue migrations, the pure part: which changes are migrations, which cannot
// be, the temporary queue's name, and the objects left to the ordinary changes.
import { describe, expect, it } from 'vitest';
import type { ClusterConfig } from '../../src/cluster/cluster-schema.js';
import { withMigrationPlugins } from '../../src/cluster/migration-plugins.js';
import type { Plan } from '../../src/plan/plan-types.js';
import { guardRefusals } from '../../src/plan/guard-rules.js';
import {
  allowsId,
  deadLetterInEffect,
  findMigrations,
  migrationRefusal,
  temporaryQueue,
  temporaryQueueName,
  withoutMigrations,
} from '../../src/plan/queue-migrations.js';
import { objectChanges } from '../../src/plan/vhost-object-changes.js';
import { emptyObjects, type VHostObjects } from '../../src/plan/vhost-objects.js';

const q = (type?: string, extra: { durable?: boolean; autoDelete?: boolean } = {}) => ({
  durable: extra.durable ?? true,
  autoDelete: extra.autoDelete ?? false,
  arguments: type ? { 'x-queue-type': type } : {},
});
const binding = (source: string, destination: string) => ({
  source,
  destination,
  destinationType: 'queue' as const,
  routingKey: destination,
  arguments: {},
});
const objects = (queues: VHostObjects['queues'], bindings: VHostObjects['bindings'] = {}): VHostObjects => ({
  ...emptyObjects(),
  exchanges: { x: { type: 'direct', durable: true, autoDelete: false, internal: false, arguments: {} } },
  queues,
  bindings,
});

describe('allowances', () => {
  it('match ids exactly, or with * for any characters (slashes included)', () => {
    expect(allowsId(['shop/queue/orders'], 'shop/queue/orders')).toBe(true);
    expect(allowsId(['shop/queue/orders'], 'shop/queue/orders2')).toBe(false);
    expect(allowsId(['shop/queue/*'], 'shop/queue/a/b')).toBe(true);
    expect(allowsId(['*/queue/orders'], 'a/b/queue/orders')).toBe(true);
    expect(allowsId(['shop/*/o*s'], 'shop/queue/orders')).toBe(true);
    expect(allowsId(['shop/*/o*s'], 'shop/queue/order')).toBe(false);
    // A pattern is not a regular expression: its dots are dots.
    expect(allowsId(['shop/queue/a.c'], 'shop/queue/abc')).toBe(false);
    expect(allowsId(['a*a'], 'a')).toBe(false);
    expect(allowsId([], 'shop/queue/orders')).toBe(false);
  });
});

describe('what can be migrated', () => {
  it('refuses a stream source and auto-delete queues, with why', () => {
    expect(migrationRefusal(q('classic'), q('quorum'))).toBeUndefined();
    expect(migrationRefusal(q('quorum'), q('stream'))).toBeUndefined();
    expect(migrationRefusal(q('stream'), q('quorum'))).toMatch(/stream cannot be drained/);
    expect(migrationRefusal(q(undefined, { autoDelete: true }), q('quorum'))).toMatch(/auto-delete/);
    expect(migrationRefusal(q(), q(undefined, { autoDelete: true }))).toMatch(/auto-delete/);
  });

  it('names the temporary queue under the reserved prefix, within the broker’s 255 bytes, one per queue', () => {
    expect(temporaryQueueName('orders')).toBe('warren.migrate.orders');
    const long = 'é'.repeat(121); // 242 bytes: with the prefix, 257
    const t = temporaryQueueName(long);
    expect(Buffer.byteLength(t)).toBeLessThanOrEqual(255);
    expect(t).toMatch(/^warren\.migrate\.[0-9a-f]{64}$/);
    expect(temporaryQueueName(`${long}x`)).not.toBe(t);
  });

  it('gives the temporary queue the dead-letter route in effect on the queue: its argument over a policy', () => {
    const args = { 'x-dead-letter-exchange': 'dlx-arg' };
    const policy = { 'dead-letter-exchange': 'dlx-policy', 'dead-letter-routing-key': 'retry', 'max-length': 5 };
    expect(deadLetterInEffect(args, policy)).toEqual({
      'x-dead-letter-exchange': 'dlx-arg',
      'x-dead-letter-routing-key': 'retry',
    });
    expect(deadLetterInEffect({}, {})).toEqual({});
    expect(deadLetterInEffect({ 'x-dead-letter-exchange': 7 }, {})).toEqual({});
    const t = temporaryQueue('orders', deadLetterInEffect({}, policy));
    expect(t.arguments).toEqual({
      'x-dead-letter-exchange': 'dlx-policy',
      'x-dead-letter-routing-key': 'retry',
      'x-queue-type': 'quorum',
      'warren-migration-of': 'orders',
    });
    expect(t.durable && !t.autoDelete).toBe(true);
  });
});

describe('a vhost group’s migrations', () => {
  const olds = objects({ orders: q(), other: q() }, { b1: binding('x', 'orders'), b2: binding('x', 'other') });

  it('are the allowed queues whose declaration changed, and every replaces whose old queue left', () => {
    const news = objects(
      { orders: q('quorum'), other: q('quorum'), v2: q('quorum') },
      { b1: binding('x', 'orders'), b3: binding('x', 'v2') },
    );
    const m = findMigrations(olds, news, ['orders', 'unchanged'], { v2: 'gone', other: 'other' });
    expect(m.inPlace).toEqual(['orders']);
    expect(m.renames).toEqual([['v2', 'gone']]);
  });

  it('leave the migrating queue and its bindings out of the ordinary deletes and declarations', () => {
    const news = objects({ orders: q('quorum'), v2: q() }, { b1: binding('x', 'orders'), b3: binding('x', 'v2') });
    const m = findMigrations(olds, news, ['orders'], { v2: 'other' });
    const views = withoutMigrations(olds, news, m);
    const changes = objectChanges(views.olds, views.news);
    // orders is neither deleted nor declared; other (replaced) is not deleted, nor is its binding.
    expect(changes.deletes.queues).toEqual([]);
    expect(changes.deletes.bindings).toEqual([]);
    expect(Object.keys(changes.declares.queues)).toEqual(['v2']);
    expect(Object.keys(changes.declares.bindings)).toEqual(['b3']);
    // Without the migration, orders would be deleted and declared again (its messages lost).
    expect(objectChanges(olds, news).deletes.queues).toContain('orders');
  });

  it('keep names as data: a queue named __proto__ migrates like any other', () => {
    const a = objects(JSON.parse('{"__proto__": {"durable": true, "autoDelete": false, "arguments": {}}}'));
    const b = objects(
      JSON.parse('{"__proto__": {"durable": true, "autoDelete": false, "arguments": {"x-queue-type": "quorum"}}}'),
    );
    const m = findMigrations(a, b, ['__proto__'], {});
    expect(m.inPlace).toEqual(['__proto__']);
    const views = withoutMigrations(a, b, m);
    expect(objectChanges(views.olds, views.news).deletes.queues).toEqual([]);
  });
});

describe('the guard with migrations', () => {
  const fp = (args: object, autoDelete = false) => JSON.stringify({ arguments: args, autoDelete, durable: true });
  const before = {
    queues: { 'shop/queue/a': fp({}), 'shop/queue/s': fp({ 'x-queue-type': 'stream' }) },
    allowRecreate: [],
    allowDelete: [],
    granularity: 'vhost' as const,
  };
  const retyped = { ...before, queues: { ...before.queues, 'shop/queue/a': fp({ 'x-queue-type': 'quorum' }) } };

  it('lets an allowed migration through with granularity vhost, and names both allowances otherwise', () => {
    expect(guardRefusals(before, { ...retyped, allowMigrate: ['shop/queue/*'] })).toEqual([]);
    const [refusal] = guardRefusals(before, retyped);
    expect(refusal).toContain('warren:allow.migrate');
    expect(refusal).toContain('warren:allow.recreate');
  });

  it('refuses a migration with granularity object, and one of a stream, saying why', () => {
    const { granularity: _, ...objectBefore } = before;
    const { granularity: __, ...objectNext } = retyped;
    expect(guardRefusals(objectBefore, { ...objectNext, allowMigrate: ['shop/queue/a'] })).toEqual([
      expect.stringContaining('warren:granularity: vhost'),
    ]);
    const stream = { ...before, queues: { ...before.queues, 'shop/queue/s': fp({ 'x-queue-type': 'quorum' }) } };
    expect(guardRefusals(before, { ...stream, allowMigrate: ['shop/queue/s'] })).toEqual([
      expect.stringContaining('stream cannot be drained'),
    ]);
  });

  it('lets a replaced queue leave, and says replaces: is the way to keep the messages of one that leaves', () => {
    const next = { ...before, queues: { 'shop/queue/s': before.queues['shop/queue/s'], 'shop/queue/a2': fp({}) } };
    const [refusal] = guardRefusals(before, next);
    expect(refusal).toContain('replaces:');
    expect(guardRefusals(before, { ...next, replaces: { 'shop/queue/a2': 'shop/queue/a' } })).toEqual([]);
  });
});

describe('a cluster whose topology may migrate', () => {
  const cluster = { plugins: ['rabbitmq_stream'] } as unknown as ClusterConfig;
  const plan = (guard: Partial<Plan['guard']>): Plan => ({
    entries: [],
    guard: { queues: {}, allowRecreate: [], allowDelete: [], ...guard },
  });

  it('gets the shovel plugin (migrations move messages with dynamic shovels), and no other cluster does', () => {
    expect(withMigrationPlugins(cluster, plan({})).plugins).toEqual(['rabbitmq_stream']);
    expect(withMigrationPlugins(cluster, plan({ allowMigrate: ['shop/queue/*'] })).plugins).toEqual([
      'rabbitmq_stream',
      'rabbitmq_shovel',
    ]);
    expect(withMigrationPlugins(cluster, plan({ replaces: { 'v/queue/b': 'v/queue/a' } })).plugins).toContain(
      'rabbitmq_shovel',
    );
    const has = { plugins: ['rabbitmq_shovel'] } as unknown as ClusterConfig;
    expect(withMigrationPlugins(has, plan({ allowMigrate: ['x'] })).plugins).toEqual(['rabbitmq_shovel']);
  });
});
