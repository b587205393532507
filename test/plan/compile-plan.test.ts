// The plan compiler, pure: snapshots of the example topology's plan (one per
// part), and the rules the snapshots alone would not make obvious.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { Plan, PlanEntry, PolicyEntry, QueueEntry } from '../../src/plan/plan-types.js';
import { mergeFiles } from '../../src/model/merge-files.js';
import type { TopologyFile } from '../../src/format/topology-schema.js';
import { loadTopology } from '../../src/load-topology.js';

const ROOT = join(import.meta.dirname, '..', '..');

function planOf(topology: TopologyFile, allowRecreate: string[] = []) {
  return compilePlan(mergeFiles([{ file: 't.yaml', data: topology, broken: [] }]).model, {
    allowRecreate,
    allowDelete: [],
  });
}

function byId(entries: readonly PlanEntry[], id: string): PlanEntry {
  const found = entries.find((e) => e.id === id);
  if (!found) throw new Error(`no entry ${id}; have ${entries.map((e) => e.id).join(', ')}`);
  return found;
}

/**
 * The plan in parts, one per rule of the compiler: each kind of entry of each
 * vhost (`shop/queue`, `shop/queue-settings`, …), the vhosts, the users, the guard.
 */
function parts(plan: Plan): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const e of plan.entries) {
    const [vhost, kind] = e.id.split('/') as [string, string];
    const part = vhost === 'vhost' || vhost === 'user' ? `${vhost}s` : `${vhost}/${kind}`;
    out.set(part, [...((out.get(part) as PlanEntry[] | undefined) ?? []), e]);
  }
  return out.set('guard', plan.guard);
}

