// Where a message published to an exchange ends up, following RabbitMQ
// 3.10.8's own algorithm (rabbit_exchange:route/2): each exchange routes by
// its bindings, as the broker stores them (model/binding-identity.ts: the raw
// `arguments` with `headers` and `match` folded in); an exchange whose
// bindings give no destination hands the message to its alternate exchange
// (rabbit_exchange:process_alternate/2: the `alternate-exchange` argument,
// else the one of the policy that applies to the exchange; operator policies
// cannot hold the key); destinations that name no exchange are skipped
// (cons_if_present); each exchange is visited once, the first included, so
// cycles end; queues count once. The default exchange routes to the queue
// named by the key, and has no alternate.
import { applyingPolicy, type PolicyView } from '../model/applying-policy.js';
import { bindingArguments } from '../model/binding-identity.js';
import { partitionsOf } from '../model/super-stream-partitions.js';
import { declaredAlternate, exchangeType, hasExchange, hasQueue, type VHostModel } from '../model/topology-model.js';
import type { BindingSpec } from '../format/topology-schema.js';
import { matchHeaders, type HeaderValue } from './match-headers.js';
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
  /**
   * Exchanges whose choice cannot be known statically (consistent hash, plugin
   * types, an alternate exchange set by a policy warren cannot tell applies):
   * every destination they may choose is counted.
   */
  readonly uncertain: string[];
  /** For exchanges in `uncertain` because of policies: why warren cannot tell. */
  readonly unknown: { readonly exchange: string; readonly why: string }[];
  /** Each step the message takes: from an exchange, by a binding or to its alternate (`warren graph --exchange`). */
  readonly hops: Hop[];
}

export interface Hop {
  readonly from: string;
  readonly to: { readonly queue: string } | { readonly exchange: string };
  readonly via: 'binding' | 'alternate';
  /** The binding the message took (none from the default exchange, or to an alternate). */
  readonly binding?: BindingSpec;
}

const STATIC_TYPES = new Set(['direct', 'fanout', 'topic', 'headers']);

/** A binding as the broker routes by it (its arguments, which only headers exchanges read, worked out when read). */
interface Route {
  readonly key: string;
  readonly spec: BindingSpec;
  arguments?: Readonly<Record<string, unknown>>;
  readonly to: { queue: string } | { exchange: string };
}

export class RoutingIndex {
  private readonly bySource = new Map<string, Route[]>();
  private readonly policies: PolicyView[];

  constructor(readonly vhost: VHostModel) {
    for (const { spec, ok } of vhost.bindings.values()) if (ok) this.add(spec);
    // A super stream's exchange routes to its partitions by their keys.
    for (const ss of vhost.superStreams.values()) {
      if (!ss.ok) continue;
      for (const p of partitionsOf(ss.name, ss.spec)) this.add({ from: ss.name, to: p.stream, key: p.key });
    }
    this.policies = [...vhost.policies.values()].filter((p) => p.ok).map((p) => ({ ...p.spec, name: p.name }));
  }

  private add(spec: BindingSpec): void {
    // The ends and key as brokerBindingOf gives them (model/binding-identity.ts), without its arguments yet.
    const route: Route = {
      key: spec.key ?? '',
      spec,
      to: spec.to !== undefined ? { queue: spec.to } : { exchange: spec.toExchange ?? '' },
    };
    const list = this.bySource.get(spec.from);
    if (list) list.push(route);
    else this.bySource.set(spec.from, [route]);
  }

  route(exchange: string, message: Message): RouteResult {
    const queues = new Set<string>();
    const seen = new Set<string>([exchange]);
    const work = [exchange];
    const uncertain: string[] = [];
    const unknown: RouteResult['unknown'][number][] = [];
    const hops: Hop[] = [];
    for (let name = work.shift(); name !== undefined; name = work.shift()) {
      const { destinations, certain, bindings } = this.routeOnce(name, message);
      if (!certain) uncertain.push(name);
      let via: Hop['via'] = 'binding';
      if (destinations.length === 0 && name !== '') {
        const { alternates, why } = this.alternateOf(name);
        if (why !== undefined) {
          if (certain) uncertain.push(name);
          unknown.push({ exchange: name, why });
        }
        for (const a of alternates) if (a !== undefined) destinations.push({ exchange: a });
        via = 'alternate';
      }
      destinations.forEach((d, i) => {
        const binding = via === 'binding' ? bindings[i] : undefined;
        if ('queue' in d || hasExchange(this.vhost, d.exchange))
          hops.push({ from: name, to: d, via, ...(binding ? { binding } : {}) });
      });
      for (const d of destinations) {
        if ('queue' in d) queues.add(d.queue);
        else if (!seen.has(d.exchange) && hasExchange(this.vhost, d.exchange)) {
          seen.add(d.exchange);
          work.push(d.exchange);
        }
      }
    }
    return { queues: [...queues].sort(), exchanges: [...seen], uncertain, unknown, hops };
  }

  /**
   * The alternate exchange of an exchange (rabbit_policy:get_arg/3): its
   * `alternate-exchange` argument (a value that names no exchange names none),
   * else the policy's. Several when warren cannot tell which policy applies.
   */
  alternateOf(name: string): { alternates: (string | undefined)[]; why?: string } {
    const declared = this.vhost.exchanges.get(name);
    const argument = declared ? declaredAlternate(declared.spec) : undefined;
    if (argument !== undefined) return { alternates: [typeof argument === 'string' ? argument : undefined] };
    const of = (p: PolicyView | undefined) => {
      const ae = p?.definition['alternate-exchange'];
      return typeof ae === 'string' ? ae : undefined;
    };
    const applying = applyingPolicy(this.policies, { name, target: 'exchange' });
    if (applying.known) return { alternates: [of(applying.policy)] };
    const alternates = [...new Set(applying.candidates.map(of))];
    return alternates.length === 1 ? { alternates } : { alternates, why: applying.why };
  }

  /** The destinations one exchange's own bindings give, before alternates. */
  private routeOnce(
    name: string,
    message: Message,
  ): { destinations: ({ queue: string } | { exchange: string })[]; certain: boolean; bindings: BindingSpec[] } {
    if (name === '')
      return {
        destinations: hasQueue(this.vhost, message.key) ? [{ queue: message.key }] : [],
        certain: true,
        bindings: [],
      };
    const type = exchangeType(this.vhost, name);
    if (type === undefined) return { destinations: [], certain: true, bindings: [] };
    const matching = (this.bySource.get(name) ?? []).filter(
      (r) => !STATIC_TYPES.has(type) || matches(type, r, message),
    );
    return {
      destinations: matching.map((r) => r.to),
      certain: STATIC_TYPES.has(type) || matching.length === 0,
      bindings: matching.map((r) => r.spec),
    };
  }
}

function matches(type: string, route: Route, message: Message): boolean {
  switch (type) {
    case 'direct':
      return route.key === message.key;
    case 'topic':
      return matchTopic(route.key, message.key);
    case 'headers':
      route.arguments ??= bindingArguments(route.spec);
      return matchHeaders(route.arguments, message.headers);
    default:
      return true; // fanout
  }
}
