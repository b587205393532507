// Where a message published to an exchange ends up, following RabbitMQ's own
// algorithm (rabbit_exchange:route): each exchange routes by its bindings; an
// exchange whose bindings match nothing hands the message to its alternate
// exchange; exchange destinations are followed once each; queues count once.
import { partitionsOf } from '../model/super-stream-partitions.js';
import { exchangeType, hasQueue, type VHostModel } from '../model/topology-model.js';
import type { BindingSpec } from '../schema/topology-schema.js';
import { matchHeaders, type HeaderValue, type MatchMode } from './match-headers.js';
import { matchTopic } from './match-topic.js';

export interface Message {
  readonly key: string;
  readonly headers: Readonly<Record<string, HeaderValue>>;
}

export interface RouteResult {
  /** Destination queue names, sorted, each once. */
  readonly queues: string[];
  /** Exchanges the message passed through, in order. */
  readonly exchanges: string[];
  /** Exchanges whose choice cannot be known statically (consistent hash, plugin types): all their bound destinations are counted. */
  readonly uncertain: string[];
}

const STATIC_TYPES = new Set(['direct', 'fanout', 'topic', 'headers']);

export class RoutingIndex {
  private readonly bySource = new Map<string, BindingSpec[]>();

  constructor(readonly vhost: VHostModel) {
    for (const { spec, ok } of vhost.bindings.values()) {
      if (!ok) continue;
      const list = this.bySource.get(spec.from);
      if (list) list.push(spec);
      else this.bySource.set(spec.from, [spec]);
    }
    // A super stream's exchange routes to its partitions by their keys.
    for (const ss of vhost.superStreams.values()) {
      if (!ss.ok) continue;
      const list = this.bySource.get(ss.name) ?? [];
      for (const p of partitionsOf(ss.name, ss.spec)) list.push({ from: ss.name, to: p.stream, key: p.key });
      this.bySource.set(ss.name, list);
    }
  }

  route(exchange: string, message: Message): RouteResult {
    const queues = new Set<string>();
    const seen = new Set<string>([exchange]);
    const work = [exchange];
    const uncertain: string[] = [];
    for (let name = work.shift(); name !== undefined; name = work.shift()) {
      const { destinations, certain } = this.routeOnce(name, message);
      if (!certain) uncertain.push(name);
      const alternate = destinations.length === 0 ? this.vhost.exchanges.get(name)?.spec.alternateExchange : undefined;
      if (alternate !== undefined) destinations.push({ exchange: alternate });
      for (const d of destinations) {
        if ('queue' in d) queues.add(d.queue);
        else if (!seen.has(d.exchange)) {
          seen.add(d.exchange);
          work.push(d.exchange);
        }
      }
    }
    return { queues: [...queues].sort(), exchanges: [...seen], uncertain };
  }

  /** The destinations one exchange's own bindings give, before alternates. */
  private routeOnce(
    name: string,
    message: Message,
  ): { destinations: ({ queue: string } | { exchange: string })[]; certain: boolean } {
    if (name === '')
      return { destinations: hasQueue(this.vhost, message.key) ? [{ queue: message.key }] : [], certain: true };
    const type = exchangeType(this.vhost, name);
    if (type === undefined) return { destinations: [], certain: true };
    const matching = (this.bySource.get(name) ?? []).filter(
      (b) => !STATIC_TYPES.has(type) || matches(type, b, message),
    );
    const destinations = matching.map((b) => (b.to !== undefined ? { queue: b.to } : { exchange: b.toExchange ?? '' }));
    return { destinations, certain: STATIC_TYPES.has(type) || matching.length === 0 };
  }
}

function matches(type: string, binding: BindingSpec, message: Message): boolean {
  const key = binding.key ?? '';
  switch (type) {
    case 'direct':
      return key === message.key;
    case 'topic':
      return matchTopic(key, message.key);
    case 'headers':
      return matchHeaders((binding.match ?? 'all') as MatchMode, binding.headers ?? {}, message.headers);
    default:
      return true; // fanout
  }
}
