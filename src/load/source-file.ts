// One loaded topology file. Data comes from the fastest parser (js-yaml); the
// position-carrying `yaml` Document is built only when something in this file
// must be reported or when the fast parser refuses the file. A clean file is
// therefore parsed once, and only a file with problems pays for positions.
import jsYaml from 'js-yaml';
import type { Alias, Document, Node, Pair } from 'yaml';
import { child, finding, type Finding } from '../diagnostics/diagnostic.js';
import { yamlLib } from './yaml-lib.js';

export const MAX_ALIAS_COUNT = 100;

// An alias is a `*name` token standing alone; `*` inside plain or quoted
// scalars (topic keys like order.*.us) is not matched. A false positive only
// sends the file through the slower parser, which guards against alias bombs.
const ALIAS_TOKEN = /(^|[\s[{,])\*[^\s[\]{},]/m;

export class SourceFile {
  private doc: Document | undefined;
  private built = false;
  private lineStarts: number[] | undefined;
  /** Parsed data; undefined when the file does not parse. */
  data: unknown;
  readonly findings: Finding[] = [];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.parse();
  }

  /** The `yaml` Document with positions, built on first use. */
  document(): { doc: Document | undefined } {
    if (!this.built) {
      this.built = true;
      // YAML allows a lone CR as a line break; `yaml` does not read it as one.
      // Replacing it with LF keeps every offset where it was.
      const text = this.text.includes('\r') ? this.text.replace(/\r(?!\n)/g, '\n') : this.text;
      this.doc = guard(() =>
        yamlLib().parseDocument(text, { uniqueKeys: false, prettyErrors: false, logLevel: 'error' }),
      );
    }
    return { doc: this.doc };
  }

  /**
   * Line and column (1-based) of a UTF-16 offset. Lines break at LF, CRLF and
   * a lone CR, as YAML's do; columns count code points, as editors show them
   * (an emoji is one column, not two).
   */
  linePos(offset: number): { line: number; col: number } {
    this.lineStarts ??= lineStartsOf(this.text);
    const starts = this.lineStarts;
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: codePoints(this.text, starts[lo]!, at) + 1 };
  }

  private parse(): void {
    let fastError: FastError | undefined;
    if (!ALIAS_TOKEN.test(this.text)) {
      try {
        this.data = jsYaml.load(this.text, { schema: jsYaml.CORE_SCHEMA, json: false });
        // YAML reads unquoted keys such as 1e3, 0x10 or ~ as numbers or null,
        // which become other names (1000, 16, null). Only keys that could be
        // such a reading send the file to the Document, which has the key's text.
        if (hasSuspectKey(this.data, 0)) this.findings.push(...findRenamedKeys(this));
        this.checkEmpty();
        return;
      } catch (error) {
        fastError = fastErrorOf(error, this);
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
    const { doc } = this.document();
    // An unknown tag is only a warning to `yaml`; js-yaml refuses the file. Its place is the tag's.
    const unknownTags = (doc?.warnings ?? []).filter((w) => w.code === 'TAG_RESOLVE_FAILED');
    const errors = [...(doc?.errors ?? []), ...unknownTags].filter((e) => !/call stack/i.test(e.message));
    const tooDeep = !doc || errors.length < doc.errors.length;
    const duplicates = doc ? findDuplicateKeys(this, doc.contents) : [];
    if (fastError && (tooDeep || (errors.length === 0 && duplicates.length === 0))) {
      this.fail('yaml-syntax', fastError.message, fastError.line, fastError.col);
      return;
    }
    if (!doc || tooDeep) {
      this.fail('yaml-syntax', 'the document is nested too deeply to read', 1, 1);
      return;
    }
    // One mistake often cascades into many parser errors; the first few at
    // distinct places are what a user can act on.
    const places = new Set<string>();
    for (const error of errors) {
      const { line, col } = this.linePos(error.pos[0]);
      if (places.has(`${line}:${col}`) || places.size >= MAX_SYNTAX_ERRORS) continue;
      places.add(`${line}:${col}`);
      this.fail('yaml-syntax', syntaxMessage(error.code, error.message), line, col);
    }
    this.findings.push(...duplicates);
    if (errors.length > 0) return;
    try {
      this.data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      // `yaml` throws a ReferenceError both for an alias bomb and for an alias without an anchor.
      const unresolved = guard(() => unresolvedAlias(doc.contents));
      if (unresolved) {
        const { line, col } = this.linePos(unresolved.range?.[0] ?? 0);
        this.fail('yaml-syntax', `alias \`*${unresolved.source}\` names no anchor defined before it`, line, col);
        return;
      }
      const alias = firstAlias(doc.contents);
      const { line, col } = this.linePos(alias?.range?.[0] ?? 0);
      if (error instanceof ReferenceError) {
        this.fail('yaml-alias-limit', `aliases expand beyond ${MAX_ALIAS_COUNT} nodes`, line, col);
        return;
      }
      this.fail(
        'yaml-syntax',
        `the document cannot be read: ${firstLine(String((error as Error).message))}`,
        line,
        col,
      );
      return;
    }
    this.findings.push(...findRenamedKeys(this));
    if (this.data !== undefined) this.checkEmpty();
  }

  private checkEmpty(): void {
    if (this.data === undefined || this.data === null) {
      this.data = undefined;
      this.fail('file-empty', 'the file holds no topology (expected a mapping starting with `version: 1`)', 1, 1);
    }
  }

  private fail(
    code: 'yaml-syntax' | 'yaml-alias-limit' | 'file-empty',
    message: string,
    line: number,
    col: number,
  ): void {
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
function fastErrorOf(error: unknown, source: SourceFile): FastError | undefined {
  if (!(error instanceof jsYaml.YAMLException) || !error.mark || /duplicated mapping key/.test(error.reason))
    return undefined;
  const message = /maxDepth/.test(error.reason) ? 'the document is nested too deeply to read' : error.reason;
  return { message, ...source.linePos(error.mark.position) };
}

function syntaxMessage(code: string, message: string): string {
  if (code === 'MULTIPLE_DOCS')
    return 'a topology file holds one YAML document; put further documents in files of their own';
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

function firstAlias(node: unknown): Alias | undefined {
  const { isAlias, isMap, isSeq } = yamlLib();
  if (isAlias(node)) return node;
  const items = isMap(node) ? node.items.flatMap((p) => [p.key, p.value]) : isSeq(node) ? node.items : [];
  for (const item of items) {
    const found = firstAlias(item);
    if (found) return found;
  }
  return undefined;
}

/** The first alias, in document order, whose name no earlier anchor has (one walk). */
function unresolvedAlias(root: unknown): Alias | undefined {
  const { isAlias, isMap, isSeq } = yamlLib();
  const anchors = new Set<string>();
  const visit = (node: unknown): Alias | undefined => {
    if (isAlias(node)) return anchors.has(node.source) ? undefined : node;
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.add(anchor);
    const items = isMap(node) ? node.items.flatMap((p) => [p.key, p.value]) : isSeq(node) ? node.items : [];
    for (const item of items) {
      const found = visit(item);
      if (found) return found;
    }
    return undefined;
  };
  return visit(root);
}

/** Every key that appears twice in one mapping, reported at each place. */
function findDuplicateKeys(source: SourceFile, root: unknown): Finding[] {
  const out: Finding[] = [];
  const { isMap, isScalar, isSeq } = yamlLib();
  const visit = (node: unknown, pointer: string): void => {
    if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) visit(item, child(pointer, i));
    }
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
        out.push(
          finding(
            code,
            { file: source.file, pointer: child(pointer, key) },
            `key \`${key}\` appears ${pairs.length} times in this mapping (lines ${lines})`,
            { line, col },
          ),
        );
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
  return source.linePos(node?.range?.[0] ?? 0);
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) starts.push(i + 1);
    else if (ch === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1);
  }
  return starts;
}

function codePoints(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const ch = text.charCodeAt(i);
    // A low surrogate after a high one is the second half of one code point.
    if (
      !(
        ch >= 0xdc00 &&
        ch <= 0xdfff &&
        i > from &&
        text.charCodeAt(i - 1) >= 0xd800 &&
        text.charCodeAt(i - 1) <= 0xdbff
      )
    )
      n++;
  }
  return n;
}

// String forms of keys that YAML read as something other than a string:
// numbers, null, booleans, and mappings or lists used as keys.
const SUSPECT_KEY = /^(?:[-+.0-9]|null$|true$|false$|Infinity$|NaN$|\[object Object\]$)|,/;

/** Whether some key in the data may have been read from other text (cheap; no Document). */
function hasSuspectKey(value: unknown, depth: number): boolean {
  if (depth > 200 || typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasSuspectKey(item, depth + 1)) return true;
    return false;
  }
  // for…in allocates nothing: this walk runs on every clean file.
  const record = value as Record<string, unknown>;
  for (const key in record) if (SUSPECT_KEY.test(key) || hasSuspectKey(record[key], depth + 1)) return true;
  return false;
}

