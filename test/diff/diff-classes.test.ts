// `warren diff` classes by what a change does to messages a live queue
// already holds: settings that can drop or expire them are data-losing,
// whether they come from the queue, a user policy or an operator policy.
import { describe, expect, it } from 'vitest';
import { annotateLive, queuesAtRisk } from '../../src/diff/annotate-live.js';
import { diffPlans, type Change } from '../../src/diff/diff-plans.js';
import { refKey } from '../../src/diff/read-live-counts.js';
import { mergeFiles } from '../../src/model/merge-files.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { TopologyFile } from '../../src/format/topology-schema.js';

type VhostSpec = NonNullable<TopologyFile['vhosts']>[string];
type QueueSpec = NonNullable<VhostSpec['queues']>[string];

const plan = (v: VhostSpec) =>
  compilePlan(mergeFiles([{ file: 't.yaml', data: { version: 1, vhosts: { v } }, broken: [] }]).model);
const diff = (before: VhostSpec, after: VhostSpec) => diffPlans(plan(before), plan(after));
const byId = (changes: Change[]) => Object.fromEntries(changes.map((c) => [c.id, c]));
/** The class of the change of queue q's own settings, from q's spec before and after. */
const settingsClass = (before: QueueSpec, after: QueueSpec) =>
  byId(diff({ queues: { q: before } }, { queues: { q: after } }))['v/queue-settings/q']?.class;

describe('changes of a live queue’s settings', () => {
  it.each([
    ['a shorter messageTtl', { messageTtl: '1m' }, { messageTtl: '10s' }, 'data-losing'],
    ['a longer messageTtl', { messageTtl: '10s' }, { messageTtl: '1m' }, 'safe'],
    ['a new messageTtl', { maxPriority: 2 }, { maxPriority: 2, messageTtl: '1h' }, 'data-losing'],
    ['a lower maxLength', { maxLength: 100 }, { maxLength: 10 }, 'data-losing'],
    ['a higher maxLength', { maxLength: 10 }, { maxLength: 100 }, 'safe'],
    [
      'a new maxLength',
      { deliveryLimit: 3, type: 'quorum' },
      { deliveryLimit: 3, type: 'quorum', maxLength: 10 },
      'data-losing',
    ],
    [
      'a lower maxLength with reject-publish',
      { maxLength: 100, overflow: 'reject-publish' },
      { maxLength: 10, overflow: 'reject-publish' },
      'data-losing',
    ],
    ['a lower maxLengthBytes', { maxLengthBytes: '1MiB' }, { maxLengthBytes: '1KiB' }, 'data-losing'],
    ['a higher maxLengthBytes', { maxLengthBytes: '1KiB' }, { maxLengthBytes: '1MiB' }, 'safe'],
    [
      'overflow reject-publish → drop-head',
      { maxLength: 5, overflow: 'reject-publish' },
      { maxLength: 5, overflow: 'drop-head' },
      'data-losing',
    ],
    [
      'overflow reject-publish-dlx → unset (the default, drop-head)',
      { maxLength: 5, overflow: 'reject-publish-dlx' },
      { maxLength: 5 },
      'data-losing',
    ],
    [
      'overflow unset → drop-head (no change in effect)',
      { maxLength: 5 },
      { maxLength: 5, overflow: 'drop-head' },
      'safe',
    ],
    [
      'overflow drop-head → reject-publish',
      { maxLength: 5, overflow: 'drop-head' },
      { maxLength: 5, overflow: 'reject-publish' },
      'safe',
    ],
    ['a new expires', { messageTtl: '1h' }, { messageTtl: '1h', expires: '1d' }, 'data-losing'],
    ['a shorter expires', { expires: '1d' }, { expires: '1h' }, 'data-losing'],
    ['a longer expires', { expires: '1h' }, { expires: '1d' }, 'safe'],
    [
      'a lower deliveryLimit (not counted)',
      { type: 'quorum', deliveryLimit: 10 },
      { type: 'quorum', deliveryLimit: 2 },
      'safe',
    ],
    ['a shorter stream maxAge', { type: 'stream', maxAge: '7d' }, { type: 'stream', maxAge: '1d' }, 'data-losing'],
    ['settings dropped altogether', { messageTtl: '1m', maxLength: 5 }, {}, 'safe'],
  ] as [string, QueueSpec, QueueSpec, string][])('%s is %s', (_, before, after, cls) => {
    expect(settingsClass(before, after)).toBe(cls);
  });

  it('says why, and names the queue at risk', () => {
    const c = byId(diff({ queues: { q: { messageTtl: '1m' } } }, { queues: { q: { messageTtl: '10s' } } }))[
      'v/queue-settings/q'
    ]!;
    expect(c).toMatchObject({ class: 'data-losing', atRisk: ['q'], access: false });
    expect(c.reason).toMatch(/message-ttl 60000 → 10000/);
  });

  it('leaves new queues and re-declared queues to their own change: they hold nothing here', () => {
    const added = diff({ queues: {} }, { queues: { q: { messageTtl: '1s', maxLength: 1 } } });
    expect(added.map((c) => c.class)).toEqual(['safe', 'safe']);
    const redeclared = byId(
      diff({ queues: { q: { messageTtl: '1m' } } }, { queues: { q: { messageTtl: '1s', maxPriority: 3 } } }),
    );
    expect(redeclared['v/queue/q']!.class).toBe('data-losing');
    expect(redeclared['v/queue-settings/q']!.class).toBe('safe');
  });
});

