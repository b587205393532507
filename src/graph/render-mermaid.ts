// A diagram as a Mermaid flowchart, which GitHub renders in Markdown and in
// pull-request comments. Nodes are numbered (n0, n1…): a name is never
// syntax. Every label is one quoted string in which each character outside
// a small safe set is written as Mermaid's entity code (`#60;` for `<`), so
// no name can end the string, start a directive, add a node or carry markup.
import type { Diagram, DiagramEdge, DiagramNode, Mark } from './diagram.js';

/** Styles: one class per node type and mark; edges by kind through linkStyle. */
const CLASSES: Record<string, string> = {
  exchange: 'fill:#e8f0fe,stroke:#1a56db',
  builtin: 'fill:#f3f4f6,stroke:#6b7280,stroke-dasharray:3 3',
  classic: 'fill:#fef9e7,stroke:#b7791f',
  quorum: 'fill:#fdf2e9,stroke:#c05621,stroke-width:2px',
  stream: 'fill:#e6fffa,stroke:#2c7a7b',
  upstream: 'fill:#f0fff4,stroke:#2f855a',
  shovel: 'fill:#f0fff4,stroke:#2f855a',
  remote: 'fill:#f7fafc,stroke:#4a5568,stroke-dasharray:4 2',
  policy: 'fill:#fffff0,stroke:#975a16,stroke-dasharray:2 2',
  group: 'fill:#edf2f7,stroke:#2d3748,stroke-width:2px',
  route: 'stroke:#d53f8c,stroke-width:4px',
  added: 'fill:#c6f6d5,stroke:#2f855a,stroke-width:3px',
  removed: 'fill:#fed7d7,stroke:#c53030,stroke-width:3px,stroke-dasharray:5 3',
  changed: 'fill:#feebc8,stroke:#c05621,stroke-width:3px',
};

const EDGE_STYLE: Record<string, string> = {
  alternate: 'stroke:#6b46c1,stroke-dasharray:6 3',
  'dead-letter': 'stroke:#c53030,stroke-dasharray:2 2',
  federation: 'stroke:#2f855a,stroke-width:2px',
  shovel: 'stroke:#2f855a,stroke-width:2px',
  policy: 'stroke:#975a16,stroke-dasharray:1 3',
};
const MARK_EDGE_STYLE: Record<Mark, string> = {
  route: 'stroke:#d53f8c,stroke-width:4px',
  added: 'stroke:#2f855a,stroke-width:3px',
  removed: 'stroke:#c53030,stroke-width:3px,stroke-dasharray:5 3',
  changed: 'stroke:#c05621,stroke-width:3px',
};

export function renderMermaid(d: Diagram): string {
  const ids = new Map(d.nodes.map((n, i) => [n.key, `n${i}`]));
  const out = ['flowchart LR'];
  if (d.title !== undefined) out.push(`  %% ${text(d.title)}`);
  const byVhost = new Map<string, DiagramNode[]>();
  for (const n of d.nodes) byVhost.set(n.vhost, [...(byVhost.get(n.vhost) ?? []), n]);
  [...byVhost.entries()].forEach(([vhost, nodes], i) => {
    out.push(`  subgraph v${i}["${text(`vhost ${vhost}`)}"]`);
    for (const n of nodes) out.push(`    ${ids.get(n.key)}${shape(n)}`);
    out.push('  end');
  });
  const linkStyles: string[] = [];
  // linkStyle counts the links drawn, in order.
  let link = 0;
  for (const e of d.edges) {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (from === undefined || to === undefined) continue;
    out.push(`  ${from} ${arrow(e)} ${to}`);
    const mark = e.marks?.[0];
    const style = mark ? MARK_EDGE_STYLE[mark] : EDGE_STYLE[e.kind];
    if (style) linkStyles.push(`  linkStyle ${link} ${style}`);
    link++;
  }
  if (d.elided.length > 0) {
    out.push(`  elided["${text(d.elided.join('\n'))}"]`);
    out.push('  class elided policy');
  }
  for (const [name, style] of Object.entries(CLASSES)) out.push(`  classDef ${name} ${style}`);
  // One class per statement: in `class a,b c` the commas separate nodes, not classes.
  for (const n of d.nodes)
    for (const c of [styleClass(n), ...(n.marks ?? [])]) out.push(`  class ${ids.get(n.key)} ${c}`);
  out.push(...linkStyles);
  return `${out.join('\n')}\n`;
}

function styleClass(n: DiagramNode): string {
  if (n.kind === 'exchange') return n.type === 'builtin' ? 'builtin' : 'exchange';
  if (n.kind === 'queue') return n.type === 'quorum' || n.type === 'stream' ? n.type : 'classic';
  return n.kind;
}

/** The node's shape by kind and type, around its quoted label. */
function shape(n: DiagramNode): string {
  const label = `"${text([n.name, ...(n.type ? [n.type] : []), ...(n.detail ?? [])].join('\n'))}"`;
  switch (n.kind) {
    case 'exchange':
      return `{{${label}}}`;
    case 'queue':
      return n.type === 'stream' ? `[/${label}/]` : `[(${label})]`;
    case 'upstream':
    case 'remote':
      return `>${label}]`;
    case 'shovel':
      return `([${label}])`;
    case 'policy':
      return `[${label}]`;
    default:
      return `[[${label}]]`;
  }
}

function arrow(e: DiagramEdge): string {
  const label = e.label !== undefined && e.label !== '' ? `|"${text(e.label)}"|` : '';
  switch (e.kind) {
    case 'binding':
      return `-->${label}`;
    case 'alternate':
    case 'dead-letter':
      return `-.->${label}`;
    case 'federation':
    case 'shovel':
      return `==>${label}`;
    default:
      return `-.-${label}`;
  }
}

/**
 * Text for inside a quoted Mermaid label: letters, digits, spaces and `.,:/_-*` as they are, a line break as `<br/>`,
 * every other character as its entity code.
 */
export function text(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\n') out += '<br/>';
    else if (/^[\p{L}\p{N} .,:/_*-]$/u.test(ch)) out += ch;
    else out += `#${ch.codePointAt(0)};`;
  }
  return out;
}
