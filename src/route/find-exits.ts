// Where a routed message leaves its vhost instead of stopping silently: a
// queue it reaches is a shovel's source, or an exchange it passes is one
// (when the message matches the shovel's key); or the queue or exchange is
// the upstream of a federated queue or exchange in a vhost of this topology
// (a federation URI without a host names this broker). A destination on this
// broker, in a declared vhost, is followed: the queues reached there are
// listed with the exit (once; exits of that route are not followed further).
import { readUri } from '../model/read-uri.js';
import { applyingPolicy } from '../model/applying-policy.js';
import type { PolicyTarget } from '../format/policy-targets.js';
import { exchangeType, queueType, type TopologyModel, type VHostModel } from '../model/topology-model.js';
import type { EndpointSpec, UpstreamSpec, UriSpec } from '../format/topology-schema.js';
import { matchTopic } from './match-topic.js';
import { type Message, type RouteResult, RoutingIndex } from './route-message.js';

export interface Exit {
  readonly via: 'shovel' | 'federation';
  /** The shovel's or the upstream's name, and the vhost that declares it. */
  readonly name: string;
  readonly declaredIn: string;
  /** Where the message leaves: `queue jobs`, `exchange events`. */
  readonly from: string;
  /** Where it goes, in words (URIs without secrets: a secret is named by its key). */
  readonly to: string;
  /** When it goes to this broker, in a declared vhost: that vhost and the queues the message reaches there. */
  readonly vhost?: string;
  readonly queues?: string[];
  /** Set when the exit is only possible: warren cannot tell whether the policy that federates applies (why). */
  readonly unknown?: string;
}

export function findExits(
  model: TopologyModel,
  vhost: VHostModel,
  message: Message,
  result: RouteResult,
  follow = true,
): Exit[] {
  const exits: Exit[] = [];
  const queues = new Set(result.queues);
  const exchanges = new Set(result.exchanges);
  for (const owner of model.vhosts.values()) {
    for (const shovel of owner.shovels.values()) {
      if (!shovel.ok) continue;
      const src = shovel.spec.source;
      if (localVhost(src.uri) !== vhost.name) continue;
      const fromQueue = src.queue !== undefined && queues.has(src.queue);
      const fromExchange =
        src.exchange !== undefined &&
        exchanges.has(src.exchange) &&
        keyMatches(vhost, src.exchange, src.key ?? '', message);
      if (!fromQueue && !fromExchange) continue;
      const dest = shovel.spec.destination;
      const key = dest.queue ?? dest.key ?? message.key;
      exits.push({
        via: 'shovel',
        name: shovel.name,
        declaredIn: owner.name,
        from: fromQueue ? `queue ${src.queue}` : `exchange ${src.exchange}`,
        to: `${dest.queue !== undefined ? `queue ${dest.queue}` : `exchange ${dest.exchange ?? ''}`} at ${uriWords(dest.uri)}`,
        ...followed(model, dest, key, message, follow),
      });
    }
    for (const exit of federationExits(owner, vhost, message, queues, exchanges, follow)) exits.push(exit);
  }
  return exits;
}

