// A diagram of a topology as plain data, whatever it is drawn with: one
// cluster per vhost, nodes for exchanges, queues, upstreams, shovels and
// policy notes, and edges for bindings, alternate exchanges, dead letters,
// federation and shovel links. The renderers (render-mermaid.ts,
// render-dot.ts) only draw it; every name stays data and is escaped there.

export type NodeKind = 'exchange' | 'queue' | 'upstream' | 'shovel' | 'remote' | 'policy' | 'group';

export interface DiagramNode {
  /** Unique in the diagram, made of the vhost, kind and name (never drawn: renderers number the nodes). */
  readonly key: string;
  readonly vhost: string;
  readonly kind: NodeKind;
  readonly name: string;
  /** What the shape and style follow: the exchange's or queue's type, `builtin`, `internal`. */
  readonly type?: string;
  /** More lines under the name (a policy's pattern and keys, a group's first and last member). */
  readonly detail?: readonly string[];
  /** Styles beyond the kind: on a route, added, removed, changed. */
  readonly marks?: readonly Mark[];
}

export type EdgeKind = 'binding' | 'alternate' | 'dead-letter' | 'federation' | 'shovel' | 'policy';

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  readonly label?: string;
  readonly marks?: readonly Mark[];
}

export type Mark = 'route' | 'added' | 'removed' | 'changed';

export interface Diagram {
  readonly nodes: DiagramNode[];
  readonly edges: DiagramEdge[];
  /** What was left out or folded to keep the diagram readable, in words (drawn as a note, and said on stderr). */
  readonly elided: string[];
  /** A title line (the route drawn, the diff's classes). */
  readonly title?: string;
}

export function nodeKey(vhost: string, kind: NodeKind, name: string): string {
  return JSON.stringify([vhost, kind, name]);
}