/**
 * Keys whose name would not be their text: an unquoted 1e3, 0x10, 007 or ~
 * is read as 1000, 16, 7 or null, and a mapping or list used as a key has
 * no name at all. Each is reported at its place; nothing is renamed.
 */
function findRenamedKeys(source: SourceFile): Finding[] {
  const out: Finding[] = [];
  const { isMap, isScalar, isSeq } = yamlLib();
  const { doc } = source.document();
  const visit = (node: unknown, pointer: string, depth: number): void => {
    if (depth > 200) return;
    if (isSeq(node)) {
      for (const [i, item] of node.items.entries()) visit(item, child(pointer, i), depth + 1);
    }
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = pair.key;
      const name = isScalar(key) ? String(key.value) : String(key);
      visit(pair.value, child(pointer, name), depth + 1);
      const { line, col } = position(source, key as Node);
      const at = { file: source.file, pointer: child(pointer, name) };
      if (isScalar(key)) {
        if (typeof key.value === 'string') continue;
        const text = key.source ?? source.text.slice(key.range?.[0] ?? 0, key.range?.[1] ?? 0);
        if (String(key.value) === text) continue;
        out.push(
          finding(
            'wrong-type',
            at,
            `key \`${text || '(empty)'}\` is read by YAML as ${describe(key.value)}, so it would name \`${String(key.value)}\`; quote it ("${text}") to keep the name as written`,
            { line, col },
          ),
        );
      } else {
        out.push(finding('wrong-type', at, 'a mapping or list cannot be a key: names are strings', { line, col }));
      }
    }
  };
  if (doc) visit(doc.contents, '', 0);
  return out;
}

function describe(value: unknown): string {
  return value === null
    ? 'null'
    : typeof value === 'number'
      ? `the number ${String(value)}`
      : `the ${typeof value} ${String(value)}`;
}
