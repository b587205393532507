// The two output shapes of the contract: one `FILE:LINE:COL: severity CODE:
// message` line per problem, or a JSON array of problem objects. In text, file
// names and messages (which quote names from the topology) are escaped, so a
// name holding a newline cannot forge a line of its own.
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { escapeText } from '../diagnostics/escape-text.js';
import { writeErr, writeOut } from './watch-output.js';

export type Format = 'text' | 'json';

export function formatDiagnostics(diagnostics: readonly Diagnostic[], format: Format): string {
  if (format === 'json') return `${JSON.stringify(diagnostics, null, 2)}\n`;
  return diagnostics
    .map((d) => `${escapeText(d.file)}:${d.line}:${d.col}: ${d.severity} ${d.code}: ${escapeText(d.message)}\n`)
    .join('');
}

/**
 * How route, export and diff fail on invalid input (exit 1): the errors as
 * lines on stderr, or with --format json `{ "problems": [...] }` on stdout
 * (the objects validate prints), so that a JSON consumer always gets JSON.
 */
export function reportInvalid(diagnostics: readonly Diagnostic[], format: string): void {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (format === 'json') writeOut(`${JSON.stringify({ problems: errors }, null, 2)}\n`);
  else writeErr(formatDiagnostics(errors, 'text'));
}

export function summarize(diagnostics: readonly Diagnostic[], fileCount: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const files = `${fileCount} file${fileCount === 1 ? '' : 's'}`;
  if (errors === 0 && warnings === 0) return `valid: ${files}, no problems`;
  return `${errors === 0 ? 'valid' : 'invalid'}: ${files}, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