describe('the example topology', () => {
  const validation = loadTopology({ paths: [join(ROOT, 'topology')] });
  const plan = compilePlan(validation.model);
  const recorded = parts(plan);

  it('is valid, and its parts hold the whole plan', () => {
    expect(validation.valid).toBe(true);
    expect(Object.keys(plan)).toEqual(['entries', 'guard']);
    const entries = [...recorded].flatMap(([part, value]) => (part === 'guard' ? [] : (value as PlanEntry[])));
    expect(entries.sort((a, b) => (a.id < b.id ? -1 : 1))).toEqual(plan.entries);
  });

  // One small snapshot per part, so that a change to one rule shows in its own file.
  for (const [part, value] of recorded)
    it(`compiles ${part} to the recorded entries`, async () => {
      await expect(value).toMatchFileSnapshot(`__snapshots__/example-plan/${part}.snap`);
    });

  it('gives every entry a unique id and only depends on entries that exist', () => {
    const all = new Set(plan.entries.map((e) => e.id));
    expect(all.size).toBe(plan.entries.length);
    for (const e of plan.entries) for (const d of e.dependsOn) expect(all.has(d), `${e.id} → ${d}`).toBe(true);
  });

  it('keeps passwords as references', () => {
    expect(byId(plan.entries, 'user/order-service')).toMatchObject({
      password: { kind: 'secret', key: 'orderServicePassword' },
    });
    expect(JSON.stringify(plan)).not.toMatch(/"password":"[^{]/);
  });
});

describe('changeable queue settings', () => {
  const topology: TopologyFile = {
    version: 1,
    vhosts: {
      v: {
        queues: {
          'orders.eu': {
            type: 'quorum',
            messageTtl: '60s',
            deliveryLimit: 5,
            deadLetter: { exchange: '', routingKey: 'dead' },
          },
          plain: {},
          dead: {},
          stream: { type: 'stream', maxAge: '7d', maxLengthBytes: '1GiB' },
        },
        policies: {
          caps: {
            pattern: '^orders',
            applyTo: 'queues',
            priority: 4,
            definition: { 'max-length': 10, 'message-ttl': 1 },
          },
          low: { pattern: '.*', priority: 2, definition: { expires: 1000 } },
        },
      },
    },
  };
  const plan = planOf(topology);

  it('are not declaration arguments: only immutable fields are', () => {
    const q = byId(plan.entries, 'v/queue/orders.eu') as QueueEntry;
    expect(q.arguments).toEqual({ 'x-queue-type': 'quorum' });
    expect(q.durable).toBe(true);
  });

  it('go into a per-queue policy above every user policy, merged over the policy that would apply', () => {
    const p = byId(plan.entries, 'v/queue-settings/orders.eu') as PolicyEntry;
    expect(p).toMatchObject({
      name: 'warren.queue.orders.eu',
      pattern: '^orders\\.eu$',
      applyTo: 'queues',
      priority: 5,
      settingsOf: 'orders.eu',
    });
    // From `caps` (the highest-priority user policy matching), overlaid by the queue's own settings.
    expect(p.definition).toEqual({
      'max-length': 10,
      'message-ttl': 60_000,
      'delivery-limit': 5,
      'dead-letter-exchange': '',
      'dead-letter-routing-key': 'dead',
    });
    expect(p.dependsOn).toContain('v/queue/orders.eu');
  });

  it('are absent for queues without such settings, so user policies apply as written', () => {
    expect(plan.entries.some((e) => e.id === 'v/queue-settings/plain')).toBe(false);
    expect(byId(plan.entries, 'v/queue-settings/stream')).toMatchObject({
      definition: { 'max-age': '604800s', 'max-length-bytes': 1024 ** 3 },
    });
  });

  it('changing one changes only the policy, never the queue', () => {
    const changed = planOf({
      ...topology,
      vhosts: {
        v: {
          ...topology.vhosts!.v!,
          queues: {
            ...topology.vhosts!.v!.queues,
            'orders.eu': {
              type: 'quorum',
              messageTtl: '5m',
              deliveryLimit: 5,
              deadLetter: { exchange: '', routingKey: 'dead' },
            },
          },
        },
      },
    });
    const q = (p: typeof plan) => byId(p.entries, 'v/queue/orders.eu');
    expect(q(changed)).toEqual(q(plan));
    expect(byId(changed.entries, 'v/queue-settings/orders.eu')).not.toEqual(
      byId(plan.entries, 'v/queue-settings/orders.eu'),
    );
    expect(changed.guard.queues).toEqual(plan.guard.queues);
  });

  it('changing an immutable field changes the fingerprint the guard compares', () => {
    const changed = planOf({
      version: 1,
      vhosts: { v: { queues: { ...topology.vhosts!.v!.queues, plain: { maxPriority: 5 } } } },
    });
    expect(changed.guard.queues['v/queue/plain']).not.toBe(plan.guard.queues['v/queue/plain']);
    expect(changed.guard.queues['v/queue/orders.eu']).toBe(plan.guard.queues['v/queue/orders.eu']);
  });
});

describe('ids', () => {
  it('come from vhost + kind + name, not positions: reordering bindings changes nothing', () => {
    const bindings = [
      { from: 'x', to: 'a', key: 'k1' },
      { from: 'x', to: 'b', key: 'k2' },
      { from: 'h', to: 'a', match: 'any' as const, headers: { f: 'pdf', n: 1 } },
    ];
    const make = (list: typeof bindings) =>
      planOf({
        version: 1,
        vhosts: { v: { exchanges: { x: {}, h: { type: 'headers' } }, queues: { a: {}, b: {} }, bindings: list } },
      });
    expect(make([...bindings].reverse())).toEqual(make(bindings));
    const ids = make(bindings)
      .entries.filter((e) => e.kind === 'binding')
      .map((e) => e.id);
    expect(ids).toEqual([
      'v/binding/h>queue:a[] {"f":"pdf","n":1,"x-match":"any"}',
      'v/binding/x>queue:a[k1]',
      'v/binding/x>queue:b[k2]',
    ]);
  });

  it('escape slashes so that names read back unambiguously, and a rename is a new id', () => {
    const plan = planOf({ version: 1, vhosts: { '/': { queues: { 'a/b': {} } } } });
    expect(plan.entries.map((e) => e.id)).toContain('%2F/queue/a%2Fb');
    expect(planOf({ version: 1, vhosts: { '/': { queues: { 'a-b': {} } } } }).entries.map((e) => e.id)).toContain(
      '%2F/queue/a-b',
    );
  });
});
