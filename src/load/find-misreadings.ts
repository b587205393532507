// What the placed document says beyond its data: keys written twice, keys
// whose name is not their text (an unquoted 0b11 names `3`), YAML 1.1 merge
// keys, numbers YAML 1.2 reads as strings, and the alias that makes the data
// endless, too large or too deep. Each is found on the literal document (an
// anchored node once, where it is written), in document order.
import { child, finding, type Finding } from '../diagnostics/diagnostic.js';
import type { Entry, Leaf, MapNode, Placed } from './place-nodes.js';
import { MAX_DEPTH } from './read-yaml.js';

export interface Reader {
  readonly file: string;
  readonly text: string;
  linePos(offset: number): { line: number; col: number };
}

/** Calls `visit` on each mapping with its JSON pointer, in document order (values only, not keys). */
function eachMapping(root: Placed, visit: (node: MapNode, pointer: string) => void): void {
  const walk = (node: Placed | undefined, pointer: string): void => {
    if (!node) return;
    if (node.kind === 'map') {
      visit(node, pointer);
      for (const entry of node.entries) walk(entry.value, child(pointer, entry.name));
    } else if (node.kind === 'seq') {
      for (const [i, item] of node.items.entries()) walk(item, child(pointer, i));
    }
  };
  walk(root, '');
}

const MAX_LINES_SHOWN = 10;

// Keys naming a topology object: a second one is the same object declared twice.
const OBJECT_POINTER = /^\/(vhosts\/[^/]*(\/(exchanges|queues|policies|operatorPolicies)\/[^/]*)?|users\/[^/]*)$/;

/** Every key that appears twice in one mapping, reported at each place. */
export function findDuplicateKeys(reader: Reader, root: Placed): Finding[] {
  const out: Finding[] = [];
  eachMapping(root, (node, pointer) => {
    const byName = new Map<string, Entry[]>();
    for (const entry of node.entries) {
      const same = byName.get(entry.name);
      if (same) same.push(entry);
      else byName.set(entry.name, [entry]);
    }
    for (const [name, entries] of byName) {
      if (entries.length < 2) continue;
      const places = entries.map((e) => reader.linePos(e.key.at));
      // Each place's message names the others: a few, or a key written 100,000 times would print 10^10 numbers.
      const shown = places.slice(0, MAX_LINES_SHOWN).map((p) => p.line);
      const lines = `${shown.join(', ')}${places.length > shown.length ? `, and ${places.length - shown.length} more` : ''}`;
      const at = { file: reader.file, pointer: child(pointer, name) };
      const code = OBJECT_POINTER.test(at.pointer) ? 'duplicate-object' : 'duplicate-key';
      for (const { line, col } of places)
        out.push(
          finding(code, at, `key \`${name}\` appears ${entries.length} times in this mapping (lines ${lines})`, {
            line,
            col,
          }),
        );
    }
  });
  return out;
}

/**
 * Keys whose name would not be their text: an unquoted 1e3, 0b11, 0x10, 007
 * or ~ is read as 1000, 3, 16, 7 or null, and a mapping or list used as a key
 * has no name at all. Each is reported at its place; nothing is renamed.
 */
export function findRenamedKeys(reader: Reader, root: Placed): Finding[] {
  const out: Finding[] = [];
  eachMapping(root, (node, pointer) => {
    for (const { name, key } of node.entries) {
      const value = key.kind === 'leaf' ? key.value : key.object;
      if (typeof value === 'string') continue;
      const at = { file: reader.file, pointer: child(pointer, name) };
      const { line, col } = reader.linePos(key.at);
      if (typeof value === 'object' && value !== null) {
        out.push(finding('wrong-type', at, 'a mapping or list cannot be a key: names are strings', { line, col }));
        continue;
      }
      const text = reader.text.slice(key.at, (key as Leaf).end);
      if (String(value) === text) continue;
      out.push(
        finding(
          'wrong-type',
          at,
          `key \`${text || '(empty)'}\` is read by YAML as ${describe(value)}, so it would name \`${String(value)}\`; quote it ("${text}") to keep the name as written`,
          { line, col },
        ),
      );
    }
  });
  return out;
}

function describe(value: unknown): string {
  return value === null
    ? 'null'
    : typeof value === 'number'
      ? `the number ${String(value)}`
      : `the ${typeof value} ${String(value)}`;
}

/**
 * Offsets of the plain `<<` keys: a merge key in YAML 1.1 (and in many
 * parsers), a key like any other in YAML 1.2. Which one the author meant
 * cannot be told, so neither is guessed.
 */
export function findMergeKeys(root: Placed): number[] {
  const out: number[] = [];
  eachMapping(root, (node) => {
    for (const { key } of node.entries)
      if (key.kind === 'leaf' && key.value === '<<' && key.tag === '?') out.push(key.at);
  });
  return out;
}

// Integers js-yaml's core schema reads that YAML 1.2's reads as strings: binary
// (a YAML 1.1 form), and hexadecimal or octal with a sign.
const OTHER_NUMBER = /^[-+]?0b[01]+$|^[-+]0[xo][0-9a-fA-F]+$/;

/**
 * Values whose plain text is a number to js-yaml (and YAML 1.1) but a string to
 * YAML 1.2: `0b11` is 3 here and "0b11" to an editor; in a binding's headers or
 * a raw argument either type is accepted, so neither is guessed. Keys are the
 * renamed keys' (findRenamedKeys).
 */
export function findNumberSpellings(text: string, root: Placed): Leaf[] {
  const out: Leaf[] = [];
  const walk = (node: Placed | undefined): void => {
    if (!node) return;
    if (node.kind === 'leaf') {
      if (
        typeof node.value === 'number' &&
        !node.tagged &&
        !node.alias &&
        OTHER_NUMBER.test(text.slice(node.at, node.end))
      )
        out.push(node);
    } else if (node.kind === 'map') {
      for (const entry of node.entries) walk(entry.value);
    } else {
      for (const item of node.items) walk(item);
    }
  };
  walk(root);
  return out;
}

export type AliasProblem = 'cycle' | 'tooLarge' | 'tooDeep';

/**
 * The alias to report for what measureData found: for an endless document,
 * the first alias inside the node it names (every cycle holds one: the cycle's
 * node that starts first is entered by an alias written inside it); for too
 * large a document, the first alias of a collection; for too deep a one, the
 * first alias that nests the data too deep. An anchor is written before its
 * aliases, so the height of the node an alias names is known when it is met.
 */
export function findAlias(root: Placed, problem: AliasProblem): Leaf | undefined {
  const ancestors = new Set<object>();
  const heights = new Map<object, number>();
  let found: Leaf | undefined;
  /** The node's height: 0 for a scalar, 1 for a collection of scalars. */
  const walk = (node: Placed | undefined, depth: number): number => {
    if (!node || found) return 0;
    if (node.kind === 'leaf') {
      if (!node.alias || typeof node.value !== 'object' || node.value === null) return 0;
      const height = heights.get(node.value) ?? 1;
      const tooDeep = depth + height - 1 > MAX_DEPTH;
      if (
        problem === 'tooLarge' ||
        (problem === 'cycle' && ancestors.has(node.value)) ||
        (problem === 'tooDeep' && tooDeep)
      )
        found = node;
      return height;
    }
    ancestors.add(node.object);
    let height = 0;
    const children = node.kind === 'map' ? node.entries.map((e) => e.value) : node.items;
    for (const item of children) height = Math.max(height, walk(item, depth + 1));
    ancestors.delete(node.object);
    heights.set(node.object, height + 1);
    return height + 1;
  };
  walk(root, 1);
  return found;
}
