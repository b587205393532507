// Routing semantics: topic patterns, headers matching, exchange-to-exchange
// bindings and alternate exchanges, as RabbitMQ routes.
import { describe, expect, it } from 'vitest';
import { findExits } from '../../src/route/find-exits.js';
import { matchHeaders } from '../../src/route/match-headers.js';
import { matchTopic } from '../../src/route/match-topic.js';
import { RoutingIndex } from '../../src/route/route-message.js';
import { mergeFiles } from '../../src/model/merge-files.js';
import type { TopologyFile } from '../../src/format/topology-schema.js';

describe('topic patterns', () => {
  it.each([
    ['order.*.us', 'order.created.us', true],
    ['order.*.us', 'order.us', false],
    ['order.*.us', 'order.a.b.us', false],
    ['order.#', 'order', true],
    ['order.#', 'order.a.b.c', true],
    ['order.#', 'orders.a', false],
    ['#', '', true],
    ['#', 'anything.at.all', true],
    ['*', '', false],
    ['*', 'a.b', false],
    ['', '', true],
    ['', 'a', false],
    ['a.#.z', 'a.z', true],
    ['a.#.z', 'a.b.c.z', true],
    ['a.#.z', 'a.b.c', false],
    ['#.#', 'a', true],
    ['*.*', 'a.', true],
    ['a..b', 'a..b', true],
    ['a.*.b', 'a..b', true],
    ['#.end', 'end', true],
    ['*.#', '', false],
    ['*', '.', false],
    ['*.*', '.', true],
    ['*.*.#', 'a', false],
  ])('%s matches %s: %s', (pattern, key, expected) => {
    expect(matchTopic(pattern, key)).toBe(expected);
  });
});

describe('headers matching', () => {
  const binding = { format: 'pdf', type: 'report', 'x-tag': 'a' };
  it('all needs every non-x- header, with equal values and types', () => {
    expect(matchHeaders({ ...binding, 'x-match': 'all' }, { format: 'pdf', type: 'report' })).toBe(true);
    expect(matchHeaders({ ...binding, 'x-match': 'all' }, { format: 'pdf' })).toBe(false);
    expect(matchHeaders({ n: 1, 'x-match': 'all' }, { n: '1' })).toBe(false);
  });
  it('any needs one', () => {
    expect(matchHeaders({ ...binding, 'x-match': 'any' }, { format: 'pdf' })).toBe(true);
    expect(matchHeaders({ ...binding, 'x-match': 'any' }, { 'x-tag': 'a' })).toBe(false);
    expect(matchHeaders({ 'x-match': 'any' }, { format: 'pdf' })).toBe(false);
  });
  it('the -with-x modes compare x- headers too', () => {
    expect(matchHeaders({ ...binding, 'x-match': 'all-with-x' }, { format: 'pdf', type: 'report' })).toBe(false);
    expect(matchHeaders({ ...binding, 'x-match': 'all-with-x' }, { format: 'pdf', type: 'report', 'x-tag': 'a' })).toBe(
      true,
    );
    expect(matchHeaders({ ...binding, 'x-match': 'any-with-x' }, { 'x-tag': 'a' })).toBe(true);
  });
  it('all with nothing to compare matches everything', () => {
    expect(matchHeaders({ 'x-match': 'all' }, {})).toBe(true);
  });
});

describe('routing through exchanges', () => {
  const topology: TopologyFile = {
    version: 1,
    vhosts: {
      v: {
        exchanges: {
          front: { type: 'direct', alternateExchange: 'ae' },
          ae: { type: 'fanout' },
          inner: { type: 'topic', alternateExchange: 'ae2' },
          ae2: { type: 'fanout' },
          loop: { type: 'fanout' },
        },
        queues: { a: {}, b: {}, caught: {}, caught2: {} },
        bindings: [
          { from: 'front', to: 'a', key: 'k' },
          { from: 'front', to: 'a', key: 'k2' },
          { from: 'front', toExchange: 'inner', key: 'k' },
          { from: 'inner', to: 'b', key: 'x' },
          { from: 'ae', to: 'caught' },
          { from: 'ae2', to: 'caught2' },
          { from: 'loop', toExchange: 'loop' },
          { from: 'loop', toExchange: 'front' },
        ],
      },
    },
  };
  const index = new RoutingIndex(mergeFiles([{ file: 't', data: topology, broken: [] }]).model.vhosts.get('v')!);
  const route = (exchange: string, key: string) => index.route(exchange, { key, headers: {} }).queues;

  it('follows exchange-to-exchange bindings, and uses an alternate exchange only where that exchange matched nothing', () => {
    // front matches (a, inner); inner matches nothing, so inner's alternate exchange catches it; front's does not.
    expect(route('front', 'k')).toEqual(['a', 'caught2']);
    expect(route('front', 'zzz')).toEqual(['caught']);
  });
  it('routes through cycles once, each queue once', () => {
    expect(route('loop', 'k')).toEqual(['a', 'caught2']);
  });
  it('the default exchange routes to the queue named by the key', () => {
    expect(route('', 'b')).toEqual(['b']);
    expect(route('', 'nope')).toEqual([]);
  });
});

