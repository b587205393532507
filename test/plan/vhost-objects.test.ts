// warren:granularity vhost, pure: grouping the plan per vhost, and what an
// update deletes and declares. The provider only carries these out.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../src/plan/compile-plan.js';
import {
  declarationConflicts,
  liveObjects,
  objectChanges,
  protectRefusals,
  toDefinitions,
  type LiveVhost,
} from '../../src/plan/vhost-object-changes.js';
import { emptyObjects, groupByVhost, isGroupedEntry, type VHostObjects } from '../../src/plan/vhost-objects.js';
import { loadTopology } from '../../src/load-topology.js';

const ROOT = join(import.meta.dirname, '..', '..');
const plan = compilePlan(loadTopology({ paths: [join(ROOT, 'topology')] }).model, {
  allowRecreate: ['shop/queue/all_orders'],
  allowDelete: [],
});
const groups = groupByVhost(plan, true);
const shop = groups.find((g) => g.vhost === 'shop')!;

/** The shop group with some changes applied. */
function edited(edit: (o: { -readonly [K in keyof VHostObjects]: Record<string, unknown> }) => void): VHostObjects {
  const copy = structuredClone(shop.objects) as unknown as {
    -readonly [K in keyof VHostObjects]: Record<string, unknown>;
  };
  edit(copy);
  return copy as unknown as VHostObjects;
}

describe('grouping the plan per vhost', () => {
  it('holds every exchange, queue, binding and policy once, in the group of its vhost', () => {
    const grouped = plan.entries.filter(isGroupedEntry);
    expect(groups.flatMap((g) => g.entryIds).sort()).toEqual(grouped.map((e) => e.id).sort());
    const count = (g: (typeof groups)[number]) =>
      Object.values(g.objects).reduce((n, m) => n + Object.keys(m).length, 0);
    expect(groups.reduce((n, g) => n + count(g), 0)).toBe(grouped.length);
    expect(Object.keys(shop.objects.queues)).toContain('order_processor');
    expect(shop.objects.bindings['orders>queue:all_orders[order.#]']).toEqual({
      source: 'orders',
      destination: 'all_orders',
      destinationType: 'queue',
      routingKey: 'order.#',
      arguments: {},
    });
    expect(shop.objects.policies['warren.queue.order_processor']).toMatchObject({
      pattern: '^order_processor$',
      applyTo: 'queues',
    });
    expect(Object.keys(shop.objects.operatorPolicies)).toEqual(['cap-length']);
  });

  it('writes operator policies as parameters of the definitions document (the broker keeps their definition a map then)', () => {
    expect(toDefinitions(shop.objects).parameters).toEqual([
      {
        component: 'operator_policy',
        name: 'cap-length',
        value: expect.objectContaining({
          'apply-to': 'queues',
          definition: expect.objectContaining({ 'max-length': 1000000 }),
        }),
      },
    ]);
  });

  it('protects every queue but those the stack allows to be re-declared', () => {
    expect(shop.protectedQueues).toContain('order_processor');
    expect(shop.protectedQueues).not.toContain('all_orders');
    expect(groupByVhost(plan, false).every((g) => g.protectedQueues.length === 0)).toBe(true);
  });
});

