// Routing semantics: topic patterns, headers matching, exchange-to-exchange
// bindings and alternate exchanges, as RabbitMQ routes.
import { describe, expect, it } from 'vitest';
import { matchHeaders } from '../src/route/match-headers.js';
import { matchTopic } from '../src/route/match-topic.js';
import { RoutingIndex } from '../src/route/route-message.js';
import { mergeFiles } from '../src/model/merge-files.js';
import type { TopologyFile } from '../src/schema/topology-schema.js';

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
