// Environment layering: a stack's warren:overrides laid over the shared
// topology, checked with positions inside the stack file.
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStackOverrides } from '../src/cli/read-stack.js';
import { findFiles } from '../src/load/find-files.js';
import { merge } from '../src/model/apply-overrides.js';
import { compilePlan } from '../src/plan/compile-plan.js';
import type { PolicyEntry } from '../src/plan/plan-types.js';
import { validateTopology } from '../src/validate-topology.js';
import { expectedProblems } from './support/expectations.js';

const ROOT = join(import.meta.dirname, '..');
const topology = findFiles([join(ROOT, 'topology')]).files;
const withStack = (stack: string) => validateTopology(topology, readStackOverrides(join(ROOT, stack)));

describe('example stacks', () => {
  it.each(['local', 'staging', 'production'])('%s validates clean', (stack) => {
    expect(withStack(`stacks/Pulumi.${stack}.yaml`).diagnostics).toEqual([]);
  });

  it('staging adds a queue and its binding, and changes a TTL through the settings policy only', () => {
    const base = compilePlan(validateTopology(topology).model);
    const staging = compilePlan(withStack('stacks/Pulumi.staging.yaml').model);
    const ids = staging.entries.map((e) => e.id);
    expect(ids).toContain('shop/queue/debug_orders');
    expect(ids).toContain('shop/binding/orders>queue:debug_orders[#]');
    const ttl = (plan: typeof base) =>
      (plan.entries.find((e) => e.id === 'shop/queue-settings/unrouted_orders') as PolicyEntry).definition[
        'message-ttl'
      ];
    expect([ttl(base), ttl(staging)]).toEqual([86_400_000, 3_600_000]);
    expect(staging.guard.queues['shop/queue/unrouted_orders']).toBe(base.guard.queues['shop/queue/unrouted_orders']);
    expect(staging.entries.find((e) => e.id === 'vhost/shop')).toMatchObject({
      limits: { maxConnections: 100, maxQueues: 200 },
    });
  });

  it('production removes a user with null', () => {
    const production = compilePlan(withStack('stacks/Pulumi.production.yaml').model);
    expect(production.entries.map((e) => e.id).filter((id) => id.includes('ops-readonly'))).toEqual([]);
  });
});

describe('invalid overrides', () => {
  it.each(['Pulumi.invalid.yaml', 'Pulumi.malformed.yaml'])(
    '%s reports its problems at their places in the stack file',
    (name) => {
      const file = join(ROOT, 'test/fixtures/stacks', name);
      const dir = join(ROOT, 'test/fixtures/stacks');
      const problems = withStack(relative(ROOT, file)).diagnostics.map(
        (d) => `${relative(dir, d.file)}:${d.line}:${d.col}: ${d.severity} ${d.code}`,
      );
      expect(problems.sort()).toEqual(expectedProblems(file, dir));
    },
  );
});

describe('overrides given directly', () => {
  const at = { file: 'stack.yaml', data: undefined as unknown };

  it('a scalar is one wrong-type problem, not one per character', () => {
    const found = validateTopology(topology, { ...at, data: 'queues' }).diagnostics.filter(
      (d) => d.file === 'stack.yaml',
    );
    expect(found.map((d) => `${d.code} ${d.pointer}`)).toEqual(['wrong-type /config/warren:overrides']);
    expect(
      validateTopology(topology, { ...at, data: ['a', 'b'] }).diagnostics.filter((d) => d.file === 'stack.yaml'),
    ).toHaveLength(1);
    expect(validateTopology(topology, { ...at, data: null }).diagnostics).toEqual([]);
  });

  it('null for a kind removes all of that kind in the vhost', () => {
    const { model } = validateTopology(topology, {
      ...at,
      data: { vhosts: { shop: { queues: null, bindings: null } } },
    });
    expect(validateTopology(topology).model.vhosts.get('shop')!.queues.size).toBeGreaterThan(0);
    expect(model.vhosts.get('shop')!.queues.size).toBe(0);
    expect(model.vhosts.get('shop')!.bindings.size).toBe(0);
    expect(compilePlan(model).entries.filter((e) => e.id.startsWith('shop/queue/'))).toEqual([]);
  });

  it('users: null removes every user', () => {
    const { model } = validateTopology(topology, { ...at, data: { users: null } });
    expect(model.users.size).toBe(0);
  });
});

describe('merge', () => {
  it('merges mappings, replaces lists and scalars, and removes with null', () => {
    expect(merge({ a: { b: 1, c: [1, 2] }, d: 1, e: 2 }, { a: { c: [3] }, d: null, f: { g: 1 } })).toEqual({
      a: { b: 1, c: [3] },
      e: 2,
      f: { g: 1 },
    });
  });
});
