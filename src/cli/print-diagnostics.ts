// How the commands report problems: the lines and JSON of
// diagnostics/format-diagnostics.ts, on the stream the contract names, and
// the one-line summary of `warren validate`.
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatDiagnostics } from '../diagnostics/format-diagnostics.js';
import { colourFor } from './decide-colour.js';
import { writeErr, writeOut } from './watch-output.js';

/**
 * How route, export and diff fail on invalid input (exit 1): the errors as
 * lines on stderr, or with --format json `{ "problems": [...] }` on stdout
 * (the objects validate prints), so that a JSON consumer always gets JSON.
 */
export function reportInvalid(diagnostics: readonly Diagnostic[], format: string): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (format === 'json') writeOut(`${JSON.stringify({ problems: errors }, null, 2)}\n`);
  else writeErr(formatDiagnostics(errors, 'text', { colour: colourFor('stderr') }));
}

export function summarize(diagnostics: readonly Diagnostic[], fileCount: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const files = `${fileCount} file${fileCount === 1 ? '' : 's'}`;
  if (errors === 0 && warnings === 0) return `valid: ${files}, no problems`;
  return `${errors === 0 ? 'valid' : 'invalid'}: ${files}, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
