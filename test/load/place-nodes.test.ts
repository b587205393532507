// Positions come from the same parser as the data (js-yaml, with its
// listener): src/load/place-nodes.ts. They must be the places the `yaml`
// package's ranges gave before (its Document was the source of positions):
// on generated documents that both parsers read as the same data, every
// pointer's node and key stand at the same offset. The generator writes every
// construct: block and flow mappings and sequences, explicit `? key`s, empty
// values and entries, anchors, tags, aliases, comments between a key and its
// value, flow collections and scalars on the line after their key, compact
// mappings in sequences, pairs in flow sequences, multi-line scalars, block
// scalars, document markers, a byte order mark, LF, CRLF and lone CR line
// breaks, and characters beyond the BMP.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { yamlLib } from '../../src/load/yaml-lib.js';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { findPlace } from '../../src/load/find-place.js';
import { placeNodes } from '../../src/load/place-nodes.js';

type Tree = { readonly scalar: string } | { readonly map: [string, Tree][] } | { readonly seq: Tree[] } | null;

const scalarText = fc.constantFrom('a', 'orders', 'x y', '😀q', 'é', '1', '2.5', 'true', 'a-b', 'q😀😀');
const keyText = fc.constantFrom('a', 'key', 'x y', '😀k', 'é', 'k1', 'n');
const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarText.map((scalar) => ({ scalar })),
    fc.constant(null),
    fc
      .array(fc.tuple(keyText, tie('node')), { maxLength: 4 })
      .map((entries) => ({ map: entries.map(([k, v], i) => [`${k}${i}`, v] as [string, Tree]) })),
    fc.array(tie('node'), { maxLength: 4 }).map((seq) => ({ seq })),
  ),
})).node;

/** Writes a tree as YAML, every choice of style taken from `choices` in turn. */
class Writer {
  private i = 0;
  private anchors: string[] = [];
  private next = 0;

  constructor(
    private readonly choices: readonly number[],
    private readonly eol: string,
  ) {}

  private pick(n: number): number {
    const c = this.choices[this.i++ % this.choices.length]!;
    return c % n;
  }

  document(t: Tree): string {
    const start = ['', '', '---\n', '--- # c\n', '# lead\n', '%YAML 1.2\n---\n', '\uFEFF', '\n\n'][this.pick(8)]!;
    const end = ['', '', '...\n', '# tail\n'][this.pick(4)]!;
    const body = t && ('map' in t || 'seq' in t) && !this.empty(t) ? this.block(t, 0) : `${this.flowOrScalar(t, 0)}\n`;
    return `${start}${body}${end}`.replace(/\n/g, this.eol);
  }

  private empty(t: Tree): boolean {
    return t !== null && (('map' in t && t.map.length === 0) || ('seq' in t && t.seq.length === 0));
  }

  /** An anchor and a tag, perhaps on lines of their own with a comment between, indented as the node. */
  private props(collection: boolean, indent: number): string {
    const anchor = this.pick(4) === 0 ? `&n${this.next++}` : '';
    const tag = this.pick(8) === 0 ? (collection ? '' : '!!str') : '';
    const pad = ' '.repeat(indent + 2);
    return [anchor, tag].filter(Boolean).join(this.pick(2) ? ' ' : `\n${pad}# between\n${pad}`);
  }

  private key(k: string): string {
    switch (this.pick(8)) {
      case 0:
        return `"${k}"`;
      case 1:
        return `'${k}'`;
      default:
        return k;
    }
  }

  private scalar(s: string, indent: number, tagged = false): string {
    switch (this.pick(6)) {
      case 0:
        return `"${s}"`;
      case 1:
        return `'${s}'`;
      case 2:
        return tagged ? s : `!!str ${s}`;
      case 3:
        return /^[a-zé😀]/u.test(s) && this.pick(3) === 0 ? `"${s}\n${' '.repeat(indent + 2)}and"` : s;
      default:
        return /^[a-zé😀]/u.test(s) && this.pick(3) === 0 ? `${s}\n${' '.repeat(indent + 2)}more` : s;
    }
  }

  private flowOrScalar(t: Tree, indent: number): string {
    if (t === null) return '~';
    if ('scalar' in t) return this.scalar(t.scalar, indent);
    return this.flow(t, indent);
  }

