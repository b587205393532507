// Where each node of a YAML document stands, read by the same parser and
// options as the data (read-yaml.ts). js-yaml has no positions in its result,
// but it calls a listener when it opens and closes each node (composeNode),
// with its position; the text between those places says the rest: which node
// is a key and which its value, where a sequence entry has no node of its own
// (`-` alone), where properties (`&anchor`, `!tag`) end. The offsets are
// those the `yaml` package's ranges give (test/load/place-nodes.test.ts compares
// them on generated documents): a node starts at its content, after its
// properties; an empty node stands after its indicator or properties.
import { isYamlError, loadYamlDocuments, type YamlError } from './read-yaml.js';
import { Events } from './record-events.js';
import { Scanner } from './scan-text.js';

export type Placed = Leaf | MapNode | SeqNode;

export interface Leaf {
  readonly kind: 'leaf';
  /** Offset of the content (or, for an empty node, where it would stand). */
  readonly at: number;
  /** End of the content, trailing white space and comments excluded. */
  readonly end: number;
  readonly empty: boolean;
  /** An alias (`*name`): `value` is the anchored node's value. */
  readonly alias: boolean;
  readonly value: unknown;
  /** js-yaml's tag: `?` for a plain scalar read as a string, null for a quoted one. */
  readonly tag: string | null;
  /** Whether the node's properties hold a tag (its reading was asked for, not resolved from its text). */
  readonly tagged: boolean;
}

export interface MapNode {
  readonly kind: 'map';
  readonly at: number;
  readonly object: object;
  readonly entries: readonly Entry[];
}

export interface SeqNode {
  readonly kind: 'seq';
  readonly at: number;
  readonly object: object;
  readonly items: readonly Placed[];
}

export interface Entry {
  /** The key as the data names it (js-yaml's String() of the key). */
  readonly name: string;
  readonly key: Placed;
  /** Undefined when the key has no value at all (`? key`, `{ key }`). */
  readonly value: Placed | undefined;
}

export interface Misreading {
  readonly at: number;
  readonly message: string;
}

/**
 * The document as js-yaml read it with its listener. Nodes are built from
 * the recorded events on first use, a collection's children when they are
 * first asked for: placing what a few findings point at costs little more than
 * the reading itself.
 */
export class Placement {
  /** Every document's data; one for a well-formed topology. */
  readonly documents: unknown[] = [];
  /** The `%YAML` directive's version, null without one. */
  version: string | null = null;
  readonly warnings: { readonly message: string; readonly at: number }[] = [];
  /** The parser's error: nothing else is known then. */
  error?: { readonly message: string; readonly at: number };
  /** Where the second document begins (its directives or `---`), when there is one. */
  secondDocumentAt?: number;
  private readonly placer: Placer;

  constructor(
    private readonly events: Events,
    scan: Scanner,
  ) {
    this.placer = new Placer(events, scan);
  }

  /** The first document's root node. */
  root(): Placed | undefined {
    const first = this.events.roots[0];
    return first === undefined ? undefined : this.placer.place(first);
  }

  /** The node of a mapping or sequence of the data, to follow an alias into it. */
  nodeOf(object: object): Placed | undefined {
    return this.placer.nodeOf(object);
  }

  /** Places where js-yaml's data is not what the text says (see Placer), in document order. */
  misreadings(): Misreading[] {
    const root = this.root();
    if (root) placeAll(root);
    return [...this.placer.misreadings].sort((a, b) => a.at - b.at);
  }
}

function placeAll(node: Placed): void {
  if (node.kind === 'map')
    for (const entry of node.entries) {
      placeAll(entry.key);
      if (entry.value) placeAll(entry.value);
    }
  else if (node.kind === 'seq') for (const item of node.items) placeAll(item);
}

export function placeNodes(text: string): Placement {
  // js-yaml drops a leading byte order mark: its offsets are one less than the text's.
  const shift = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const events = new Events(shift);
  const warnings: YamlError[] = [];
  const scan = new Scanner(text);
  const placement = new Placement(events, scan);
  try {
    for (const doc of loadYamlDocuments(text, warnings, { json: true, listener: events.listener }))
      placement.documents.push(doc);
  } catch (error) {
    if (!isYamlError(error)) throw error;
    const innermost = events.stack.at(-1);
    const nodeAt = innermost === undefined ? undefined : scan.skipSeparation(events.open[innermost]!);
    placement.error = { message: error.reason, at: errorPlace(error, shift, nodeAt, text) };
  }
  placement.version = events.version ?? null;
  for (const w of warnings) placement.warnings.push({ message: w.reason, at: warningPlace(w, shift, text) });
  if (!placement.error && events.roots.length > 1)
    placement.secondDocumentAt = secondDocument(scan, events.close[events.roots[0]!]!);
  return placement;
}

