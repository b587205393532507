// The diagram of a topology (diagram.ts) from its model: what `warren graph`
// draws. Routing facts come from where `warren route` takes them (the
// routing index: bindings as the broker stores them, alternate exchanges by
// argument or policy), policies apply as model/applying-policy.ts decides,
// and what warren cannot tell is drawn as such (a `?` on the edge), never
// guessed. Federation and shovel ends are drawn by host and vhost only: a
// URI's credentials never reach a diagram.
import type { QueueSpec, UriSpec } from '../format/topology-schema.js';
import { applyingPolicy, type PolicyView } from '../model/applying-policy.js';
import { bindingArguments } from '../model/binding-identity.js';
import { readUri } from '../model/read-uri.js';
import { partitionsOf } from '../model/super-stream-partitions.js';
import { BUILTIN_EXCHANGES, queueType, type TopologyModel, type VHostModel } from '../model/topology-model.js';
import { RoutingIndex } from '../route/route-message.js';
import { type Diagram, type DiagramEdge, type DiagramNode, nodeKey } from './diagram.js';

/**
 * Policies are matched against every queue and exchange of a vhost only up to this many pairs (pattern matches,
 * about a second): past it, notes show no links and the diagram says so.
 */
const MAX_POLICY_PAIRS = 2_000_000;
/** A policy note links to the objects it applies to up to this many; past it, it gives their number. */
const MAX_NOTE_LINKS = 6;

export function buildDiagram(model: TopologyModel, vhosts?: readonly string[]): Diagram {
  const nodes = new Map<string, DiagramNode>();
  const edges: DiagramEdge[] = [];
  const elided: string[] = [];
  for (const vhost of model.vhosts.values()) {
    if (vhosts && !vhosts.includes(vhost.name)) continue;
    drawVhost(vhost, nodes, edges, elided);
  }
  return { nodes: [...nodes.values()], edges: dedupe(edges), elided };
}