  private flow(t: Tree, indent: number): string {
    if (t === null) return this.pick(2) === 0 ? '~' : '""';
    if ('scalar' in t) {
      const props = ['', '', '', `&f${this.next++} `, '!!str '][this.pick(5)]!;
      return `${props}${/^[a-zé😀]/u.test(t.scalar) || this.pick(2) ? `"${t.scalar}"` : t.scalar}`;
    }
    const sep = [', ', ',', ` ,${'\n'}${' '.repeat(indent + 1)}`][this.pick(3)]!;
    const pad = this.pick(3) === 0 ? ' ' : '';
    if ('map' in t)
      return `{${pad}${t.map
        .map(([k, v]) => (v === null && this.pick(2) === 0 ? k : `${k}: ${this.flow(v, indent)}`))
        .join(sep)}${pad}}`;
    return `[${pad}${t.seq
      .map((v) =>
        v !== null && 'map' in v && v.map.length === 1 && this.pick(3) === 0
          ? `${v.map[0]![0]}: ${this.flow(v.map[0]![1], indent)}`
          : this.flow(v, indent),
      )
      .join(sep)}${pad}]`;
  }

  /** Block entries of a non-empty collection at `indent`, each line ending in a newline. */
  private block(t: Tree, indent: number): string {
    const pad = ' '.repeat(indent);
    if (t === null || 'scalar' in t) throw new Error('not a collection');
    if ('map' in t) {
      return t.map
        .map(([k, v]) => {
          const comment = this.pick(6) === 0 ? `${pad}# about ${k}\n` : '';
          const keyProps = this.pick(6) === 0 ? `&k${this.next++} ` : '';
          const key = this.key(k);
          if (this.pick(8) === 0) return `${comment}${pad}? ${keyProps}${key}\n${pad}:${this.value(v, indent)}`;
          return `${comment}${pad}${keyProps}${key}:${this.value(v, indent)}`;
        })
        .join('');
    }
    return t.seq
      .map((v) => {
        if (v !== null && 'map' in v && v.map.length > 0 && this.pick(2) === 0) {
          // A compact mapping: its first key on the dash's line.
          return `${pad}- ${this.block(v, indent + 2).slice(indent + 2)}`;
        }
        if (v !== null && 'seq' in v && v.seq.length > 0 && this.pick(3) === 0) {
          // A compact sequence: `- - a`.
          return `${pad}- ${this.block(v, indent + 2).slice(indent + 2)}`;
        }
        return `${pad}-${this.value(v, indent)}`;
      })
      .join('');
  }

  /** What follows `key:` or `-` at `indent`, through the end of its last line. */
  private value(t: Tree, indent: number): string {
    if (this.anchors.length > 0 && this.pick(10) === 0) return ` *${this.anchors[this.pick(this.anchors.length)]}\n`;
    if (t === null) return ['\n', ' # nothing\n', ' !!null\n', ' ~\n'][this.pick(4)]!;
    const props = this.props(t !== null && !('scalar' in t), indent);
    const lead = props ? ` ${props}` : '';
    const named = (text: string): string => {
      const anchor = /&(\S+)/.exec(props);
      if (anchor) this.anchors.push(anchor[1]!);
      return text;
    };
    if ('scalar' in t) {
      if (this.pick(6) === 0)
        return named(`${lead}\n${' '.repeat(indent + 2)}${this.scalar(t.scalar, indent + 2, props.includes('!'))}\n`);
      if (this.pick(8) === 0)
        return named(`${lead} ${['|', '>-', '|+'][this.pick(3)]}\n${' '.repeat(indent + 2)}${t.scalar}\n`);
      return named(`${lead} ${this.scalar(t.scalar, indent, props.includes('!'))}\n`);
    }
    if (this.empty(t) || this.pick(4) === 0) return named(`${lead} ${this.flow(t, indent)}\n`);
    if (this.pick(6) === 0) return named(`${lead}\n${' '.repeat(indent + 2)}${this.flow(t, indent + 2)}\n`);
    const comment = this.pick(5) === 0 ? ' # then' : '';
    const sameIndent = 'seq' in t && this.pick(3) === 0;
    return named(`${lead}${comment}\n${this.block(t, sameIndent ? indent : indent + 2)}`);
  }
}

