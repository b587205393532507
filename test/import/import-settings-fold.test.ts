// `warren import` folds a `warren.queue.<name>` policy back into its queue
// only when it is what warren writes: every settings policy warren compiles
// (whatever the queue's type, its settings and the user policies it merges)
// folds back into the same settings, and nothing else under the prefix does.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { planToDefinitions } from '../../src/export/plan-to-definitions.js';
import { importDefinitions } from '../../src/import/import-definitions.js';
import type { Definitions } from '../../src/import/definitions-schema.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { PolicyEntry } from '../../src/plan/plan-types.js';
import { loadTopology } from '../../src/load-topology.js';

// Settings each queue type takes (what validation accepts), with values of each kind.
const COMMON = {
  messageTtl: ['1s', 60000],
  expires: ['1h'],
  // 100 is also a user policy's below: a queue's own setting equal to the policy it merges.
  maxLength: [10, 0, 100],
  maxLengthBytes: ['1MB'],
  deadLetter: [{ exchange: 'dlx' }, { exchange: 'dlx', routingKey: 'k', strategy: 'at-most-once' }],
};
// RabbitMQ 3.10–3.13 refuse a leader locator on classic queues (queue-type-unsupported).
const BY_TYPE: Record<string, Record<string, readonly unknown[]>> = {
  classic: { ...COMMON, overflow: ['drop-head', 'reject-publish', 'reject-publish-dlx'] },
  quorum: { ...COMMON, overflow: ['drop-head', 'reject-publish'], deliveryLimit: [5], leaderLocator: ['balanced'] },
  stream: { maxAge: ['7d'], maxLengthBytes: ['1MB'], leaderLocator: ['balanced'] },
};

const queue = fc.constantFrom('classic', 'quorum', 'stream').chain((type) =>
  fc
    .record(Object.fromEntries(Object.entries(BY_TYPE[type]!).map(([k, v]) => [k, fc.constantFrom(...v)])), {
      requiredKeys: [],
    })
    .map((settings) => ({ type, ...settings })),
);

// User policies that validation accepts for their targets; `ha-mode` and `max-in-memory-length` are keys no
// queue field states.
const DEFINITIONS: Record<string, readonly object[]> = {
  queues: [{ 'max-length': 100 }, { 'message-ttl': 5000, 'max-length-bytes': 1000 }],
  all: [{ 'max-length': 100 }, { 'message-ttl': 5000 }],
  classic_queues: [{ 'max-length': 100 }, { 'ha-mode': 'all', 'message-ttl': 5000 }],
  quorum_queues: [{ 'delivery-limit': 3 }, { 'max-in-memory-length': 10, 'max-length': 7 }],
  streams: [{ 'max-length-bytes': 1000 }, { 'max-age': '1D' }],
};
const userPolicy = fc.constantFrom(...Object.keys(DEFINITIONS)).chain((applyTo) =>
  fc.record({
    pattern: fc.constantFrom('^q', '.*', '^q1$', '^nothing$'),
    applyTo: fc.constant(applyTo),
    priority: fc.integer({ min: 0, max: 5 }),
    definition: fc.constantFrom(...DEFINITIONS[applyTo]!),
  }),
);

/** A topology's plan, its settings policies and its errors. */
function compiled(topology: object) {
  const v = loadTopology({ texts: [{ file: 't.yaml', text: JSON.stringify(topology) }] });
  const plan = compilePlan(v.model);
  return {
    plan,
    problems: v.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`),
    settings: plan.entries.filter((e): e is PolicyEntry => 'settingsOf' in e),
  };
}

it('every settings policy warren writes folds back into the same settings, and no other policy is left', () => {
  fc.assert(
    fc.property(
      fc.array(queue, { minLength: 1, maxLength: 3 }),
      fc.array(userPolicy, { maxLength: 3 }),
      (queues, userPolicies) => {
        // Distinct priorities: two policies of one priority matching one queue are an error (policy-ambiguous).
        const policies = Object.fromEntries(
          userPolicies.map((p, i) => [`p${i}`, { ...p, priority: p.priority + 10 * i }]),
        );
        const topology = {
          version: 1,
          vhosts: {
            shop: {
              exchanges: { dlx: { type: 'fanout' } },
              queues: { ...Object.fromEntries(queues.map((q, i) => [`q${i}`, q])), dead: {} },
              bindings: [{ from: 'dlx', to: 'dead' }],
              policies,
            },
          },
        };
        const before = compiled(topology);
        expect(before.problems).toEqual([]);
        fc.pre(before.settings.length > 0);
        const exported = planToDefinitions(before.plan);
        const imported = importDefinitions('d.json', exported.definitions as unknown as Definitions);
        expect(imported.findings.filter((f) => f.code === 'import-skipped')).toEqual([]);
        const shop = imported.vhosts.get('shop')!;
        expect(Object.keys(shop.policies ?? {}).sort()).toEqual(Object.keys(policies).sort());
        expect(compiled({ version: 1, vhosts: { shop } }).settings).toEqual(before.settings);
      },
    ),
    { numRuns: 100 },
  );
});

it("folds back a settings policy whose every setting equals the user policy's it merged", () => {
  const topology = {
    version: 1,
    vhosts: {
      shop: {
        queues: { q1: { maxLength: 100 }, q2: { maxLength: 100, messageTtl: 5000 } },
        policies: { cap: { pattern: '^q', applyTo: 'queues', definition: { 'max-length': 100, 'message-ttl': 5000 } } },
      },
    },
  };
  const before = compiled(topology);
  expect(before.settings.map((p) => p.name)).toEqual(['warren.queue.q1', 'warren.queue.q2']);
  const imported = importDefinitions('d.json', planToDefinitions(before.plan).definitions as unknown as Definitions);
  expect(imported.findings).toEqual([]);
  const shop = imported.vhosts.get('shop')!;
  expect(Object.keys(shop.policies ?? {})).toEqual(['cap']);
  expect(compiled({ version: 1, vhosts: { shop } }).settings).toEqual(before.settings);
});
