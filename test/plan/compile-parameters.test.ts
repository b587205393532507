// Format 1.1 in the plan: upstreams, sets and shovels as runtime parameters
// with RabbitMQ's keys and their URIs apart (secrets by key only); super
// streams as the exchange, streams and bindings RabbitMQ creates.
import { describe, expect, it } from 'vitest';
import { mergeFiles } from '../../src/model/merge-files.js';
import {
  fromBroker,
  SHOVEL_FIELD,
  SUPER_STREAM_FIELD,
  toBroker,
  UPSTREAM_FIELD,
} from '../../src/format/parameter-fields.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { ParameterEntry, PlanEntry } from '../../src/plan/plan-types.js';
import { resolveUris, uriSecretKeys } from '../../src/plan/resolve-uris.js';
import type { TopologyFile } from '../../src/format/topology-schema.js';

function planOf(topology: TopologyFile, allowRecreate: string[] = []) {
  return compilePlan(mergeFiles([{ file: 't.yaml', data: topology, broken: [] }]).model, {
    allowRecreate,
    allowDelete: [],
  });
}

function entry<K extends PlanEntry['kind']>(entries: readonly PlanEntry[], id: string, kind: K) {
  const found = entries.find((e) => e.id === id);
  if (!found || found.kind !== kind) throw new Error(`no ${kind} ${id}; have ${entries.map((e) => e.id).join(', ')}`);
  return found as Extract<PlanEntry, { kind: K }>;
}

const TOPOLOGY: TopologyFile = {
  version: 1,
  vhosts: {
    a: {
      queues: { jobs: {} },
      federationUpstreams: {
        origin: {
          uri: 'amqp:///b',
          exchange: 'events',
          queue: 'work',
          prefetchCount: 1000,
          reconnectDelay: '2m',
          ackMode: 'on-publish',
          trustUserId: true,
          maxHops: 2,
          expires: '1h',
          messageTtl: 30_000,
          queueType: 'quorum',
        },
        pool: {
          uris: ['amqp://fed@b1/b', { secret: 'WHOLE' }, { uri: 'amqp://fed@b2/b', password: { secret: 'PW' } }],
        },
      },
      federationUpstreamSets: { regions: ['origin', { upstream: 'pool', maxHops: 3 }] },
      shovels: {
        move: {
          source: { uri: 'amqp:///a', queue: 'jobs' },
          destination: {
            uri: { uri: 'amqp://shovel@far/x', password: { secret: 'SHOVEL_PW' } },
            exchange: 'in',
            key: 'k',
          },
          ackMode: 'on-confirm',
          prefetchCount: 50,
          reconnectDelay: '10s',
          srcDeleteAfter: 100,
          addForwardHeaders: true,
        },
        tap: {
          source: { uri: 'amqp://far', exchange: 'out', key: '#' },
          destination: { uri: 'amqp:///a', queue: 'jobs' },
        },
      },
      superStreams: {
        invoices: {
          partitions: 3,
          maxAge: '7d',
          maxLengthBytes: '20GB',
          maxSegmentSize: '500MB',
          initialClusterSize: 3,
        },
        orders: { routingKeys: ['eu', 'us'] },
      },
    },
    b: {},
  },
};

describe('federation upstreams and sets', () => {
  const plan = planOf(TOPOLOGY);

  it('an upstream is a federation-upstream parameter whose value has RabbitMQ 3.10 keys and units', () => {
    const e = entry(plan.entries, 'a/federation-upstream/origin', 'parameter');
    expect(e).toMatchObject({ component: 'federation-upstream', vhost: 'a', name: 'origin', dependsOn: ['vhost/a'] });
    expect(e.value).toEqual({
      exchange: 'events',
      queue: 'work',
      'prefetch-count': 1000,
      'reconnect-delay': 120,
      'ack-mode': 'on-publish',
      'trust-user-id': true,
      'max-hops': 2,
      expires: 3_600_000,
      'message-ttl': 30_000,
      'queue-type': 'quorum',
    });
    expect(e.uris).toEqual({ uri: { kind: 'plain', uri: 'amqp:///b' } });
  });

  it('several URIs stay a list, each in its form; no secret value is in the plan', () => {
    const e = entry(plan.entries, 'a/federation-upstream/pool', 'parameter');
    expect(e.value).toEqual({});
    expect(e.uris.uri).toEqual([
      { kind: 'plain', uri: 'amqp://fed@b1/b' },
      { kind: 'secret', key: 'WHOLE' },
      { kind: 'password', uri: 'amqp://fed@b2/b', key: 'PW' },
    ]);
    expect(uriSecretKeys(e)).toEqual(['WHOLE', 'PW']);
    expect(resolveUris(e, { WHOLE: 'amqp://u:p@w', PW: 'p@ss/word' })).toEqual({
      uri: ['amqp://fed@b1/b', 'amqp://u:p@w', 'amqp://fed:p%40ss%2Fword@b2/b'],
    });
  });

  it("a set's value is RabbitMQ's list of members, and it depends on its upstreams", () => {
    const e = entry(plan.entries, 'a/federation-upstream-set/regions', 'parameter');
    expect(e.value).toEqual([{ upstream: 'origin' }, { upstream: 'pool', 'max-hops': 3 }]);
    expect(e.dependsOn).toEqual(['vhost/a', 'a/federation-upstream/origin', 'a/federation-upstream/pool']);
    expect(e.uris).toEqual({});
  });
});