/** js-yaml warns about a directive once past its line: the directive's place is that line's start. */
function warningPlace(warning: YamlError, shift: number, text: string): number {
  let at = (warning.mark?.position ?? 0) + shift;
  if (!/directive/.test(warning.reason)) return at;
  if (text.charCodeAt(at - 1) === 0x0a) at--;
  if (text.charCodeAt(at - 1) === 0x0d) at--;
  while (at > 0 && text.charCodeAt(at - 1) !== 0x0a && text.charCodeAt(at - 1) !== 0x0d) at--;
  return at;
}

/** Past the first document's end (and its `...` marker): the second's directives or `---`. */
function secondDocument(scan: Scanner, firstClose: number): number {
  const at = scan.skipSeparation(firstClose);
  return scan.text.startsWith('...', at) ? scan.skipSeparation(at + 3) : at;
}

/**
 * js-yaml reports an error where it noticed it: after an unknown tag's node,
 * after an alias's name. The node it belongs to starts where the innermost
 * open node's content does, which is where editors should point.
 */
function errorPlace(error: YamlError, shift: number, nodeAt: number | undefined, text: string): number {
  const at = (error.mark?.position ?? 0) + shift;
  if (nodeAt === undefined) return at;
  if (
    /^(unknown tag|unidentified alias|cannot resolve a node|unacceptable node kind|alias node should)/.test(
      error.reason,
    )
  )
    return nodeAt;
  if (/non-printable/.test(error.reason)) {
    const found = NON_PRINTABLE.exec(text.slice(nodeAt, at + 1));
    if (found) return nodeAt + found.index;
  }
  return at;
}

// js-yaml's own test of printable characters (loader.js PATTERN_NON_PRINTABLE).
const NON_PRINTABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/**
 * Builds nodes from js-yaml's events. Two things js-yaml reads otherwise
 * than YAML (and than the text's look) are noted as misreadings here:
 * - a `-` less indented than the empty entry before it (`  -` then `- b`)
 *   is read into the inner sequence, not the outer one;
 * - a tag on a line of its own is applied to the scalar after its line was
 *   already read (`a: !!str` then `  1` reads the number 1, not "1").
 */
class Placer {
  readonly misreadings: Misreading[] = [];
  private readonly placed = new Map<number, Placed>();
  private byObject: Map<object, number> | undefined;

  constructor(
    private readonly events: Events,
    private readonly scan: Scanner,
  ) {}

  place(i: number): Placed {
    let node = this.placed.get(i);
    if (!node) {
      node = this.build(i);
      this.placed.set(i, node);
    }
    return node;
  }

  nodeOf(object: object): Placed | undefined {
    if (!this.byObject) {
      // The first event that read the object: a node reading its content through another
      // composeNode has the same object, and place() makes it that node.
      this.byObject = new Map();
      const { kind, result } = this.events;
      for (let i = 0; i < result.length; i++) {
        const r = result[i];
        if ((kind[i] === 'mapping' || kind[i] === 'sequence') && typeof r === 'object' && r && !this.byObject.has(r))
          this.byObject.set(r, i);
      }
    }
    const i = this.byObject.get(object);
    return i === undefined ? undefined : this.place(i);
  }

  private build(i: number): Placed {
    const { kind, result } = this.events;
    const value = result[i];
    if ((kind[i] === 'mapping' || kind[i] === 'sequence') && typeof value === 'object' && value !== null) {
      // A node that read its content through another composeNode (a flow collection on
      // its own line, as in `key:\n  [a]`) is that node.
      const first = this.events.first[i]!;
      if (first >= 0 && this.events.next[first]! < 0 && result[first] === value && kind[first] === kind[i])
        return this.place(first);
      return kind[i] === 'mapping' ? this.mapping(i, value) : this.sequence(i, value as unknown[]);
    }
    return this.leaf(i);
  }

  private leaf(i: number): Leaf {
    const { open, close, tag, result } = this.events;
    const { at, propsEnd, lateProp, tagged } = this.scan.content(open[i]!, close[i]!);
    // Children of a scalar are js-yaml's attempt to read it as a block mapping, rolled back
    // (they re-read its properties), or the node that read its content on a later line.
    const t = tag[i]!;
    if (t !== null && t !== '?' && this.events.children(i).some((c) => this.taggedLate(i, c)))
      this.misreadings.push({
        at: this.scan.skipSeparation(open[i]!),
        message:
          "js-yaml applies a tag written on a line of its own after reading the scalar on the next line (`!!str` then `1` reads the number 1); write the tag on the scalar's line",
      });
    if (at >= close[i]!) {
      const where = this.scan.skipSpaces(propsEnd >= 0 ? propsEnd : open[i]!);
      if (lateProp >= 0 && !this.scan.endsLine(where))
        this.misreadings.push({
          at: lateProp,
          message:
            'js-yaml gives this anchor or tag to the empty node on the line above, not to the node it stands before; give that node a value (null, "" or [])',
        });
      return { kind: 'leaf', at: where, end: where, empty: true, alias: false, value: result[i], tag: t, tagged };
    }
    const alias = this.scan.text.charCodeAt(at) === 0x2a; /* * */
    // An alias's node closes past the white space and comments after its name.
    const end = alias ? this.scan.aliasEnd(at) : this.scan.contentEnd(at, close[i]!);
    return { kind: 'leaf', at, end, empty: false, alias, value: result[i], tag: t, tagged };
  }