describe('what an update deletes and declares', () => {
  it('changes nothing when nothing changed', () => {
    const c = objectChanges(shop.objects, shop.objects);
    expect(Object.values(c.deletes).flat()).toEqual([]);
    expect(Object.values(c.declares).flatMap((m) => Object.keys(m))).toEqual([]);
  });

  it('overwrites a changed policy in place, deleting nothing', () => {
    const next = edited((o) => {
      (o.policies['warren.queue.all_orders'] as { definition: object }).definition = { 'max-length': 7 };
    });
    const c = objectChanges(shop.objects, next);
    expect(Object.values(c.deletes).flat()).toEqual([]);
    expect(Object.keys(c.declares.policies)).toEqual(['warren.queue.all_orders']);
    expect(toDefinitions(c.declares)).toEqual({
      policies: [
        expect.objectContaining({
          name: 'warren.queue.all_orders',
          'apply-to': 'queues',
          definition: { 'max-length': 7 },
        }),
      ],
    });
  });

  it('re-declares a queue whose declaration changed, and its bindings, which the broker drops with it', () => {
    const next = edited((o) => {
      (o.queues.all_orders as { arguments: object }).arguments = { 'x-queue-type': 'classic' };
    });
    const c = objectChanges(shop.objects, next);
    expect(c.deletes.queues).toEqual(['all_orders']);
    expect(c.deletes.bindings).toEqual([]);
    expect(Object.keys(c.declares.queues)).toEqual(['all_orders']);
    expect(Object.keys(c.declares.bindings)).toEqual(['orders>queue:all_orders[order.#]']);
  });

  it('deletes a removed binding by itself, and leaves the bindings of a removed exchange to go with it', () => {
    const next = edited((o) => {
      delete o.bindings['orders>queue:us_orders[order.*.us]'];
      delete o.exchanges.reports;
      for (const key of Object.keys(o.bindings)) if (key.startsWith('reports>')) delete o.bindings[key];
    });
    const c = objectChanges(shop.objects, next);
    expect(c.deletes.bindings).toEqual(['orders>queue:us_orders[order.*.us]']);
    expect(c.deletes.exchanges).toEqual(['reports']);
    expect(Object.values(c.declares).flatMap((m) => Object.keys(m))).toEqual([]);
  });

  it('refuses to delete or re-declare a protected queue, and lets an unprotected one go', () => {
    const removed = edited((o) => {
      delete o.queues.order_processor;
    });
    expect(protectRefusals('shop', shop.objects, shop.protectedQueues, removed, shop.protectedQueues)).toEqual([
      expect.stringContaining('queue shop/order_processor is protected'),
    ]);
    const retyped = edited((o) => {
      (o.queues.csv_reports as { durable: boolean }).durable = false;
    });
    expect(protectRefusals('shop', shop.objects, shop.protectedQueues, retyped, shop.protectedQueues)).toHaveLength(1);
    expect(
      protectRefusals(
        'shop',
        shop.objects,
        shop.protectedQueues,
        retyped,
        shop.protectedQueues.filter((q) => q !== 'csv_reports'),
      ),
    ).toEqual([]);
    expect(protectRefusals('shop', shop.objects, [], removed, [])).toEqual([]);
  });
});

describe('reading the broker back', () => {
  // The broker lists a vhost's objects in the same rows the definitions import takes (toDefinitions);
  // operator policies as policy rows.
  const live = (objects: VHostObjects): LiveVhost => {
    const d = toDefinitions(objects);
    const operator = toDefinitions({ ...emptyObjects(), policies: objects.operatorPolicies });
    return {
      exchanges: d.exchanges ?? [],
      queues: d.queues ?? [],
      bindings: d.bindings ?? [],
      policies: d.policies ?? [],
      operatorPolicies: operator.policies ?? [],
    } as LiveVhost;
  };

  it('reads an undrifted vhost as exactly the managed objects, ignoring objects it does not manage', () => {
    const broker = live(shop.objects);
    const withExtra = {
      ...broker,
      queues: [...broker.queues, { name: 'hand-made', durable: true, auto_delete: false, arguments: {} }],
    };
    expect(liveObjects(shop.objects, withExtra)).toEqual(shop.objects);
  });

  it('leaves out what was deleted by hand and carries what was changed by hand (RabbitMQ 4 reports classic queues typed)', () => {
    const broker = live(shop.objects);
    const drifted = {
      ...broker,
      queues: broker.queues
        .filter((q) => q.name !== 'csv_reports')
        .map((q) =>
          q.name === 'pdf_reports' ? { ...q, arguments: { ...q.arguments, 'x-queue-type': 'classic' } } : q,
        ),
      bindings: broker.bindings.filter((b) => b.destination !== 'us_orders'),
      policies: broker.policies.map((p) => (p.name === 'queue-length-cap' ? { ...p, priority: 99 } : p)),
    };
    const read = liveObjects(shop.objects, drifted);
    expect(Object.keys(read.queues)).not.toContain('csv_reports');
    expect(read.queues.pdf_reports).toEqual(shop.objects.queues.pdf_reports);
    expect(Object.keys(read.bindings).filter((k) => k.includes('us_orders'))).toEqual([]);
    expect(read.policies['queue-length-cap']!.priority).toBe(99);
    const c = objectChanges(read, shop.objects);
    expect(Object.keys(c.declares.queues)).toEqual(['csv_reports']);
    const csv = Object.keys(shop.objects.bindings).filter(
      (k) => shop.objects.bindings[k]!.destination === 'csv_reports',
    );
    expect(csv).toHaveLength(1);
    expect(Object.keys(c.declares.bindings).sort()).toEqual(['orders>queue:us_orders[order.*.us]', ...csv].sort());
    expect(Object.keys(c.declares.policies)).toEqual(['queue-length-cap']);
  });

  it('names each exchange or queue that exists with another declaration', () => {
    const broker = live(shop.objects);
    const other = {
      ...broker,
      queues: broker.queues.map((q) => (q.name === 'order_processor' ? { ...q, arguments: {} } : q)),
    };
    expect(declarationConflicts('shop', shop.objects, broker)).toEqual([]);
    expect(declarationConflicts('shop', shop.objects, other)).toEqual([
      expect.stringMatching(/^queue shop\/order_processor exists with/),
    ]);
  });
});
