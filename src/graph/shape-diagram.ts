// What `warren graph`'s options make of a diagram: the neighbourhood of one
// object (--focus, --hops), the path a message takes (--exchange, marked as
// `warren route` computes it), and, for large topologies, queues and
// exchanges that look alike folded into one node each, with what was folded
// said in words. Pure: diagrams in, diagrams out.
import type { RouteResult } from '../route/route-message.js';
import { bindingLabel } from './build-diagram.js';
import { type Diagram, type DiagramEdge, type DiagramNode, nodeKey } from './diagram.js';

/** The nodes within `hops` edges (either way) of the focused ones, and the edges among them. */
export function focusOn(d: Diagram, keys: readonly string[], hops: number, what: string): Diagram {
  const near = new Map<string, string[]>();
  for (const e of d.edges) {
    near.set(e.from, [...(near.get(e.from) ?? []), e.to]);
    near.set(e.to, [...(near.get(e.to) ?? []), e.from]);
  }
  const kept = new Set(keys);
  let frontier = [...keys];
  for (let i = 0; i < hops; i++) {
    const next: string[] = [];
    for (const k of frontier) {
      for (const n of near.get(k) ?? []) {
        if (kept.has(n)) continue;
        kept.add(n);
        next.push(n);
      }
    }
    frontier = next;
  }
  const left = d.nodes.length - kept.size;
  return {
    ...d,
    nodes: d.nodes.filter((n) => kept.has(n.key)),
    edges: d.edges.filter((e) => kept.has(e.from) && kept.has(e.to)),
    elided: [
      ...d.elided,
      ...(left > 0 ? [`${left} objects more than ${hops} hop${hops === 1 ? '' : 's'} from ${what} left out`] : []),
    ],
  };
}

/** The route marked: the exchanges it passes, the queues it reaches, and the bindings and alternates it takes. */
export function markRoute(d: Diagram, vhost: string, route: RouteResult, title: string): Diagram {
  const exchange = (name: string) => nodeKey(vhost, 'exchange', name);
  const nodes = new Set([...route.exchanges.map(exchange), ...route.queues.map((q) => nodeKey(vhost, 'queue', q))]);
  const taken = new Set(
    route.hops.map((h) =>
      JSON.stringify([
        exchange(h.from),
        'queue' in h.to ? nodeKey(vhost, 'queue', h.to.queue) : exchange(h.to.exchange),
        h.via === 'alternate' ? 'alternate' : 'binding',
        h.binding ? bindingLabel(h.binding) : undefined,
      ]),
    ),
  );
  const onRoute = (e: DiagramEdge) =>
    taken.has(JSON.stringify([e.from, e.to, e.kind, e.kind === 'binding' ? e.label : undefined])) ||
    taken.has(JSON.stringify([e.from, e.to, e.kind, undefined]));
  return {
    ...d,
    title,
    nodes: d.nodes.map((n) => (nodes.has(n.key) ? { ...n, marks: [...(n.marks ?? []), 'route'] } : n)),
    edges: d.edges.map((e) => (onRoute(e) ? { ...e, marks: [...(e.marks ?? []), 'route'] } : e)),
  };
}

/**
 * Past `max` nodes, queues (then exchanges) of one vhost that have the same type and the same neighbours by the same
 * kinds of edge are folded into one node each ("120 quorum queues"), their edges into one with the labels counted.
 * Marked nodes (a route, a diff) are never folded.
 */
export function foldAlike(d: Diagram, max: number): Diagram {
  if (d.nodes.length <= max) return d;
  const edgesOf = new Map<string, DiagramEdge[]>();
  for (const e of d.edges) {
    edgesOf.set(e.from, [...(edgesOf.get(e.from) ?? []), e]);
    edgesOf.set(e.to, [...(edgesOf.get(e.to) ?? []), e]);
  }
  const signature = (n: DiagramNode) =>
    JSON.stringify([
      n.vhost,
      n.kind,
      n.type,
      (edgesOf.get(n.key) ?? []).map((e) => (e.from === n.key ? `>${e.kind}:${e.to}` : `<${e.kind}:${e.from}`)).sort(),
    ]);
  const groups = new Map<string, DiagramNode[]>();
  for (const n of d.nodes) {
    if ((n.kind !== 'queue' && n.kind !== 'exchange') || (n.marks?.length ?? 0) > 0) continue;
    const s = signature(n);
    groups.set(s, [...(groups.get(s) ?? []), n]);
  }
  const into = new Map<string, string>();
  const folded: DiagramNode[] = [];
  let count = 0;
  for (const members of groups.values()) {
    if (members.length < 3) continue;
    const names = members.map((m) => m.name).sort();
    const first = members[0]!;
    const key = nodeKey(first.vhost, 'group', `${first.kind}:${names[0]}`);
    for (const m of members) into.set(m.key, key);
    folded.push({
      key,
      vhost: first.vhost,
      kind: 'group',
      name: `${members.length} ${first.type ?? ''} ${first.kind === 'queue' ? 'queues' : 'exchanges'}`.replace(
        / {2}/g,
        ' ',
      ),
      ...(first.type ? { type: first.type } : {}),
      detail: [`${names[0]} … ${names[names.length - 1]}`],
    });
    count += members.length;
  }
  if (count === 0) return { ...d, elided: [...d.elided, `${d.nodes.length} objects: nothing alike to fold`] };
  const nodes = [...d.nodes.filter((n) => !into.has(n.key)), ...folded];
  const merged = new Map<string, { edge: DiagramEdge; labels: Set<string> }>();
  for (const e of d.edges) {
    const from = into.get(e.from) ?? e.from;
    const to = into.get(e.to) ?? e.to;
    const k = JSON.stringify([from, to, e.kind]);
    const m = merged.get(k) ?? { edge: { ...e, from, to }, labels: new Set<string>() };
    if (e.label !== undefined) m.labels.add(e.label);
    merged.set(k, m);
  }
  const edges = [...merged.values()].map(({ edge, labels }) => {
    const { label: _, ...rest } = edge;
    if (labels.size === 0) return rest;
    return { ...rest, label: labels.size === 1 ? [...labels][0]! : `${labels.size} keys` };
  });
  return {
    ...d,
    nodes,
    edges,
    elided: [
      ...d.elided,
      `${count} queues and exchanges that share a type and their neighbours are folded into ${folded.length} nodes`,
    ],
  };
}