  /** Whether child `c` read `e`'s content with a reading of its own that `e`'s tag does not change. */
  private taggedLate(e: number, c: number): boolean {
    const { close, tag, open } = this.events;
    if (close[c] !== close[e]) return false;
    if (this.scan.text.charCodeAt(this.scan.content(open[c]!).at) === 0x2a /* * */) return true;
    return tag[c] !== null && tag[c] !== '?' && tag[c] !== tag[e];
  }

  private mapping(i: number, object: object): MapNode {
    const { at } = this.scan.content(this.events.open[i]!);
    const events = this.events;
    let entries: Entry[] | undefined;
    const build = (): Entry[] => {
      const children = events.children(i);
      const first = children[0];
      // A flow mapping's first key stands after its `{`; a block mapping's where the mapping does.
      const flow =
        this.scan.text.charCodeAt(at) === 0x7b &&
        !(first !== undefined && this.scan.content(events.open[first]!).at === at);
      const out: Entry[] = [];
      for (let k = 0; k < children.length; ) {
        const key = children[k]!;
        const hasValue = k + 1 < children.length && this.scan.valueFollows(events.close[key]!, flow);
        const value = hasValue ? children[k + 1] : undefined;
        out.push({
          name: keyName(events.result[key]),
          key: this.place(key),
          value: value === undefined ? undefined : this.place(value),
        });
        k += hasValue ? 2 : 1;
      }
      return out;
    };
    return {
      kind: 'map',
      at,
      object,
      get entries() {
        entries ??= build();
        return entries;
      },
    };
  }

  private sequence(i: number, array: unknown[]): SeqNode {
    const { at } = this.scan.content(this.events.open[i]!);
    let items: Placed[] | undefined;
    const build = (): Placed[] =>
      this.scan.text.charCodeAt(at) === 0x5b /* [ */ ? this.flowItems(i, array) : this.blockItems(i, at);
    return {
      kind: 'seq',
      at,
      object: array,
      get items() {
        items ??= build();
        return items;
      },
    };
  }

  private flowItems(i: number, array: unknown[]): Placed[] {
    const events = this.events;
    const children = events.children(i);
    const items: Placed[] = [];
    for (let k = 0, j = 0; k < children.length && j < array.length; j++) {
      const child = children[k]!;
      if (Object.is(events.result[child], array[j])) {
        items.push(this.place(child));
        k++;
        continue;
      }
      // `[a: b]`: a pair in a flow sequence is a mapping of one entry.
      const hasValue = k + 1 < children.length && this.scan.valueFollows(events.close[child]!, true);
      const value = hasValue ? children[k + 1] : undefined;
      const key = this.place(child);
      const entry = {
        name: keyName(events.result[child]),
        key,
        value: value === undefined ? undefined : this.place(value),
      };
      items.push({ kind: 'map', at: key.at, object: array[j] as object, entries: [entry] });
      k += hasValue ? 2 : 1;
    }
    return items;
  }

  private blockItems(i: number, at: number): Placed[] {
    // A block sequence entry with nothing after its `-` has no composeNode of its own.
    const events = this.events;
    const items: Placed[] = [];
    const column = this.scan.column(at);
    const entry = (dash: number): void => {
      if (this.scan.column(dash) !== column)
        this.misreadings.push({
          at: dash,
          message:
            'js-yaml reads this `-` into the sequence of the empty entry above it, which is indented more; give that entry a value (null, [] or "")',
        });
    };
    let from = at;
    for (const child of events.children(i)) {
      const dashes = this.scan.dashes(from, events.open[child]!);
      for (const dash of dashes) entry(dash);
      for (const dash of dashes.slice(0, -1)) items.push(this.emptyItem(dash));
      items.push(this.place(child));
      from = events.close[child]!;
    }
    for (const dash of this.scan.dashes(from, events.close[i]!)) {
      entry(dash);
      items.push(this.emptyItem(dash));
    }
    return items;
  }

  private emptyItem(dash: number): Leaf {
    const at = this.scan.skipSpaces(dash + 1);
    return { kind: 'leaf', at, end: at, empty: true, alias: false, value: null, tag: null, tagged: false };
  }
}

/** The name js-yaml gives a key in the data (loader.js storeMappingPair). */
export function keyName(key: unknown): string {
  if (Array.isArray(key)) {
    return String(key.map((item) => (isPlainObject(item) ? '[object Object]' : item)));
  }
  return isPlainObject(key) ? '[object Object]' : String(key);
}

function isPlainObject(value: unknown): boolean {
  return Object.prototype.toString.call(value) === '[object Object]';
}