function drawVhost(v: VHostModel, nodes: Map<string, DiagramNode>, edges: DiagramEdge[], elided: string[]): void {
  const add = (n: DiagramNode) => {
    if (!nodes.has(n.key)) nodes.set(n.key, n);
    return n.key;
  };
  const exchange = (name: string) => {
    const declared = v.exchanges.get(name);
    if (declared) return nodeKey(v.name, 'exchange', name);
    if (v.superStreams.has(name)) return nodeKey(v.name, 'exchange', name);
    if (BUILTIN_EXCHANGES.has(name))
      return add({ key: nodeKey(v.name, 'exchange', name), vhost: v.name, kind: 'exchange', name, type: 'builtin' });
    return undefined;
  };
  const queue = (name: string) => nodeKey(v.name, 'queue', name);
  for (const [name, x] of v.exchanges) {
    if (!x.ok) continue;
    const type = x.spec.type ?? 'direct';
    add({
      key: nodeKey(v.name, 'exchange', name),
      vhost: v.name,
      kind: 'exchange',
      name,
      type: x.spec.internal ? `${type}, internal` : type,
    });
  }
  for (const [name, q] of v.queues) {
    if (!q.ok) continue;
    add({ key: queue(name), vhost: v.name, kind: 'queue', name, type: queueType(v, q.spec) });
  }
  for (const [name, ss] of v.superStreams) {
    if (!ss.ok) continue;
    add({ key: nodeKey(v.name, 'exchange', name), vhost: v.name, kind: 'exchange', name, type: 'super stream' });
    for (const p of partitionsOf(name, ss.spec)) {
      add({ key: queue(p.stream), vhost: v.name, kind: 'queue', name: p.stream, type: 'stream' });
      edges.push({ from: nodeKey(v.name, 'exchange', name), to: queue(p.stream), kind: 'binding', label: p.key });
    }
  }
  for (const { spec, ok } of v.bindings.values()) {
    if (!ok) continue;
    const from = exchange(spec.from);
    const to = spec.to !== undefined ? queue(spec.to) : exchange(spec.toExchange ?? '');
    if (from && to && nodes.has(to)) edges.push({ from, to, kind: 'binding', label: bindingLabel(spec) });
  }
  const index = new RoutingIndex(v);
  for (const name of v.exchanges.keys()) {
    const { alternates, why } = index.alternateOf(name);
    for (const a of alternates) {
      const to = a === undefined ? undefined : exchange(a);
      if (to)
        edges.push({
          from: nodeKey(v.name, 'exchange', name),
          to,
          kind: 'alternate',
          label: why ? 'alternate?' : 'alternate',
        });
    }
  }
  const policies = [...v.policies.values()].filter((p) => p.ok).map((p) => ({ ...p.spec, name: p.name }));
  const operator = [...v.operatorPolicies.values()].filter((p) => p.ok).map((p) => ({ ...p.spec, name: p.name }));
  const objects = v.queues.size + v.exchanges.size;
  const matchPolicies = objects * (policies.length + operator.length) <= MAX_POLICY_PAIRS;
  if (!matchPolicies && policies.length + operator.length > 0)
    elided.push(
      `vhost ${v.name}: which of its ${policies.length + operator.length} policies applies to each of its ${objects} queues and exchanges is not drawn (too many to match)`,
    );
  const applied = new Map<string, string[]>();
  const applying = (kind: 'queue' | 'exchange', name: string, target: string) => {
    if (!matchPolicies) return { user: undefined, operator: undefined };
    const o = { name, target: target as never };
    const user = known(applyingPolicy(policies, o));
    const op = kind === 'queue' ? known(applyingPolicy(operator, o)) : undefined;
    for (const p of [user, op])
      if (p) applied.set(p.name, [...(applied.get(p.name) ?? []), nodeKey(v.name, kind, name)]);
    return { user, operator: op };
  };
  for (const [name, q] of v.queues) {
    if (!q.ok) continue;
    const type = queueType(v, q.spec);
    const { user } = applying('queue', name, type);
    deadLetters(name, q.spec, user, exchange, queue, nodes, edges);
    federation(v, nodeKey(v.name, 'queue', name), user, add, edges);
  }
  for (const [name, x] of v.exchanges) {
    if (!x.ok) continue;
    const { user } = applying('exchange', name, 'exchange');
    federation(v, nodeKey(v.name, 'exchange', name), user, add, edges);
  }
  for (const [kind, list] of [
    ['policy', policies],
    ['operator policy', operator],
  ] as const) {
    for (const p of list) {
      const targets = applied.get(p.name) ?? [];
      const detail = [
        `${kind} · pattern ${p.pattern}${p.applyTo ? ` · ${p.applyTo}` : ''}`,
        Object.keys(p.definition).join(', '),
        ...(matchPolicies && targets.length > MAX_NOTE_LINKS ? [`applies to ${targets.length} objects`] : []),
      ];
      const key = add({
        key: nodeKey(v.name, 'policy', `${kind}:${p.name}`),
        vhost: v.name,
        kind: 'policy',
        name: p.name,
        detail,
      });
      if (targets.length <= MAX_NOTE_LINKS) for (const t of targets) edges.push({ from: key, to: t, kind: 'policy' });
    }
  }
  for (const [name, s] of v.shovels) {
    if (!s.ok) continue;
    const key = add({ key: nodeKey(v.name, 'shovel', name), vhost: v.name, kind: 'shovel', name });
    const src = shovelEnd(v, s.spec.source as Endpoint, exchange, queue, nodes, add);
    const dest = shovelEnd(v, s.spec.destination as Endpoint, exchange, queue, nodes, add);
    if (src) edges.push({ from: src, to: key, kind: 'shovel' });
    if (dest) edges.push({ from: key, to: dest, kind: 'shovel' });
  }
}

function known(a: ReturnType<typeof applyingPolicy<PolicyView>>): PolicyView | undefined {
  return a.known ? a.policy : undefined;
}

/** A binding's label: its key, or its headers match (`all: format=pdf`). */
export function bindingLabel(spec: { key?: string; headers?: unknown; match?: string; arguments?: unknown }): string {
  const args = bindingArguments(spec as never);
  const match = args['x-match'];
  if (typeof match === 'string') {
    const pairs = Object.entries(args)
      .filter(([k]) => k !== 'x-match')
      .map(([k, x]) => `${k}=${typeof x === 'string' ? x : JSON.stringify(x)}`);
    return `${match}: ${pairs.join(', ')}`;
  }
  return spec.key ?? '';
}

