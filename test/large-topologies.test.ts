// Large is normal input: a vhost of 200,000 queues, or 150,000 policies, fits
// in a few megabytes of YAML, and every stage must take it without exceeding
// the call stack (a spread of that many items into push() or Math.max() does),
// giving an answer about each object.
import { describe, expect, it } from 'vitest';
import { diffPlans } from '../src/diff/diff-plans.js';
import { routingImpact } from '../src/diff/routing-impact.js';
import { planToDefinitions } from '../src/export/plan-to-definitions.js';
import { compilePlan } from '../src/plan/compile-plan.js';
import { loadTopology } from '../src/load-topology.js';

const QUEUES = 200_000;
const POLICIES = 150_000;

function validate(vhost: object) {
  const text = JSON.stringify({ version: 1, vhosts: { v: vhost } });
  return loadTopology({ texts: [{ file: 'large.yaml', text }] });
}

describe('large topologies', () => {
  it(`${QUEUES} queues in one vhost: validated, planned, exported and diffed, each queue once`, () => {
    const queues = Object.fromEntries(
      Array.from({ length: QUEUES }, (_, i) => [`q${i}`, i % 1000 === 0 ? { maxLength: 10 } : {}]),
    );
    const base = validate({ queues });
    expect(base.diagnostics).toEqual([]);
    const plan = compilePlan(base.model);
    expect(plan.entries.filter((e) => e.kind === 'queue')).toHaveLength(QUEUES);
    expect(plan.entries.filter((e) => e.kind === 'policy')).toHaveLength(QUEUES / 1000);
    expect(planToDefinitions(plan).definitions.queues).toHaveLength(QUEUES);
    const head = validate({ queues: { ...queues, q7: { maxLength: 1 } } });
    const changes = diffPlans(plan, compilePlan(head.model));
    expect(changes.map((c) => [c.id, c.class])).toEqual([['v/queue-settings/q7', 'data-losing']]);
    expect(routingImpact(base.model, head.model)).toEqual([]);
  }, 120_000);

  it(`${POLICIES} policies of distinct priorities: the settings policy ranks above all of them`, () => {
    const policies = Object.fromEntries(
      Array.from({ length: POLICIES }, (_, i) => [
        `p${i}`,
        { pattern: `^x${i}$`, priority: i, definition: { 'max-length': 1 } },
      ]),
    );
    const { diagnostics, model } = validate({ policies, queues: { x1: { maxLength: 5 } } });
    expect(diagnostics).toEqual([]);
    const settings = compilePlan(model).entries.find((e) => e.id === 'v/queue-settings/x1');
    expect(settings).toMatchObject({ priority: POLICIES, definition: { 'max-length': 5 } });
  }, 120_000);
});
