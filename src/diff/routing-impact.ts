// Routing impact of a change, for reviewers: messages that a changed exchange
// (or one routing into it) would deliver elsewhere after the change. Sample
// messages come from the binding keys and header sets of both sides — the
// keys a topology's own bindings single out — and each is routed with
// RabbitMQ's algorithm (route/route-message.ts) before and after.
import { brokerBindingOf, canonical } from '../model/binding-identity.js';
import {
  BUILTIN_EXCHANGES,
  isInternal,
  routingType,
  type TopologyModel,
  type VHostModel,
} from '../model/topology-model.js';
import type { HeaderValue } from '../route/match-headers.js';
import { RoutingIndex, type Message } from '../route/route-message.js';
import type { BindingSpec } from '../format/topology-schema.js';

export interface RoutingChange {
  readonly vhost: string;
  readonly exchange: string;
  /** One message that now goes elsewhere, and how many other sampled messages change the same way. */
  readonly message: Message;
  readonly more: number;
  readonly before: string[];
  readonly after: string[];
}

/** At most this many sampled messages per vhost, so that huge topologies stay fast. */
const MAX_SAMPLES = 500;

export function routingImpact(base: TopologyModel, head: TopologyModel): RoutingChange[] {
  const out: RoutingChange[] = [];
  for (const [name, before] of base.vhosts) {
    const after = head.vhosts.get(name);
    if (after) for (const change of vhostImpact(name, before, after)) out.push(change);
  }
  return out;
}

function vhostImpact(name: string, before: VHostModel, after: VHostModel): RoutingChange[] {
  const [routeBefore, routeAfter] = [new RoutingIndex(before), new RoutingIndex(after)];
  const changed = changedExchanges(routeBefore, routeAfter);
  if (changed.size === 0) return [];
  const senders = [...upstreamOf(changed, routeBefore, routeAfter)]
    .filter((x) => publishable(before, x) && publishable(after, x))
    .sort();
  const samples = sampleMessages([...bindingsOf(before), ...bindingsOf(after)], before, after);
  const groups = new Map<string, RoutingChange>();
  for (const exchange of senders) {
    for (const message of samples) {
      const was = routeBefore.route(exchange, message).queues;
      const now = routeAfter.route(exchange, message).queues;
      if (canonical(was) === canonical(now)) continue;
      const key = canonical([exchange, was, now]);
      const seen = groups.get(key);
      groups.set(
        key,
        seen ? { ...seen, more: seen.more + 1 } : { vhost: name, exchange, message, more: 0, before: was, after: now },
      );
    }
  }
  return [...groups.values()];
}

function bindingsOf(vhost: VHostModel): BindingSpec[] {
  return [...vhost.bindings.values()].filter((b) => b.ok).map((b) => b.spec);
}

/**
 * Exchanges whose type, alternate exchange (its argument, or the policy's) or
 * bindings differ. Built-in exchanges count too: a policy can give them an
 * alternate exchange.
 */
function changedExchanges(before: RoutingIndex, after: RoutingIndex): Set<string> {
  const shape = (index: RoutingIndex, x: string) => {
    const v = index.vhost;
    const spec = v.exchanges.get(x)?.spec;
    const own = bindingsOf(v)
      .filter((b) => b.from === x)
      .map((b) => canonical(brokerBindingOf(b)))
      .sort();
    return canonical([
      spec ? routingType(spec) : (BUILTIN_EXCHANGES.get(x) ?? null),
      index.alternateOf(x).alternates.map((a) => a ?? null),
      own,
    ]);
  };
  const names = new Set([
    ...BUILTIN_EXCHANGES.keys(),
    ...before.vhost.exchanges.keys(),
    ...after.vhost.exchanges.keys(),
    ...bindingsOf(before.vhost).map((b) => b.from),
    ...bindingsOf(after.vhost).map((b) => b.from),
  ]);
  return new Set([...names].filter((x) => shape(before, x) !== shape(after, x)));
}

/** The changed exchanges and every exchange that can route into them (by binding or alternate exchange), on either side. */
function upstreamOf(changed: Set<string>, ...sides: RoutingIndex[]): Set<string> {
  const into = new Map<string, Set<string>>();
  const edge = (from: string, to: string) => into.set(to, new Set([...(into.get(to) ?? []), from]));
  for (const index of sides) {
    const v = index.vhost;
    for (const b of bindingsOf(v)) if (b.toExchange !== undefined) edge(b.from, b.toExchange);
    for (const x of new Set([...v.exchanges.keys(), ...BUILTIN_EXCHANGES.keys()]))
      for (const a of index.alternateOf(x).alternates) if (a !== undefined) edge(x, a);
  }
  const out = new Set(changed);
  const work = [...changed];
  for (let x = work.pop(); x !== undefined; x = work.pop()) {
    for (const from of into.get(x) ?? []) {
      if (!out.has(from)) {
        out.add(from);
        work.push(from);
      }
    }
  }
  return out;
}

/** Declared (or built in) and not internal: a client can publish to it. */
function publishable(v: VHostModel, exchange: string): boolean {
  return (v.exchanges.has(exchange) || BUILTIN_EXCHANGES.has(exchange)) && !isInternal(v, exchange);
}

function sampleMessages(bindings: BindingSpec[], ...sides: VHostModel[]): Message[] {
  const out = new Map<string, Message>([['[""]', { key: '', headers: {} }]]);
  const add = (key: string, headers: Record<string, HeaderValue> = {}) =>
    out.size < MAX_SAMPLES && out.set(canonical([key, headers]), { key, headers });
  for (const b of bindings) {
    const type = sides.map((v) => v.exchanges.get(b.from)?.spec).find(Boolean);
    const routing = type ? routingType(type) : BUILTIN_EXCHANGES.get(b.from);
    if (routing === 'headers') {
      // The binding's arguments as the broker stores them: `headers` and raw arguments alike.
      const headers = Object.fromEntries(
        Object.entries(brokerBindingOf(b).arguments).filter(
          (e): e is [string, HeaderValue] =>
            e[0] !== 'x-match' && ['string', 'number', 'boolean'].includes(typeof e[1]),
        ),
      );
      add('', headers);
      const [first] = Object.entries(headers);
      if (first) add('', { [first[0]]: first[1] });
    } else for (const key of keysFor(b.key ?? '')) add(key);
  }
  return [...out.values()];
}

/** Concrete keys a binding pattern singles out: `*` and `#` as one word, and `#` as no word. */
function keysFor(pattern: string): string[] {
  const words = pattern.split('.');
  const one = words.map((w) => (w === '*' || w === '#' ? 'x' : w)).join('.');
  const none = words
    .filter((w) => w !== '#')
    .map((w) => (w === '*' ? 'x' : w))
    .join('.');
  // Concrete keys first: the first sample of a group is the one shown.
  return [...new Set([one, none, pattern])];
}
