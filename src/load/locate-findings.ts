// Turns findings (file + JSON pointer) into diagnostics with line and column,
// read from the `yaml` Document of the file: the node the pointer names, or its
// key. A pointer to something absent (a missing field) lands on the deepest
// node that exists, which is the object that lacks it.
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import {
  compareDiagnostics,
  parsePointer,
  type Diagnostic,
  type Finding,
  type Source,
  type Target,
} from '../diagnostics/diagnostic.js';
import type { SourceFile } from './source-file.js';
import { yamlLib } from './yaml-lib.js';

export function locateFindings(findings: readonly Finding[], sources: ReadonlyMap<string, SourceFile>): Diagnostic[] {
  const out = findings.map((f): Diagnostic => {
    const where =
      f.line !== undefined ? { line: f.line, col: f.col ?? 1 } : locate(sources.get(f.file), f.pointer, f.target);
    const message = f.related ? `${f.message} (also at ${place(f.related, sources)})` : f.message;
    return {
      severity: f.severity,
      code: f.code,
      message,
      file: f.file,
      line: where.line,
      col: where.col,
      pointer: f.pointer,
    };
  });
  return out.sort(compareDiagnostics);
}

function place(at: Source & { target: Target }, sources: ReadonlyMap<string, SourceFile>): string {
  const { line, col } = locate(sources.get(at.file), at.pointer, at.target);
  return `${at.file}:${line}:${col}`;
}

function locate(source: SourceFile | undefined, pointer: string, target: Target): { line: number; col: number } {
  if (!source) return { line: 1, col: 1 };
  const { doc } = source.document();
  const node = doc ? findNode(doc, parsePointer(pointer), target) : undefined;
  return source.linePos(node?.range?.[0] ?? 0);
}

function findNode(doc: Document, tokens: string[], target: Target): Node | undefined {
  const { isMap, isSeq } = yamlLib();
  let node = resolve(doc, doc.contents);
  let last: Node | undefined = node ?? undefined;
  for (const [i, token] of tokens.entries()) {
    const isLast = i === tokens.length - 1;
    if (isMap(node)) {
      const pair = pairIndex(node).get(token);
      if (!pair) return last;
      if (isLast && target === 'key') return pair.key as Node;
      // A key without a value (`queue:`) has no value, or an empty one: point at the key.
      last = isEmpty(pair.value) ? (pair.key as Node) : (pair.value as Node);
      node = resolve(doc, pair.value);
    } else if (isSeq(node)) {
      const item = node.items[Number(token)];
      if (item === undefined) return last;
      last = item as Node;
      node = resolve(doc, item);
    } else {
      return last;
    }
  }
  return last;
}

// Each mapping is indexed once by key text (first occurrence wins, as a
// search would): looking pairs up one by one would make locating n findings
// in a mapping of n entries quadratic.
const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairIndex(node: YAMLMap): Map<string, Pair> {
  let index = indexes.get(node);
  if (!index) {
    index = new Map();
    for (const pair of node.items) {
      // js-yaml names a null key `null`, yaml's toJS names it ``: either may be asked for.
      const keys = isNullKey(pair.key) ? ['null', ''] : [keyText(pair.key)];
      for (const key of keys) if (!index.has(key)) index.set(key, pair as Pair);
    }
    indexes.set(node, index);
  }
  return index;
}

function isEmpty(node: unknown): boolean {
  const range = (node as Node | null)?.range;
  return !range || range[0] === range[1];
}

function resolve(doc: Document, node: unknown): Node | undefined {
  if (yamlLib().isAlias(node)) return node.resolve(doc) as Node | undefined;
  return (node as Node | null) ?? undefined;
}

function isNullKey(key: unknown): boolean {
  return key === null || (yamlLib().isScalar(key) && key.value === null);
}

function keyText(key: unknown): string {
  return yamlLib().isScalar(key) ? String(key.value) : String(key);
}
