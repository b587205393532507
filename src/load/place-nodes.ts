// Where each node of a YAML document stands, read by the same parser and
// options as the data (read-yaml.ts). js-yaml has no positions in its result,
// but it calls a listener when it opens and closes each node (composeNode),
// with its position; the text between those places says the rest: which node
// is a key and which its value, where a sequence entry has no node of its own
// (`-` alone), where properties (`&anchor`, `!tag`) end. The offsets are
// those the `yaml` package's ranges give (test/place-nodes.test.ts compares
// them on generated documents): a node starts at its content, after its
// properties; an empty node stands after its indicator or properties.
import type jsYaml from 'js-yaml';
import { isYamlError, loadYamlDocuments, type YamlError } from './read-yaml.js';

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

/**
 * js-yaml's composeNode calls, in the order they opened, as columns of
 * numbers (a file of a million nodes is a million entries here, not a million
 * objects). Children are linked: first child, next sibling.
 */
class Events {
  readonly open: number[] = [];
  readonly close: number[] = [];
  readonly kind: (string | null)[] = [];
  readonly result: unknown[] = [];
  readonly tag: (string | null)[] = [];
  readonly first: number[] = [];
  readonly next: number[] = [];
  private readonly last: number[] = [];
  readonly roots: number[] = [];
  readonly stack: number[] = [];
  version: string | null | undefined;

  constructor(private readonly shift: number) {}

  readonly listener = (event: 'open' | 'close', state: jsYaml.State): void => {
    if (event === 'open') {
      if (this.version === undefined) this.version = (state.version as unknown as string | null) ?? null;
      const i = this.open.length;
      this.open.push(state.position + this.shift);
      this.close.push(-1);
      this.kind.push(null);
      this.result.push(undefined);
      this.tag.push(null);
      this.first.push(-1);
      this.next.push(-1);
      this.last.push(-1);
      const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1]! : -1;
      if (parent < 0) this.roots.push(i);
      else if (this.first[parent]! < 0) this.first[parent] = i;
      else this.next[this.last[parent]!] = i;
      if (parent >= 0) this.last[parent] = i;
      this.stack.push(i);
      return;
    }
    const i = this.stack.pop()!;
    this.close[i] = state.position + this.shift;
    this.kind[i] = state.kind;
    this.result[i] = state.result;
    this.tag[i] = (state as unknown as { tag: string | null }).tag;
  };

  children(i: number): number[] {
    const out: number[] = [];
    for (let c = this.first[i]!; c >= 0; c = this.next[c]!) out.push(c);
    return out;
  }
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

/** Reading the text between nodes, as js-yaml's own skipping does. */
class Scanner {
  constructor(readonly text: string) {}

  /** Past white space, line breaks and comments (js-yaml's skipSeparationSpace). */
  skipSeparation(at: number): number {
    const t = this.text;
    let p = at;
    for (;;) {
      const ch = t.charCodeAt(p);
      if (ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d) p++;
      else if (ch === 0x23) {
        while (p < t.length && t.charCodeAt(p) !== 0x0a && t.charCodeAt(p) !== 0x0d) p++;
      } else return p;
    }
  }

  /** Past spaces and tabs on the line. */
  skipSpaces(at: number): number {
    let p = at;
    while (this.text.charCodeAt(p) === 0x20 || this.text.charCodeAt(p) === 0x09) p++;
    return p;
  }

  /** The content's start after a node's properties, and where the last property ends (-1: none). */
  content(
    open: number,
    limit = Number.POSITIVE_INFINITY,
  ): { at: number; propsEnd: number; lateProp: number; tagged: boolean } {
    const t = this.text;
    let p = this.skipSeparation(open);
    let propsEnd = -1;
    let lateProp = -1;
    let tagged = false;
    for (;;) {
      const ch = p < limit ? t.charCodeAt(p) : -1;
      if (propsEnd >= 0 && lateProp < 0 && (ch === 0x21 || ch === 0x26) && this.breakBetween(propsEnd, p)) lateProp = p;
      if (ch === 0x21 /* ! */) {
        tagged = true;
        if (t.charCodeAt(p + 1) === 0x3c /* < */) {
          const close = t.indexOf('>', p);
          p = close < 0 ? t.length : close + 1;
        } else {
          while (p < t.length && !isWsOrEol(t.charCodeAt(p))) p++;
        }
      } else if (ch === 0x26 /* & */) {
        p++;
        while (p < t.length && !isWsOrEol(t.charCodeAt(p)) && !isFlowIndicator(t.charCodeAt(p))) p++;
      } else {
        return { at: p, propsEnd, lateProp, tagged };
      }
      propsEnd = p;
      p = this.skipSeparation(p);
    }
  }

  private breakBetween(from: number, to: number): boolean {
    for (let p = from; p < to; p++) {
      const ch = this.text.charCodeAt(p);
      if (ch === 0x0a || ch === 0x0d) return true;
    }
    return false;
  }

  /** The end of an alias's name (js-yaml's readAlias). */
  aliasEnd(at: number): number {
    let p = at + 1;
    while (p < this.text.length && !isWsOrEol(this.text.charCodeAt(p)) && !isFlowIndicator(this.text.charCodeAt(p)))
      p++;
    return p;
  }

  /** Whether nothing but a comment follows on the line. */
  endsLine(at: number): boolean {
    const ch = this.text.charCodeAt(at);
    return at >= this.text.length || ch === 0x0a || ch === 0x0d || ch === 0x23;
  }

  /** Whether a value indicator follows `at` (js-yaml reads a value after a key only then). */
  valueFollows(at: number, flow: boolean): boolean {
    const p = this.skipSeparation(at);
    if (this.text.charCodeAt(p) !== 0x3a /* : */) return false;
    return flow || p + 1 >= this.text.length || isWsOrEol(this.text.charCodeAt(p + 1));
  }

  /** The block sequence entry indicators (`-`) in a stretch of text between nodes. */
  dashes(from: number, to: number): number[] {
    const t = this.text;
    const out: number[] = [];
    for (let p = from; p < to; p++) {
      const ch = t.charCodeAt(p);
      if (ch === 0x23) {
        while (p < to && t.charCodeAt(p) !== 0x0a && t.charCodeAt(p) !== 0x0d) p++;
      } else if (ch === 0x2d && (p + 1 >= t.length || isWsOrEol(t.charCodeAt(p + 1)))) out.push(p);
    }
    return out;
  }

  /** Column of an offset, counted in UTF-16 units from the line's start (only compared with others). */
  column(at: number): number {
    let p = at;
    while (p > 0 && this.text.charCodeAt(p - 1) !== 0x0a && this.text.charCodeAt(p - 1) !== 0x0d) p--;
    return at - p;
  }

  /** The end of what lies before `close`, white space, line breaks and comments left out. */
  contentEnd(from: number, close: number): number {
    let p = Math.min(close, this.text.length);
    while (p > from && isWsOrEol(this.text.charCodeAt(p - 1))) p--;
    return p;
  }
}

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

function isWsOrEol(ch: number): boolean {
  return ch === 0x20 || ch === 0x09 || ch === 0x0a || ch === 0x0d;
}

function isFlowIndicator(ch: number): boolean {
  return ch === 0x2c || ch === 0x5b || ch === 0x5d || ch === 0x7b || ch === 0x7d;
}
