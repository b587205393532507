import { describe, expect, it } from 'vitest';
import { describeChange, guardRefusals } from '../../src/plan/guard-rules.js';

const fp = (args: object, durable = true) => JSON.stringify({ arguments: args, autoDelete: false, durable });
const before = {
  queues: { 'shop/queue/a': fp({ 'x-queue-type': 'classic' }), 'shop/queue/b': fp({ 'x-queue-type': 'quorum' }) },
  allowRecreate: [],
  allowDelete: [],
};

describe('the no-loss guard', () => {
  it('lets the first deployment and unchanged or added queues through', () => {
    expect(guardRefusals(undefined, before)).toEqual([]);
    expect(guardRefusals(before, { ...before, queues: { ...before.queues, 'shop/queue/c': fp({}) } })).toEqual([]);
  });

  it('refuses an immutable change, naming the queue, the change and the allowance', () => {
    const next = { ...before, queues: { ...before.queues, 'shop/queue/a': fp({ 'x-queue-type': 'quorum' }) } };
    const [refusal, ...rest] = guardRefusals(before, next);
    expect(rest).toEqual([]);
    expect(refusal).toContain('queue shop/queue/a: arguments.x-queue-type "classic" → "quorum"');
    expect(refusal).toContain('warren:allow.recreate');
    expect(guardRefusals(before, { ...next, allowRecreate: ['shop/queue/a'] })).toEqual([]);
  });

  it('refuses a removal unless the stack allows that queue to be deleted', () => {
    const next = { ...before, queues: { 'shop/queue/b': before.queues['shop/queue/b'] } };
    expect(guardRefusals(before, next)).toEqual([
      expect.stringContaining('queue shop/queue/a is no longer in the topology'),
    ]);
    expect(guardRefusals(before, { ...next, allowDelete: ['shop/queue/a'] })).toEqual([]);
    expect(guardRefusals(before, { ...next, allowRecreate: ['shop/queue/a'] })).toHaveLength(1);
  });

  it('describes every changed field', () => {
    expect(describeChange(fp({ 'x-max-priority': 5 }), fp({}, false))).toBe(
      'arguments.x-max-priority 5 → (unset), durable true → false',
    );
  });
});

describe('the granularity switch', () => {
  it('refuses a switch either way, saying how to switch safely, and lets an unchanged granularity through', () => {
    const vhost = { ...before, granularity: 'vhost' as const };
    for (const [a, b] of [
      [before, vhost],
      [vhost, before],
    ]) {
      const refusals = guardRefusals(a, b);
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toContain('warren:granularity changes');
      expect(refusals[0]).toContain('pulumi state delete');
    }
    expect(guardRefusals(vhost, vhost)).toEqual([]);
    expect(guardRefusals(undefined, vhost)).toEqual([]);
  });

  it('tells a stack deployed while object was the default how to keep it (the default is vhost now)', () => {
    const vhost = { ...before, granularity: 'vhost' as const };
    // Guards of object stacks record no granularity: so did every stack of the earlier default.
    expect(guardRefusals(before, vhost)[0]).toContain('set warren:granularity: object in the stack file');
    expect(guardRefusals(vhost, before)[0]).not.toContain('defaults to vhost');
  });
});