describe('routing by what the broker stores and applies', () => {
  const vhostOf = (v: NonNullable<TopologyFile['vhosts']>[string]) =>
    mergeFiles([{ file: 't', data: { version: 1, vhosts: { v } }, broken: [] }]).model.vhosts.get('v')!;
  const route = (v: NonNullable<TopologyFile['vhosts']>[string], exchange: string, headers = {}, key = '') =>
    new RoutingIndex(vhostOf(v)).route(exchange, { key, headers });

  it('routes a headers binding by its raw arguments: x-match any, and an absent x-match is all', () => {
    const v = {
      exchanges: { reports: { type: 'headers' } },
      queues: { pdf: {}, both: {}, bare: {} },
      bindings: [
        { from: 'reports', to: 'pdf', arguments: { 'x-match': 'any', format: 'pdf', kind: 'x' } },
        { from: 'reports', to: 'both', arguments: { format: 'pdf', kind: 'x' } },
        { from: 'reports', to: 'bare', arguments: {} },
      ],
    };
    expect(route(v, 'reports', { format: 'doc' }).queues).toEqual(['bare']);
    expect(route(v, 'reports', { format: 'pdf' }).queues).toEqual(['bare', 'pdf']);
    expect(route(v, 'reports', { format: 'pdf', kind: 'x' }).queues).toEqual(['bare', 'both', 'pdf']);
  });

  it('compares header values as Erlang’s == does: 1 and 1.0 alike, "1" and 1 not, a list never a scalar', () => {
    const v = {
      exchanges: { h: { type: 'headers' } },
      queues: { one: {}, text: {}, list: {}, yes: {} },
      bindings: [
        { from: 'h', to: 'one', arguments: { n: 1 } },
        { from: 'h', to: 'text', arguments: { n: '1' } },
        { from: 'h', to: 'list', arguments: { n: [1] } },
        { from: 'h', to: 'yes', arguments: { 'x-match': 'any', b: true } },
      ],
    };
    expect(route(v, 'h', { n: 1.0 }).queues).toEqual(['one']);
    expect(route(v, 'h', { n: '1' }).queues).toEqual(['text']);
    expect(route(v, 'h', { b: 1 }).queues).toEqual([]);
    expect(route(v, 'h', { b: true }).queues).toEqual(['yes']);
  });

  it('follows an alternate exchange set by a policy; the exchange’s own argument wins over it', () => {
    const v = {
      exchanges: {
        plain: { type: 'direct' },
        argued: { type: 'direct', arguments: { 'alternate-exchange': 'by-argument' } },
        'by-policy': { type: 'fanout' },
        'by-argument': { type: 'fanout' },
      },
      queues: { p: {}, a: {} },
      bindings: [
        { from: 'by-policy', to: 'p' },
        { from: 'by-argument', to: 'a' },
      ],
      policies: {
        ae: {
          pattern: '^(plain|argued|amq\\.direct)$',
          applyTo: 'exchanges' as const,
          definition: { 'alternate-exchange': 'by-policy' },
        },
      },
    };
    expect(route(v, 'plain').queues).toEqual(['p']);
    expect(route(v, 'argued').queues).toEqual(['a']);
    // A built-in exchange takes policies too.
    expect(route(v, 'amq.direct').queues).toEqual(['p']);
  });

  it('where warren cannot tell whether the policy applies, every candidate is listed and the exchange named', () => {
    const v = {
      exchanges: { x: { type: 'direct' }, ae: { type: 'fanout' } },
      queues: { caught: {} },
      bindings: [{ from: 'ae', to: 'caught' }],
      policies: {
        ae: { pattern: '^(x)\\1?$', applyTo: 'exchanges' as const, definition: { 'alternate-exchange': 'ae' } },
      },
    };
    const result = route(v, 'x');
    expect(result.queues).toEqual(['caught']);
    expect(result.uncertain).toEqual(['x']);
    expect(result.unknown.map((u) => u.exchange)).toEqual(['x']);
  });

  it('skips an alternate exchange that does not exist, as the broker does', () => {
    const v = { exchanges: { x: { type: 'direct', arguments: { 'alternate-exchange': 'gone' } } }, queues: {} };
    expect(route(v, 'x')).toMatchObject({ queues: [], exchanges: ['x'] });
  });
});

describe('federation exits that hang on a policy warren cannot evaluate', () => {
  it('are listed as possible, with why', () => {
    const topology: TopologyFile = {
      version: 1,
      vhosts: {
        a: { exchanges: { events: { type: 'topic' } } },
        c: {
          exchanges: { events: { type: 'topic' } },
          queues: { copies: {} },
          bindings: [{ from: 'events', to: 'copies', key: '#' }],
          federationUpstreams: { 'from-a': { uri: 'amqp:///a' } },
          policies: {
            federate: {
              pattern: '^(e)vents\\1?$',
              applyTo: 'exchanges',
              definition: { 'federation-upstream': 'from-a' },
            },
          },
        },
      },
    };
    const model = mergeFiles([{ file: 't', data: topology, broken: [] }]).model;
    const a = model.vhosts.get('a')!;
    const message = { key: 'x', headers: {} };
    const exits = findExits(model, a, message, new RoutingIndex(a).route('events', message));
    expect(exits).toEqual([
      expect.objectContaining({
        via: 'federation',
        name: 'from-a',
        queues: ['copies'],
        unknown: expect.stringMatching(/policy `federate`/),
      }),
    ]);
  });
});