describe('policies that change what is in effect on live queues', () => {
  const policies = (maxLength: number, pattern = '^(a|b)$') => ({
    cap: { pattern, applyTo: 'queues' as const, definition: { 'max-length': maxLength } },
  });

  it('charges a user policy for the queues it is in effect on, and warren’s own policy for the others', () => {
    const before: VhostSpec = {
      queues: { a: {}, b: {}, own: { messageTtl: '1m' } },
      policies: policies(100, '^(a|b|own)$'),
    };
    const after: VhostSpec = {
      queues: { a: {}, b: {}, own: { messageTtl: '1m' } },
      policies: policies(10, '^(a|b|own)$'),
    };
    const changes = byId(diff(before, after));
    expect(changes['v/policy/cap']).toMatchObject({ class: 'data-losing', atRisk: ['a', 'b'] });
    // `own` has warren's settings policy (it overlays the user policy): that one applies the lower limit.
    expect(changes['v/queue-settings/own']).toMatchObject({ class: 'data-losing', atRisk: ['own'] });
  });

  it('counts a new user policy, a re-targeted one, and not a raised limit', () => {
    expect(
      byId(diff({ queues: { a: {} } }, { queues: { a: {} }, policies: policies(10) }))['v/policy/cap']!.class,
    ).toBe('data-losing');
    expect(
      byId(
        diff(
          { queues: { a: {}, c: {} }, policies: policies(10, '^a$') },
          { queues: { a: {}, c: {} }, policies: policies(10, '^c$') },
        ),
      )['v/policy/cap'],
    ).toMatchObject({ class: 'data-losing', atRisk: ['c'] });
    expect(
      byId(diff({ queues: { a: {} }, policies: policies(10) }, { queues: { a: {} }, policies: policies(100) }))[
        'v/policy/cap'
      ]!.class,
    ).toBe('disruptive');
  });

  it('counts an operator policy only where its value is the lower one in effect', () => {
    const op = (n: number) => ({ ops: { pattern: '.*', definition: { 'max-length': n } } });
    const changes = byId(
      diff(
        { queues: { small: { maxLength: 5 }, free: {} }, operatorPolicies: op(1000) },
        { queues: { small: { maxLength: 5 }, free: {} }, operatorPolicies: op(50) },
      ),
    );
    expect(changes['v/operator-policy/ops']).toMatchObject({ class: 'data-losing', atRisk: ['free'] });
  });
});

describe('live counts of queues at risk', () => {
  it('are read for settings changes too, and end their reason', () => {
    const changes = diff(
      {
        queues: { a: {}, b: { expires: '1d' } },
        policies: { ttl: { pattern: '^a$', definition: { 'message-ttl': 1000 } } },
      },
      {
        queues: { a: {}, b: { expires: '1h' } },
        policies: { ttl: { pattern: '^a$', definition: { 'message-ttl': 10 } } },
      },
    );
    expect(
      queuesAtRisk(changes)
        .map((q) => `${q.vhost}/${q.name}`)
        .sort(),
    ).toEqual(['v/a', 'v/b']);
    const counts = new Map([
      [refKey({ vhost: 'v', name: 'a' }), { messages: 1204, consumers: 0 }],
      [refKey({ vhost: 'v', name: 'b' }), { absent: true as const }],
    ]);
    const live = byId(annotateLive(changes, counts));
    expect(live['v/policy/ttl']).toMatchObject({ live: { messages: 1204, consumers: 0 } });
    expect(live['v/policy/ttl']!.reason).toMatch(/1,204 messages in the queue$/);
    expect(live['v/queue-settings/b']).toMatchObject({ live: { absent: true } });
  });

  it('are given by queue when one policy puts several at risk', () => {
    const changes = diff(
      { queues: { a: {}, b: {} } },
      { queues: { a: {}, b: {} }, policies: { ttl: { pattern: '.*', definition: { 'message-ttl': 10 } } } },
    );
    const counts = new Map(
      ['a', 'b'].map((name, i) => [refKey({ vhost: 'v', name }), { messages: i + 1, consumers: 0 }]),
    );
    const [policy] = annotateLive(changes, counts).filter((c) => c.id === 'v/policy/ttl');
    expect(policy).toMatchObject({ liveByQueue: { a: { messages: 1 }, b: { messages: 2 } } });
    expect(policy!.live).toBeUndefined();
  });
});

