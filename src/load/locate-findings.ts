// Turns findings (file + JSON pointer) into diagnostics with line and column:
// the node the pointer names in its file, or its key (find-place.ts).
import {
  compareDiagnostics,
  type Diagnostic,
  type Finding,
  type Source,
  type Target,
} from '../diagnostics/diagnostic.js';
import { readSource } from './read-source.js';
import { SourceFile } from './source-file.js';

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

/**
 * Findings that all point into one file (a stack file's settings): placed in it, read only when there is
 * something to place; a file that cannot be read leaves them at 1:1.
 */
export function locateInFile(findings: readonly Finding[], file: string): Diagnostic[] {
  const sources = new Map<string, SourceFile>();
  const read = findings.length > 0 ? readSource(file) : undefined;
  if (read && 'text' in read) sources.set(file, new SourceFile(file, read.text));
  return locateFindings(findings, sources);
}

function place(at: Source & { target: Target }, sources: ReadonlyMap<string, SourceFile>): string {
  const { line, col } = locate(sources.get(at.file), at.pointer, at.target);
  return `${at.file}:${line}:${col}`;
}

function locate(source: SourceFile | undefined, pointer: string, target: Target): { line: number; col: number } {
  return source ? source.locate(pointer, target) : { line: 1, col: 1 };
}