describe('shovels', () => {
  const plan = planOf(TOPOLOGY);

  it('a shovel is a shovel parameter with src-/dest- keys, src-prefetch-count, src-delete-after, dest-add-forward-headers', () => {
    const e = entry(plan.entries, 'a/shovel/move', 'parameter');
    expect(e.value).toEqual({
      'src-queue': 'jobs',
      'dest-exchange': 'in',
      'dest-exchange-key': 'k',
      'ack-mode': 'on-confirm',
      'src-prefetch-count': 50,
      'reconnect-delay': 10,
      'src-delete-after': 100,
      'dest-add-forward-headers': true,
    });
    expect(e.uris).toEqual({
      'src-uri': { kind: 'plain', uri: 'amqp:///a' },
      'dest-uri': { kind: 'password', uri: 'amqp://shovel@far/x', key: 'SHOVEL_PW' },
    });
  });

  it('a shovel depends on the queue or exchange of this topology at its ends (so it never declares them)', () => {
    expect(entry(plan.entries, 'a/shovel/move', 'parameter').dependsOn).toEqual(['vhost/a', 'a/queue/jobs']);
    const tap = entry(plan.entries, 'a/shovel/tap', 'parameter');
    expect(tap.dependsOn).toEqual(['vhost/a', 'a/queue/jobs']);
    expect(tap.value).toEqual({ 'src-exchange': 'out', 'src-exchange-key': '#', 'dest-queue': 'jobs' });
  });
});

describe('super streams', () => {
  const plan = planOf(TOPOLOGY);

  it('a partition count makes a direct x-super-stream exchange and streams <name>-<i> bound with <i> in order', () => {
    expect(entry(plan.entries, 'a/exchange/invoices', 'exchange')).toMatchObject({
      type: 'direct',
      durable: true,
      autoDelete: false,
      arguments: { 'x-super-stream': true },
    });
    for (const i of [0, 1, 2]) {
      const q = entry(plan.entries, `a/queue/invoices-${i}`, 'queue');
      expect(q.queueType).toBe('stream');
      expect(q.arguments).toEqual({
        'x-queue-type': 'stream',
        'x-max-age': '7D',
        'x-max-length-bytes': 20_000_000_000,
        'x-stream-max-segment-size-bytes': 500_000_000,
        'x-initial-cluster-size': 3,
      });
      const b = plan.entries.find((e) => e.kind === 'binding' && e.destination === `invoices-${i}`);
      expect(b).toMatchObject({
        source: 'invoices',
        routingKey: String(i),
        arguments: { 'x-stream-partition-order': i },
      });
    }
    expect(plan.guard.queues['a/queue/invoices-2']).toBeDefined();
  });

  it('routing keys make streams <name>-<key> bound with that key, ordered as listed', () => {
    const bindings = plan.entries.filter((e) => e.kind === 'binding' && e.source === 'orders');
    expect(bindings.map((b) => b.kind === 'binding' && [b.destination, b.routingKey, b.arguments])).toEqual([
      ['orders-eu', 'eu', { 'x-stream-partition-order': 0 }],
      ['orders-us', 'us', { 'x-stream-partition-order': 1 }],
    ]);
  });
});

describe('the field tables', () => {
  it('durations go to RabbitMQ in their units and come back as the format writes them', () => {
    expect(toBroker(UPSTREAM_FIELD.reconnectDelay, '1.5s')).toBeUndefined();
    expect(toBroker(SHOVEL_FIELD.reconnectDelay, '1m')).toBe(60);
    expect(fromBroker(SHOVEL_FIELD.reconnectDelay, 60)).toBe('1m');
    expect(toBroker(UPSTREAM_FIELD.expires, '1.5h')).toBe(5_400_000);
    expect(fromBroker(UPSTREAM_FIELD.expires, 5_400_000)).toBe('90m');
    expect(toBroker(SUPER_STREAM_FIELD.maxAge, '36h')).toBe('36h');
    expect(toBroker(SUPER_STREAM_FIELD.maxAge, '90s')).toBe('90s');
    expect(toBroker(SUPER_STREAM_FIELD.maxAge, '14d')).toBe('14D');
    expect(fromBroker(SUPER_STREAM_FIELD.maxAge, '7D')).toBe('7d');
    expect(fromBroker(SUPER_STREAM_FIELD.maxAge, '1Y')).toBe('365d');
    expect(fromBroker(SHOVEL_FIELD.srcDeleteAfter, 'queue-length')).toBe('queue-length');
    expect(fromBroker(SHOVEL_FIELD.srcDeleteAfter, 'sometimes')).toBeUndefined();
    expect(fromBroker(UPSTREAM_FIELD.prefetchCount, 0)).toBeUndefined();
  });

  it('every parameter entry of the plan carries only keys the tables know', () => {
    const known = new Set([UPSTREAM_FIELD, SHOVEL_FIELD].flatMap((t) => Object.values(t).map((f) => f.key)));
    for (const p of ['src-', 'dest-']) for (const k of ['queue', 'exchange', 'exchange-key']) known.add(p + k);
    const params = planOf(TOPOLOGY).entries.filter((e): e is ParameterEntry => e.kind === 'parameter');
    expect(params).toHaveLength(5);
    for (const e of params)
      for (const v of Array.isArray(e.value) ? e.value : [e.value])
        for (const k of Object.keys(v)) expect(k === 'upstream' || known.has(k), k).toBe(true);
  });
});
