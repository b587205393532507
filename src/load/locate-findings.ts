// Turns findings (file + JSON pointer) into diagnostics with line and column:
// the node the pointer names in its file, or its key (find-place.ts).
import {
  compareDiagnostics,
  type Diagnostic,
  type Finding,
  type Source,
  type Target,
} from '../diagnostics/diagnostic.js';
import type { SourceFile } from './source-file.js';

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
  return source ? source.locate(pointer, target) : { line: 1, col: 1 };
}
