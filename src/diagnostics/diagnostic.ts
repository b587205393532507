// Findings are what the stages collect: a code and a place given as a JSON
// pointer into one file. Line and column are filled in at the edge
// (locate-findings.ts), only for files that have something to report.
import { CODES, type Code, type Severity } from './codes.js';

/** Where a finding points: the key naming a node, or the node's value. */
export type Target = 'key' | 'value';

export interface Source {
  readonly file: string;
  /** JSON pointer (RFC 6901) into that file's document. */
  readonly pointer: string;
}

export interface Finding extends Source {
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  readonly target: Target;
  /** Set when the position is known without the document (parse errors). */
  readonly line?: number;
  readonly col?: number;
  /** Another place the message refers to ("also declared at …"); its position is added at the edge. */
  readonly related?: Source & { readonly target: Target };
}

export interface Diagnostic {
  readonly severity: Severity;
  readonly code: Code;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly pointer: string;
}

export function finding(
  code: Code,
  at: Source,
  message: string,
  options: { target?: Target; line?: number; col?: number; related?: Source & { target: Target } } = {},
): Finding {
  const base = {
    code,
    severity: CODES[code].severity,
    message,
    file: at.file,
    pointer: at.pointer,
    target: options.target ?? 'value',
  };
  return { ...base, ...pos(options), ...(options.related ? { related: options.related } : {}) };
}

function pos(options: { line?: number; col?: number }) {
  return options.line === undefined ? {} : { line: options.line, col: options.col ?? 1 };
}

/** Appends one reference token to a JSON pointer. */
export function child(pointer: string, token: string | number): string {
  const t = String(token);
  // Most names need no escaping; skip the replacements for them (hot in merging).
  return t.includes('~') || t.includes('/')
    ? `${pointer}/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`
    : `${pointer}/${t}`;
}

export function at(source: Source, ...tokens: (string | number)[]): Source {
  let pointer = source.pointer;
  for (const token of tokens) pointer = child(pointer, token);
  return { file: source.file, pointer };
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.file < b.file
    ? -1
    : a.file > b.file
      ? 1
      : a.line - b.line || a.col - b.col || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}