describe('which policy is in effect, as the broker decides it', () => {
  const cap = (n: number, pattern: string, extra: Record<string, unknown> = {}) => ({
    cap: { pattern, applyTo: 'queues' as const, definition: { 'max-length': n, ...extra } },
  });

  it('matches PCRE syntax exactly: a lower cap under (?i) or \\z is data-losing', () => {
    for (const pattern of ['(?i)^Q$', '^q\\z', '^[[:lower:]]$']) {
      const changes = byId(
        diff({ queues: { q: {} }, policies: cap(100, pattern) }, { queues: { q: {} }, policies: cap(10, pattern) }),
      );
      expect(changes['v/policy/cap'], pattern).toMatchObject({ class: 'data-losing', atRisk: ['q'] });
    }
  });

  it('knows that `$` matches before a final newline: a queue named "a\\n" is at risk from ^a$', () => {
    const changes = byId(
      diff({ queues: { 'a\n': {} }, policies: cap(100, '^a$') }, { queues: { 'a\n': {} }, policies: cap(10, '^a$') }),
    );
    expect(changes['v/policy/cap']).toMatchObject({ class: 'data-losing', atRisk: ['a\n'] });
  });

  it('knows a policy applies to no queue whose type refuses one of its keys: dropping that key brings its cap', () => {
    // delivery-limit makes the operator policy apply to no classic queue (RabbitMQ's unsupported_policies).
    const op = (definition: Record<string, unknown>) => ({ ops: { pattern: '.*', definition } });
    const changes = byId(
      diff(
        { queues: { q: {} }, operatorPolicies: op({ 'max-length': 10, 'delivery-limit': 5 }) },
        { queues: { q: {} }, operatorPolicies: op({ 'max-length': 10 }) },
      ),
    );
    expect(changes['v/operator-policy/ops']).toMatchObject({ class: 'data-losing', atRisk: ['q'] });
    // And the other way round: the cap goes away, which drops nothing.
    const back = byId(
      diff(
        { queues: { q: {} }, operatorPolicies: op({ 'max-length': 10 }) },
        { queues: { q: {} }, operatorPolicies: op({ 'max-length': 10, 'delivery-limit': 5 }) },
      ),
    );
    expect(back['v/operator-policy/ops']!.class).toBe('disruptive');
  });

  it('never calls safe what it cannot rule out: a policy whose match is unknown is data-losing, and says why', () => {
    const pattern = '^(q)\\1?$';
    const c = byId(
      diff({ queues: { q: {} }, policies: cap(100, pattern) }, { queues: { q: {} }, policies: cap(10, pattern) }),
    )['v/policy/cap']!;
    expect(c).toMatchObject({ class: 'data-losing', atRisk: ['q'] });
    expect(c.reason).toMatch(/possibly: warren cannot tell whether policy `cap` applies to queue `q`/);
  });

  it('weighs an unknown policy the same on both sides: one that may outrank a lowered one makes the loss possible', () => {
    const before: VhostSpec = {
      queues: { q: {} },
      policies: {
        ...cap(100, '^q$'),
        maybe: { pattern: '^(q)\\1?$', priority: 5, definition: { 'max-length': 1000 } },
      },
    };
    const after: VhostSpec = { ...before, policies: { ...before.policies, ...cap(10, '^q$') } };
    const c = byId(diff(before, after))['v/policy/cap']!;
    expect(c.class).toBe('data-losing');
    expect(c.reason).toMatch(/possibly/);
    // An unknown policy that changes nothing in effect is no risk, whether it applies or not.
    const same = byId(
      diff(before, {
        ...before,
        policies: {
          ...before.policies,
          maybe: { ...before.policies!.maybe!, definition: { 'max-length': 1000, 'queue-version': 2 } },
        },
      }),
    );
    expect(same['v/policy/maybe']!.class).toBe('disruptive');
  });
});

describe('the settings policy of a queue whose name plus a newline is another declared queue', () => {
  it('ends in \\z, so that it applies to its own queue only; without such a twin it stays ^name$', () => {
    const patterns = (queues: VhostSpec['queues']) =>
      plan({ queues })
        .entries.filter((e) => e.kind === 'policy')
        .map((e) => (e as { pattern: string }).pattern);
    expect(patterns({ a: { messageTtl: '1m' } })).toEqual(['^a$']);
    expect(patterns({ a: { messageTtl: '1m' }, 'a\n': {} })).toEqual(['^a\\z']);
    expect(patterns({ 'a\u0000b': { messageTtl: '1m' } })).toEqual(['^a\\x00b$']);
  });
});