function federationExits(
  downstream: VHostModel,
  vhost: VHostModel,
  message: Message,
  queues: Set<string>,
  exchanges: Set<string>,
  follow: boolean,
): Exit[] {
  const out: Exit[] = [];
  const objects: { kind: 'queue' | 'exchange'; name: string; target: PolicyTarget }[] = [
    ...[...downstream.exchanges.values()].map((x) => ({
      kind: 'exchange' as const,
      name: x.name,
      target: 'exchange' as PolicyTarget,
    })),
    ...[...downstream.queues.values()].map((q) => ({
      kind: 'queue' as const,
      name: q.name,
      target: queueType(downstream, q.spec) as PolicyTarget,
    })),
  ];
  const policies = [...downstream.policies.values()].filter((p) => p.ok).map((p) => ({ ...p.spec, name: p.name }));
  for (const o of objects) {
    // The policy that applies to the object, or each one that may (then the exit is only possible).
    const applying = applyingPolicy(policies, { name: o.name, target: o.target });
    const possible = applying.known ? [applying.policy] : applying.candidates;
    for (const policy of possible) {
      const definition = policy?.definition;
      if (
        !definition ||
        (definition['federation-upstream'] === undefined && definition['federation-upstream-set'] === undefined)
      )
        continue;
      for (const [upstreamName, upstream] of upstreamsOf(downstream, definition)) {
        const uris = upstream.uris ?? (upstream.uri !== undefined ? [upstream.uri] : []);
        if (!uris.some((u) => localVhost(u) === vhost.name)) continue;
        const there = (o.kind === 'exchange' ? upstream.exchange : upstream.queue) ?? o.name;
        const reached = o.kind === 'exchange' ? exchanges.has(there) : queues.has(there);
        if (!reached) continue;
        const routed =
          follow && o.kind === 'exchange'
            ? {
                vhost: downstream.name,
                queues: new RoutingIndex(downstream).route(o.name, message).queues,
              }
            : follow
              ? { vhost: downstream.name, queues: [o.name] }
              : {};
        out.push({
          via: 'federation',
          name: upstreamName,
          declaredIn: downstream.name,
          from: `${o.kind} ${there}`,
          to:
            o.kind === 'exchange'
              ? `federated exchange ${o.name} in vhost ${downstream.name} (a copy)`
              : `federated queue ${o.name} in vhost ${downstream.name} (when its consumers there are idle)`,
          ...routed,
          ...(applying.known ? {} : { unknown: applying.why }),
        });
      }
    }
  }
  return out;
}

function upstreamsOf(vhost: VHostModel, definition: Record<string, unknown>): [string, UpstreamSpec][] {
  const named = (n: unknown) => {
    const u = typeof n === 'string' ? vhost.federationUpstreams.get(n) : undefined;
    return u?.ok ? [[u.name, u.spec] as [string, UpstreamSpec]] : [];
  };
  if (definition['federation-upstream'] !== undefined) return named(definition['federation-upstream']);
  const set = definition['federation-upstream-set'];
  if (set === 'all') return [...vhost.federationUpstreams.values()].flatMap((u) => named(u.name));
  const members = typeof set === 'string' ? vhost.federationUpstreamSets.get(set) : undefined;
  if (!members?.ok) return [];
  return members.spec.flatMap((m) => named(typeof m === 'string' ? m : m.upstream));
}

function followed(model: TopologyModel, dest: EndpointSpec, key: string, message: Message, follow: boolean) {
  const name = localVhost(dest.uri);
  const there = name === undefined ? undefined : model.vhosts.get(name);
  if (!follow || !there) return {};
  const exchange = dest.queue !== undefined ? '' : (dest.exchange ?? '');
  return { vhost: there.name, queues: new RoutingIndex(there).route(exchange, { ...message, key }).queues };
}

/** Whether a shovel's queue, bound to the exchange with `key`, takes the message. */
function keyMatches(vhost: VHostModel, exchange: string, key: string, message: Message): boolean {
  switch (exchangeType(vhost, exchange)) {
    case 'direct':
      return key === message.key;
    case 'topic':
      return matchTopic(key, message.key);
    default:
      return true; // fanout; headers with no arguments match all; plugin types may
  }
}

/** The vhost of a URI that names this broker (no host); undefined otherwise. */
function localVhost(uri: UriSpec | undefined): string | undefined {
  const text = typeof uri === 'string' ? uri : typeof uri === 'object' ? uri.uri : undefined;
  const reading = text === undefined ? undefined : readUri(text);
  return reading && !('problem' in reading) && reading.local ? reading.vhost : undefined;
}

function uriWords(uri: UriSpec): string {
  if (typeof uri === 'string') return uri;
  return uri.secret !== undefined ? `the URI in secret ${uri.secret}` : (uri.uri ?? '?');
}