// What the `yaml` package's Document gave as positions (the code this project
// used before, locate-findings.ts with yaml's ranges), as the reference.
function yamlOffset(doc: Document, tokens: string[], target: 'key' | 'value'): number {
  const { isMap, isSeq, isAlias, isScalar } = yamlLib();
  const resolve = (node: unknown) => (isAlias(node) ? (node.resolve(doc) as Node | undefined) : (node as Node));
  const empty = (node: unknown) => {
    const range = (node as Node | null)?.range;
    return !range || range[0] === range[1];
  };
  let node = resolve(doc.contents);
  let last: Node | undefined = node ?? undefined;
  for (const [i, token] of tokens.entries()) {
    if (isMap(node)) {
      const pair = (node as YAMLMap).items.find(
        (p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === token,
      ) as Pair | undefined;
      if (!pair) break;
      if (i === tokens.length - 1 && target === 'key') return (pair.key as Node).range![0];
      last = empty(pair.value) ? (pair.key as Node) : (pair.value as Node);
      node = resolve(pair.value);
    } else if (isSeq(node)) {
      const item = node.items[Number(token)];
      if (item === undefined) break;
      last = item as Node;
      node = resolve(item);
    } else break;
  }
  return last?.range?.[0] ?? 0;
}

/** Every pointer into the data (through aliases), as tokens, with whether it names a mapping entry. */
function pointers(data: unknown, limit = 200): { tokens: string[]; entry: boolean }[] {
  const out: { tokens: string[]; entry: boolean }[] = [{ tokens: [], entry: false }];
  const walk = (value: unknown, tokens: string[]) => {
    if (out.length > limit || typeof value !== 'object' || value === null) return;
    for (const [k, v] of Object.entries(value)) {
      const next = [...tokens, k];
      out.push({ tokens: next, entry: !Array.isArray(value) });
      walk(v, next);
    }
  };
  walk(data, []);
  return out;
}

function compare(text: string): void {
  const ours = placeNodes(text);
  // The writer can write what no parser reads (a tag twice); such documents prove nothing.
  // Nor do those warren refuses as misread (source-file.ts).
  if (ours.error || ours.misreadings().length > 0) return;
  const data = ours.documents[0];
  // `yaml` does not read a lone CR as a line break; the same offsets with LF.
  const doc = yamlLib().parseDocument(text.replace(/\r(?!\n)/g, '\n'), { uniqueKeys: false });
  if (doc.errors.length > 0) return;
  // Where both read the document, they read the same data: what js-yaml reads otherwise is a misreading.
  expect(JSON.stringify(data)).toBe(JSON.stringify(doc.toJS()));
  for (const { tokens, entry } of pointers(data)) {
    const targets = entry ? (['value', 'key'] as const) : (['value'] as const);
    for (const target of targets) {
      const want = yamlOffset(doc, tokens, target);
      const got = findPlace(ours.root(), tokens, target, (o) => ours.nodeOf(o));
      expect({ pointer: tokens.join('/'), target, at: got }).toEqual({ pointer: tokens.join('/'), target, at: want });
    }
  }
  compared++;
}

let compared = 0;

describe('positions from the one reader', () => {
  it('equal those `yaml` gives, for every pointer of generated documents both read alike', () => {
    compared = 0;
    fc.assert(
      fc.property(
        tree,
        fc.array(fc.nat(), { minLength: 64, maxLength: 64 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        (t, choices, eol) => compare(new Writer(choices, eol).document(t)),
      ),
      { numRuns: 400 },
    );
    // Most documents must be compared, not skipped as read differently.
    expect(compared).toBeGreaterThan(300);
  });

  it('the comparison can fail: a node one column off is caught', () => {
    const text = 'a:\n  b: c\n';
    const ours = placeNodes(text);
    const doc = yamlLib().parseDocument(text);
    expect(findPlace(ours.root(), ['a', 'b'], 'value', (o) => ours.nodeOf(o))).toBe(
      yamlOffset(doc, ['a', 'b'], 'value'),
    );
    expect(findPlace(ours.root(), ['a', 'b'], 'key', (o) => ours.nodeOf(o))).not.toBe(
      yamlOffset(doc, ['a', 'b'], 'value'),
    );
  });
});
