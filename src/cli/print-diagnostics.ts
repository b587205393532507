// The two output shapes of the contract: one `FILE:LINE:COL: severity CODE:
// message` line per problem, or a JSON array of problem objects.
import type { Diagnostic } from '../diagnostics/diagnostic.js';

export type Format = 'text' | 'json';

export function formatDiagnostics(diagnostics: readonly Diagnostic[], format: Format): string {
  if (format === 'json') return JSON.stringify(diagnostics, null, 2) + '\n';
  return diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity} ${d.code}: ${d.message}\n`).join('');
}

export function summarize(diagnostics: readonly Diagnostic[], fileCount: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const files = `${fileCount} file${fileCount === 1 ? '' : 's'}`;
  if (errors === 0 && warnings === 0) return `valid: ${files}, no problems`;
  return `${errors === 0 ? 'valid' : 'invalid'}: ${files}, ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;
}
