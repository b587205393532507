// The offset a JSON pointer names in a placed document: the node, or its key
// (target 'key'). A pointer to something absent (a missing field) lands on the
// deepest node that exists, which is the object that lacks it; a key without
// a value (`queue:`) stands for its value. Aliases are followed into the node
// they name, as the data does.
import type { Target } from '../diagnostics/diagnostic.js';
import type { Entry, MapNode, Placed } from './place-nodes.js';

export function findPlace(
  root: Placed | undefined,
  tokens: readonly string[],
  target: Target,
  nodeOf: (object: object) => Placed | undefined,
): number {
  const resolve = (node: Placed | undefined): Placed | undefined =>
    node?.kind === 'leaf' && node.alias && typeof node.value === 'object' && node.value !== null
      ? (nodeOf(node.value) ?? node)
      : node;
  let node = resolve(root);
  let last = node?.at ?? 0;
  for (const [i, token] of tokens.entries()) {
    if (node?.kind === 'map') {
      const entry = entryIndex(node).get(token);
      if (!entry) return last;
      if (i === tokens.length - 1 && target === 'key') return entry.key.at;
      const value = entry.value;
      last = !value || (value.kind === 'leaf' && value.empty) ? entry.key.at : value.at;
      node = resolve(value);
    } else if (node?.kind === 'seq') {
      const item = /^(0|[1-9][0-9]*)$/.test(token) ? node.items[Number(token)] : undefined;
      if (!item) return last;
      last = item.at;
      node = resolve(item);
    } else {
      return last;
    }
  }
  return last;
}

// Each mapping is indexed once by name (the first of duplicates wins, as a
// search would): looking entries up one by one would make locating n findings
// in a mapping of n entries quadratic.
const indexes = new WeakMap<MapNode, Map<string, Entry>>();

function entryIndex(node: MapNode): Map<string, Entry> {
  let index = indexes.get(node);
  if (!index) {
    index = new Map();
    for (const entry of node.entries) if (!index.has(entry.name)) index.set(entry.name, entry);
    indexes.set(node, index);
  }
  return index;
}
