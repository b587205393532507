// One loaded topology file. Data comes from the fastest parser (js-yaml); the
// position-carrying `yaml` Document is built only when something in this file
// must be reported or when the fast parser refuses the file. A clean file is
// therefore parsed once, and only a file with problems pays for positions.
import jsYaml from 'js-yaml';
import type { Document, LineCounter, Node, Pair } from 'yaml';
import { child, finding, type Finding } from '../diagnostics/diagnostic.js';
import { yamlLib } from './yaml-lib.js';

export const MAX_ALIAS_COUNT = 100;

// An alias is a `*name` token standing alone; `*` inside plain or quoted
// scalars (topic keys like order.*.us) is not matched. A false positive only
// sends the file through the slower parser, which guards against alias bombs.
const ALIAS_TOKEN = /(^|[\s[{,])\*[^\s[\]{},]/m;

export class SourceFile {
  private doc: Document | undefined;
  private counter: LineCounter | undefined;
  /** Parsed data; undefined when the file does not parse. */
  data: unknown;
  readonly findings: Finding[] = [];

  constructor(readonly file: string, readonly text: string) {
    this.parse();
  }

  /** The `yaml` Document with positions, built on first use. */
  document(): { doc: Document | undefined; counter: LineCounter } {
    if (!this.counter) {
      const { LineCounter, parseDocument } = yamlLib();
      const counter = new LineCounter();
      this.counter = counter;
      this.doc = guard(() => parseDocument(this.text, { lineCounter: counter, uniqueKeys: false, prettyErrors: false }));
    }
    return { doc: this.doc, counter: this.counter };
  }

  private parse(): void {
    let fastError: FastError | undefined;
    if (!ALIAS_TOKEN.test(this.text)) {
      try {
        this.data = jsYaml.load(this.text, { schema: jsYaml.CORE_SCHEMA, json: false });
        return this.checkEmpty();
      } catch (error) {
        fastError = fastErrorOf(error, this.text);
      }
    }
    this.parseWithPositions(fastError);
  }

  /**
   * Reads the file with `yaml`, which reports every error with its place and
   * tolerates duplicate keys (reported here at each place). js-yaml's error
   * stands in where `yaml` gives none: it is stricter about non-printable
   * characters, and it stops deep nesting where `yaml` runs out of stack.
   */
  private parseWithPositions(fastError: FastError | undefined): void {
    const { doc, counter } = this.document();
    const errors = (doc?.errors ?? []).filter((e) => !/call stack/i.test(e.message));
    const tooDeep = !doc || errors.length < doc.errors.length;
    const duplicates = doc ? findDuplicateKeys(this, doc.contents) : [];
    if (fastError && (tooDeep || (errors.length === 0 && duplicates.length === 0))) {
      return this.fail('yaml-syntax', fastError.message, fastError.line, fastError.col);
    }
    if (!doc || tooDeep) return this.fail('yaml-syntax', 'the document is nested too deeply to read', 1, 1);
    // One mistake often cascades into many parser errors; the first few at
    // distinct places are what a user can act on.
    const places = new Set<string>();
    for (const error of errors) {
      const { line, col } = counter.linePos(error.pos[0]);
      if (places.has(`${line}:${col}`) || places.size >= MAX_SYNTAX_ERRORS) continue;
      places.add(`${line}:${col}`);
      this.fail('yaml-syntax', syntaxMessage(error.code, error.message), line, col);
    }
    this.findings.push(...duplicates);
    if (errors.length > 0) return;
    try {
      this.data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const alias = firstAlias(doc.contents);
      const { line, col } = counter.linePos(alias?.range?.[0] ?? 0);
      if (error instanceof ReferenceError) return this.fail('yaml-alias-limit', `aliases expand beyond ${MAX_ALIAS_COUNT} nodes`, line, col);
      return this.fail('yaml-syntax', 'the document cannot be read: ' + firstLine(String((error as Error).message)), line, col);
    }
    this.checkEmpty();
  }

  private checkEmpty(): void {
    if (this.data === undefined || this.data === null) {
      this.data = undefined;
      this.fail('file-empty', 'the file holds no topology (expected a mapping starting with `version: 1`)', 1, 1);
    }
  }

  private fail(code: 'yaml-syntax' | 'yaml-alias-limit' | 'file-empty', message: string, line: number, col: number): void {
    this.data = undefined;
    this.findings.push(finding(code, { file: this.file, pointer: '' }, message, { line, col }));
  }
}

const MAX_SYNTAX_ERRORS = 5;

interface FastError {
  readonly message: string;
  readonly line: number;
  readonly col: number;
}

/**
 * js-yaml's error with its place, from the character offset (its line/column
 * are not always relative to a line); duplicate keys are left to findDuplicateKeys.
 */
function fastErrorOf(error: unknown, text: string): FastError | undefined {
  if (!(error instanceof jsYaml.YAMLException) || !error.mark || /duplicated mapping key/.test(error.reason)) return undefined;
  const message = /maxDepth/.test(error.reason) ? 'the document is nested too deeply to read' : error.reason;
  const before = text.slice(0, error.mark.position);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { message, line: before.split('\n').length, col: error.mark.position - lineStart + 1 };
}

function syntaxMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS') return 'a topology file holds one YAML document; put further documents in files of their own';
  if (/call stack/i.test(message)) return 'the document is nested too deeply to read';
  return firstLine(message);
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** Parsers recurse; a pathological nesting depth must not escape as a crash. */
function guard<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

function firstAlias(node: unknown): Node | undefined {
  const { isAlias, isMap, isSeq } = yamlLib();
  if (isAlias(node)) return node;
  const items = isMap(node) ? node.items.flatMap((p) => [p.key, p.value]) : isSeq(node) ? node.items : [];
  for (const item of items) {
    const found = firstAlias(item);
    if (found) return found;
  }
  return undefined;
}

/** Every key that appears twice in one mapping, reported at each place. */
function findDuplicateKeys(source: SourceFile, root: unknown): Finding[] {
  const out: Finding[] = [];
  const { isMap, isScalar, isSeq } = yamlLib();
  const visit = (node: unknown, pointer: string): void => {
    if (isSeq(node)) node.items.forEach((item, i) => visit(item, child(pointer, i)));
    if (!isMap(node)) return;
    const byKey = new Map<string, Pair[]>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      byKey.set(key, [...(byKey.get(key) ?? []), pair]);
      visit(pair.value, child(pointer, key));
    }
    for (const [key, pairs] of byKey) {
      if (pairs.length < 2) continue;
      const places = pairs.map((p) => position(source, p.key as Node));
      const lines = places.map((p) => p.line).join(', ');
      const code = declaresObject(child(pointer, key)) ? 'duplicate-object' : 'duplicate-key';
      for (const { line, col } of places) {
        out.push(finding(code, { file: source.file, pointer: child(pointer, key) }, `key \`${key}\` appears ${pairs.length} times in this mapping (lines ${lines})`, { line, col }));
      }
    }
  };
  visit(root, '');
  return out;
}

// Keys naming a topology object: a second one is the same object declared twice.
const OBJECT_POINTER = /^\/(vhosts\/[^/]*(\/(exchanges|queues|policies|operatorPolicies)\/[^/]*)?|users\/[^/]*)$/;

function declaresObject(pointer: string): boolean {
  return OBJECT_POINTER.test(pointer);
}

function position(source: SourceFile, node: Node | null | undefined): { line: number; col: number } {
  return source.document().counter.linePos(node?.range?.[0] ?? 0);
}
