// A diagram in Graphviz's DOT language (`dot -Tsvg`, or `warren graph
// --format svg`, which renders it in process). Nodes are numbered; every
// name is a quoted string with `\` and `"` escaped, so `\N`, `\l` or a quote
// in a name stays text, `&` escaped, so an entity reference stays text, and
// line breaks are Graphviz's own `\n`.
import type { Diagram, DiagramEdge, DiagramNode } from './diagram.js';

const NODE_STYLE: Record<string, string> = {
  exchange: 'shape=hexagon, style=filled, fillcolor="#e8f0fe", color="#1a56db"',
  builtin: 'shape=hexagon, style="filled,dashed", fillcolor="#f3f4f6", color="#6b7280"',
  classic: 'shape=cylinder, style=filled, fillcolor="#fef9e7", color="#b7791f"',
  quorum: 'shape=cylinder, style=filled, fillcolor="#fdf2e9", color="#c05621", penwidth=2',
  stream: 'shape=parallelogram, style=filled, fillcolor="#e6fffa", color="#2c7a7b"',
  upstream: 'shape=cds, style=filled, fillcolor="#f0fff4", color="#2f855a"',
  shovel: 'shape=box, style="rounded,filled", fillcolor="#f0fff4", color="#2f855a"',
  remote: 'shape=cds, style="filled,dashed", fillcolor="#f7fafc", color="#4a5568"',
  policy: 'shape=note, style=filled, fillcolor="#fffff0", color="#975a16"',
  group: 'shape=box3d, style=filled, fillcolor="#edf2f7", color="#2d3748"',
};
const MARK_STYLE: Record<string, string> = {
  route: 'color="#d53f8c", penwidth=4',
  added: 'fillcolor="#c6f6d5", color="#2f855a", penwidth=3',
  removed: 'fillcolor="#fed7d7", color="#c53030", penwidth=3, style="filled,dashed"',
  changed: 'fillcolor="#feebc8", color="#c05621", penwidth=3',
};
const EDGE_STYLE: Record<string, string> = {
  binding: '',
  alternate: 'style=dashed, color="#6b46c1"',
  'dead-letter': 'style=dotted, color="#c53030", penwidth=2',
  federation: 'style=bold, color="#2f855a"',
  shovel: 'style=bold, color="#2f855a"',
  policy: 'style=dotted, color="#975a16", arrowhead=none',
};
const MARK_EDGE_STYLE: Record<string, string> = {
  route: 'color="#d53f8c", penwidth=4',
  added: 'color="#2f855a", penwidth=3',
  removed: 'color="#c53030", penwidth=3, style=dashed',
  changed: 'color="#c05621", penwidth=3',
};

export function renderDot(d: Diagram): string {
  const ids = new Map(d.nodes.map((n, i) => [n.key, `n${i}`]));
  const out = [
    'digraph warren {',
    '  rankdir=LR;',
    '  node [fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  if (d.title !== undefined) out.push(`  label=${quote(d.title)}; labelloc=t;`);
  const byVhost = new Map<string, DiagramNode[]>();
  for (const n of d.nodes) byVhost.set(n.vhost, [...(byVhost.get(n.vhost) ?? []), n]);
  [...byVhost.entries()].forEach(([vhost, nodes], i) => {
    out.push(`  subgraph cluster_${i} {`, `    label=${quote(`vhost ${vhost}`)}; style=rounded; color="#a0aec0";`);
    for (const n of nodes) out.push(`    ${ids.get(n.key)} [${nodeAttributes(n)}];`);
    out.push('  }');
  });
  for (const e of d.edges) {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (from !== undefined && to !== undefined) out.push(`  ${from} -> ${to} [${edgeAttributes(e)}];`);
  }
  if (d.elided.length > 0) out.push(`  elided [shape=note, label=${quote(d.elided.join('\n'))}];`);
  out.push('}');
  return `${out.join('\n')}\n`;
}

function nodeAttributes(n: DiagramNode): string {
  const kind =
    n.kind === 'exchange'
      ? n.type === 'builtin'
        ? 'builtin'
        : 'exchange'
      : n.kind === 'queue'
        ? n.type === 'quorum' || n.type === 'stream'
          ? n.type
          : 'classic'
        : n.kind;
  const label = [n.name, ...(n.type ? [n.type] : []), ...(n.detail ?? [])].join('\n');
  const marks = (n.marks ?? []).map((m) => MARK_STYLE[m]).filter(Boolean);
  return [`label=${quote(label)}`, NODE_STYLE[kind], ...marks].filter(Boolean).join(', ');
}

function edgeAttributes(e: DiagramEdge): string {
  const marks = (e.marks ?? []).map((m) => MARK_EDGE_STYLE[m]);
  const label = e.label !== undefined && e.label !== '' ? [`label=${quote(e.label)}`] : [];
  return [...label, EDGE_STYLE[e.kind], ...marks].filter(Boolean).join(', ');
}

/**
 * A DOT quoted string: `\` and `"` escaped, line breaks as `\n`, other control characters as a visible `?`, and `&`
 * as `&amp;` (Graphviz reads entity references in labels: a name holding `&amp;` must not be drawn as `&`).
 */
export function quote(s: string): string {
  const body = s
    .replace(/&/g, '&amp;')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
    .replace(/[\u0000-\u001f\u007f]/g, '?');
  return `"${body}"`;
}
