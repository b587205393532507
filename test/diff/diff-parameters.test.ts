// `warren diff` of upstreams, sets, shovels and super streams: truthful
// classes with reasons, and never a secret's value (keys only).
import { describe, expect, it } from 'vitest';
import { diffPlans } from '../../src/diff/diff-plans.js';
import { mergeFiles } from '../../src/model/merge-files.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { TopologyFile, VHostSpec } from '../../src/format/topology-schema.js';

const planOf = (vhost: VHostSpec) =>
  compilePlan(
    mergeFiles([{ file: 't.yaml', data: { version: 1, vhosts: { a: vhost } } as TopologyFile, broken: [] }]).model,
  );

const BASE: VHostSpec = {
  queues: { jobs: {} },
  federationUpstreams: {
    origin: { uri: { uri: 'amqp://fed@far/b', password: { secret: 'FED_PW' } } },
    other: { uri: { secret: 'WHOLE_URI' } },
  },
  federationUpstreamSets: { regions: ['origin', 'other'] },
  shovels: {
    move: { source: { uri: 'amqp:///a', queue: 'jobs' }, destination: { uri: 'amqp://far/x', queue: 'jobs' } },
  },
  superStreams: { invoices: { partitions: 2 } },
};

const changes = (head: VHostSpec) =>
  diffPlans(planOf(BASE), planOf(head)).map((c) => ({
    id: c.id,
    action: c.action,
    class: c.class,
    kind: c.kind,
    reason: c.reason,
  }));

describe('diff of format 1.1 objects', () => {
  it('a new shovel that never loses messages is safe; with no-ack or srcDeleteAfter it is data-losing, saying why', () => {
    const added = (shovel: Record<string, unknown>) =>
      changes({
        ...BASE,
        shovels: {
          ...BASE.shovels,
          extra: {
            source: { uri: 'amqp:///a', queue: 'jobs' },
            destination: { uri: 'amqp://far/y', exchange: 'x' },
            ...shovel,
          },
        },
      });
    expect(added({})).toEqual([
      expect.objectContaining({ id: 'a/shovel/extra', action: 'add', class: 'safe', kind: 'shovel' }),
    ]);
    expect(added({ ackMode: 'no-ack' })[0]).toMatchObject({
      class: 'data-losing',
      reason: expect.stringContaining('no-ack'),
    });
    expect(added({ srcDeleteAfter: 'queue-length' })[0]).toMatchObject({
      class: 'data-losing',
      reason: expect.stringContaining('src-delete-after'),
    });
    expect(added({ srcDeleteAfter: 10 })[0]?.reason).toContain('after 10 messages');
    expect(added({ srcDeleteAfter: 'never', ackMode: 'on-confirm' })[0]?.class).toBe('safe');
  });

  it('changing a shovel restarts it (disruptive), data-losing when it becomes no-ack', () => {
    const withShovel = (extra: Record<string, unknown>) => ({
      ...BASE,
      shovels: { move: { ...BASE.shovels!.move!, ...extra } },
    });
    expect(changes(withShovel({ prefetchCount: 10 }))[0]).toMatchObject({ action: 'change', class: 'disruptive' });
    expect(changes(withShovel({ ackMode: 'no-ack' }))[0]).toMatchObject({ action: 'change', class: 'data-losing' });
  });

  it('removing a shovel, an upstream or a set is disruptive and says what stops', () => {
    const { shovels: _s, federationUpstreamSets: _f, ...rest } = BASE;
    const out = changes({ ...rest, federationUpstreams: { origin: BASE.federationUpstreams!.origin! } });
    expect(out.map((c) => [c.id, c.action, c.class])).toEqual([
      ['a/federation-upstream-set/regions', 'remove', 'disruptive'],
      ['a/federation-upstream/other', 'remove', 'disruptive'],
      ['a/shovel/move', 'remove', 'disruptive'],
    ]);
    expect(out[2]?.reason).toContain('stops moving messages');
  });

  it('removing super stream partitions is data-losing like deleting any stream', () => {
    const out = changes({ ...BASE, superStreams: { invoices: { partitions: 1 } } });
    expect(out).toContainEqual(
      expect.objectContaining({ id: 'a/queue/invoices-1', action: 'remove', class: 'data-losing' }),
    );
  });

  it('a changed secret key shows the key, never a value, and a password change is no clear text', () => {
    const out = changes({
      ...BASE,
      federationUpstreams: {
        origin: { uri: { uri: 'amqp://fed@far/b', password: { secret: 'FED_PW_2' } } },
        other: BASE.federationUpstreams!.other!,
      },
    });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ class: 'disruptive', reason: expect.stringContaining('FED_PW_2') });
    expect(JSON.stringify(out)).not.toMatch(/fed:[^@]/);
  });
});
