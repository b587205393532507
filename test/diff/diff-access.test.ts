// `warren diff` marks changes that widen who may do what (`access`), lists
// them first, and shows names as written in Markdown.
import { describe, expect, it } from 'vitest';
import { diffPlans, type Change } from '../../src/diff/diff-plans.js';
import { formatDiff } from '../../src/diff/format-diff.js';
import { mergeFiles } from '../../src/model/merge-files.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { TopologyFile } from '../../src/format/topology-schema.js';

type Users = NonNullable<TopologyFile['users']>;
type UserSpec = Users[string];

const vhosts: TopologyFile['vhosts'] = { v: { exchanges: { orders: { type: 'topic' }, audit: { type: 'topic' } } } };
const plan = (users: Users) =>
  compilePlan(mergeFiles([{ file: 't.yaml', data: { version: 1, vhosts, users }, broken: [] }]).model);
const diff = (before: Users, after: Users) => diffPlans(plan(before), plan(after));
const access = (before: Users, after: Users) => Object.fromEntries(diff(before, after).map((c) => [c.id, c.access]));
const perms = (p: { configure?: string; write?: string; read?: string }): UserSpec => ({
  password: { secret: 'k' },
  permissions: { v: { configure: '^$', write: '^$', read: '^$', ...p } },
});

describe('access', () => {
  it('marks user tags granted, passwordless users and password changes', () => {
    const u: UserSpec = { password: { secret: 'k' } };
    expect(access({ u }, { u: { ...u, tags: ['monitoring'] } })).toEqual({ 'user/u': true });
    expect(access({ u: { ...u, tags: ['administrator'] } }, { u })).toEqual({ 'user/u': false });
    expect(access({}, { n: {} })).toEqual({ 'user/n': true });
    expect(access({}, { n: u })).toEqual({ 'user/n': false });
    expect(access({ u }, { u: {} })).toEqual({ 'user/u': true });
    expect(access({ u }, { u: { password: { secret: 'other' } } })).toEqual({ 'user/u': true });
    expect(access({ u }, { u: { ...u, limits: { maxConnections: 5 } } })).toEqual({ 'user/u': false });
    expect(access({ u }, {})).toEqual({ 'user/u': false });
  });

  it.each([
    ['a new permissions entry, even one that denies everything', undefined, {}, true],
    ['^$ → .*', { write: '^$' }, { write: '.*' }, true],
    ['.* → ^orders$', { read: '.*' }, { read: '^orders$' }, false],
    ['^orders$ → ^(orders|payments)$', { write: '^orders$' }, { write: '^(orders|payments)$' }, true],
    ['^(orders|payments)$ → ^orders$', { write: '^(orders|payments)$' }, { write: '^orders$' }, false],
    ['^order\\. → ^order\\.eu\\.', { read: '^order\\.' }, { read: '^order\\.eu\\.' }, false],
    ['^order\\.eu\\. → ^order\\.', { read: '^order\\.eu\\.' }, { read: '^order\\.' }, true],
    ['^orders$ → "" (denies, like ^$)', { configure: '^orders$' }, { configure: '' }, false],
    ['a pattern whose reach is not decided here', { configure: '^a$' }, { configure: '^a+$' }, true],
  ] as [string, Parameters<typeof perms>[0] | undefined, Parameters<typeof perms>[0], boolean][])(
    'permissions: %s → access %s',
    (_, before, after, widened) => {
      const u = perms(after);
      const base = before === undefined ? { u: { password: u.password } } : { u: perms(before) };
      expect(access(base, { u })['v/permissions/u']).toBe(widened);
    },
  );

  it('marks topic permissions removed for an exchange (every key is then allowed) and wider topic patterns, not new ones', () => {
    const topic = (t: Record<string, { write: string; read: string }>): UserSpec => ({
      ...perms({ write: '.*' }),
      topicPermissions: { v: t },
    });
    const narrow = { write: '^order\\.eu$', read: '^order\\.eu$' };
    const id = 'v/topic-permissions/u';
    expect(access({ u: topic({ orders: narrow }) }, { u: topic({ orders: narrow, audit: narrow }) })[id]).toBe(false);
    expect(access({ u: topic({ orders: narrow, audit: narrow }) }, { u: topic({ orders: narrow }) })[id]).toBe(true);
    expect(access({ u: topic({ orders: narrow }) }, { u: topic({ orders: { ...narrow, read: '.*' } }) })[id]).toBe(
      true,
    );
    expect(access({ u: topic({ orders: narrow }) }, { u: perms({ write: '.*' }) })[id]).toBe(true);
    expect(access({ u: perms({ write: '.*' }) }, { u: topic({ orders: narrow }) })[id]).toBe(false);
    // Gone with the user, or with its permissions in the vhost: nothing is published there any more.
    expect(access({ u: topic({ orders: narrow }) }, {})[id]).toBe(false);
    expect(access({ u: topic({ orders: narrow }) }, { u: { password: { secret: 'k' } } })[id]).toBe(false);
  });

  it('lists access changes first within their class', () => {
    const before = { a: perms({ read: '.*' }), z: perms({ read: '^x$' }) };
    const after = { a: perms({ read: '^y$' }), z: perms({ read: '.*' }) };
    expect(diff(before, after).map((c) => `${c.class} ${c.access} ${c.id}`)).toEqual([
      'disruptive true v/permissions/z',
      'disruptive false v/permissions/a',
    ]);
  });
});

describe('output', () => {
  const change = (id: string, more: Partial<Change> = {}): Change => ({
    vhost: 'v',
    id,
    kind: 'queue',
    action: 'add',
    class: 'safe',
    access: false,
    reason: `new ${id}`,
    ...more,
  });
  /** The cells of a Markdown table row: split on `|` not escaped with a backslash. */
  const cells = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1);

  it('marks access changes in every format', () => {
    const report = {
      changes: [change('v/permissions/u', { access: true, class: 'disruptive' }), change('v/queue/q')],
      routing: [],
    };
    const text = formatDiff(report, 'text').split('\n');
    expect(text.filter((l) => l.includes('[ACCESS]'))).toHaveLength(1);
    expect(text.find((l) => l.includes('[ACCESS]'))).toContain('v/permissions/u');
    const markdown = formatDiff(report, 'markdown');
    expect(markdown.indexOf('v/permissions/u')).toBeLessThan(markdown.indexOf('### vhost v'));
    expect(JSON.parse(formatDiff(report, 'json')).changes.map((c: Change) => c.access)).toEqual([true, false]);
  });

  it('escapes | and backticks in Markdown so that a name stays in its cell', () => {
    const name = 'a|b`c``d';
    const markdown = formatDiff(
      { changes: [change(`v/queue/${name}`, { reason: `queue ${name} | *new*` })], routing: [] },
      'markdown',
    );
    const row = markdown.split('\n').find((l) => l.startsWith('| 🟢'))!;
    expect(cells(row)).toHaveLength(4);
    // The object's code span: a fence longer than any backtick run inside, `|` escaped.
    expect(cells(row)[2]).toBe(' ``` v/queue/a\\|b`c``d ``` ');
    expect(cells(row)[3]).not.toMatch(/(?<!\\)[`*]/);
  });

  it('keeps one line per change in text when a name holds a newline', () => {
    const text = formatDiff({ changes: [change('v/queue/a\nb')], routing: [] }, 'text');
    expect(text.split('\n').filter((l) => l.startsWith('  '))).toHaveLength(1);
  });
});
