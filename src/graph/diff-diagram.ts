// The picture of a diff (`warren diff --format markdown`): only the changed
// neighbourhood, drawn from both topologies — what HEAD adds, what it
// removes (kept from BASE), what it changes — each in its own style and with
// the class of its change, and their neighbours one edge away for context.
// Bindings are edges: one HEAD adds or BASE loses is marked as such.
import type { Change, ChangeClass } from '../diff/diff-plans.js';
import { rank } from '../diff/diff-plans.js';
import { SETTINGS_POLICY_PREFIX } from '../model/reserved-names.js';
import type { TopologyModel } from '../model/topology-model.js';
import { buildDiagram } from './build-diagram.js';
import { type Diagram, type DiagramEdge, type DiagramNode, type Mark, nodeKey } from './diagram.js';
import { focusOn, foldAlike } from './shape-diagram.js';

const CLASS_TEXT: Record<ChangeClass, string> = {
  safe: 'safe',
  disruptive: 'disruptive',
  'data-losing': 'DATA-LOSING',
};
const ACTION_MARK: Record<Change['action'], Mark> = { add: 'added', remove: 'removed', change: 'changed' };

/** The diagram of what changes from `before` to `after`, or undefined when no drawn object changes. */
export function diffDiagram(
  before: TopologyModel,
  after: TopologyModel,
  changes: readonly Change[],
): Diagram | undefined {
  const old = buildDiagram(before);
  const next = buildDiagram(after);
  const byNode = new Map<string, Change[]>();
  for (const c of changes) {
    const key = changedNode(c);
    if (key) byNode.set(key, [...(byNode.get(key) ?? []), c]);
  }
  const nodes = new Map<string, DiagramNode>(next.nodes.map((n) => [n.key, n]));
  for (const n of old.nodes) if (!nodes.has(n.key)) nodes.set(n.key, n);
  const marked = new Set<string>();
  for (const [key, node] of nodes) {
    const own = byNode.get(key);
    if (!own) continue;
    const worst = own.reduce((a, b) => (rank(b.class) > rank(a.class) ? b : a));
    const mark = ACTION_MARK[own.some((c) => c.action === 'change') ? 'change' : worst.action];
    nodes.set(key, {
      ...node,
      marks: [mark],
      detail: [
        ...(node.detail ?? []),
        `${CLASS_TEXT[worst.class]}: ${mark}${own.some((c) => c.migration) ? ' (migration)' : ''}`,
      ],
    });
    marked.add(key);
  }
  const edgeKey = (e: DiagramEdge) => JSON.stringify([e.from, e.to, e.kind, e.label ?? '']);
  const before_ = new Set(old.edges.map(edgeKey));
  const after_ = new Set(next.edges.map(edgeKey));
  const edges: DiagramEdge[] = [];
  // Said in the label too: a diagram printed without colour still tells them apart.
  const marked_ = (e: DiagramEdge, mark: 'added' | 'removed'): DiagramEdge => ({
    ...e,
    label: `${e.label ? `${e.label} ` : ''}(${mark})`,
    marks: [mark],
  });
  for (const e of next.edges) edges.push(before_.has(edgeKey(e)) ? e : marked_(e, 'added'));
  for (const e of old.edges) if (!after_.has(edgeKey(e))) edges.push(marked_(e, 'removed'));
  const seeds = new Set(marked);
  for (const e of edges) {
    if (!e.marks) continue;
    seeds.add(e.from);
    seeds.add(e.to);
  }
  if (seeds.size === 0) return undefined;
  const whole: Diagram = { nodes: [...nodes.values()], edges, elided: [] };
  const near = focusOn(whole, [...seeds], 1, 'what changes');
  const elided = near.elided.length > 0 ? ['what lies more than one edge from a change is left out'] : [];
  return foldAlike({ ...near, elided }, 80);
}

/** The node a change is about: its queue or exchange, a queue's settings its queue, a policy its note. */
function changedNode(c: Change): string | undefined {
  if (c.vhost === null || c.name === undefined) return undefined;
  switch (c.kind) {
    case 'queue':
    case 'exchange':
      return nodeKey(c.vhost, c.kind, c.name);
    case 'queue settings':
      return nodeKey(c.vhost, 'queue', c.name.slice(SETTINGS_POLICY_PREFIX.length));
    case 'policy':
    case 'operator policy':
      return nodeKey(c.vhost, 'policy', `${c.kind}:${c.name}`);
    case 'federation upstream':
      return nodeKey(c.vhost, 'upstream', c.name);
    case 'shovel':
      return nodeKey(c.vhost, 'shovel', c.name);
  }
  return undefined;
}