/** Where a queue's dead letters go: its own deadLetter, else the dead-letter-exchange of the policy that applies. */
function deadLetters(
  name: string,
  spec: QueueSpec,
  policy: PolicyView | undefined,
  exchange: (name: string) => string | undefined,
  queue: (name: string) => string,
  nodes: Map<string, DiagramNode>,
  edges: DiagramEdge[],
): void {
  const fromPolicy = policy?.definition['dead-letter-exchange'];
  const target = spec.deadLetter?.exchange ?? (typeof fromPolicy === 'string' ? fromPolicy : undefined);
  if (target === undefined) return;
  const key =
    spec.deadLetter?.exchange !== undefined
      ? spec.deadLetter.routingKey
      : (policy?.definition['dead-letter-routing-key'] as string | undefined);
  const via = spec.deadLetter?.exchange !== undefined ? '' : ` (policy ${policy!.name})`;
  const label = `dead letters${key === undefined ? '' : `: ${key}`}${via}`;
  const from = queue(name);
  // The default exchange delivers to the queue its key names.
  const to = target === '' ? (key !== undefined ? queue(key) : undefined) : exchange(target);
  if (to && nodes.has(to)) edges.push({ from, to, kind: 'dead-letter', label });
}

/** The upstreams a federation policy names, each drawn once per vhost, linked to what the policy federates. */
function federation(
  v: VHostModel,
  target: string,
  policy: PolicyView | undefined,
  add: (n: DiagramNode) => string,
  edges: DiagramEdge[],
): void {
  const upstream = policy?.definition['federation-upstream'];
  const set = policy?.definition['federation-upstream-set'];
  const names =
    typeof upstream === 'string'
      ? [upstream]
      : typeof set === 'string'
        ? (v.federationUpstreamSets.get(set)?.spec ?? []).map((m) => (typeof m === 'string' ? m : m.upstream))
        : set === 'all'
          ? [...v.federationUpstreams.keys()]
          : [];
  for (const name of names) {
    const u = v.federationUpstreams.get(name);
    if (!u?.ok) continue;
    const where = [u.spec.uri, ...(u.spec.uris ?? [])].filter((x) => x !== undefined).map((x) => hostOf(x as UriSpec));
    const key = add({ key: nodeKey(v.name, 'upstream', name), vhost: v.name, kind: 'upstream', name, detail: where });
    edges.push({ from: key, to: target, kind: 'federation' });
  }
}

interface Endpoint {
  readonly uri: UriSpec;
  readonly queue?: string;
  readonly exchange?: string;
}

/** A shovel's end: a queue or exchange of this vhost when its URI names this broker and vhost, else a remote node. */
function shovelEnd(
  v: VHostModel,
  end: Endpoint,
  exchange: (name: string) => string | undefined,
  queue: (name: string) => string,
  nodes: Map<string, DiagramNode>,
  add: (n: DiagramNode) => string,
): string | undefined {
  const uri = uriText(end.uri);
  const read = uri === undefined ? undefined : readUri(uri);
  const object = end.queue !== undefined ? `queue ${end.queue}` : `exchange ${end.exchange ?? ''}`;
  if (read && !('problem' in read) && read.local && read.vhost === v.name) {
    const key = end.queue !== undefined ? queue(end.queue) : exchange(end.exchange ?? '');
    if (key && nodes.has(key)) return key;
  }
  const where = `${hostOf(end.uri)} · ${object}`;
  return add({ key: nodeKey(v.name, 'remote', where), vhost: v.name, kind: 'remote', name: where });
}

/** A URI's host and vhost, never its credentials: `amqp://far:5672/shop`. */
export function hostOf(uri: UriSpec): string {
  const text = uriText(uri);
  if (text === undefined) return 'a URI held in a stack secret';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?/.exec(text);
  if (!m) return 'a URI warren cannot read';
  const authority = m[2]!;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (host !== '') return `${m[1]}://${host}${m[3] ?? ''}`;
  const read = readUri(text);
  return `this broker, vhost ${'problem' in read ? '?' : read.vhost}`;
}

function uriText(uri: UriSpec): string | undefined {
  return typeof uri === 'string' ? uri : uri.uri;
}

/** One edge per ends, kind and label. */
function dedupe(edges: DiagramEdge[]): DiagramEdge[] {
  const seen = new Set<string>();
  return edges.filter((e) => {
    const key = JSON.stringify([e.from, e.to, e.kind, e.label ?? '']);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
