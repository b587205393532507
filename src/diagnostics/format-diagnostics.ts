// The two output shapes of the contract: one `FILE:LINE:COL: severity CODE:
// message` line per problem, or a JSON array of problem objects. In text, file
// names and messages (which quote names from the topology) are escaped, so a
// name holding a newline cannot forge a line of its own. Here, below cli/,
// because the Pulumi program prints the same lines.
import type { Diagnostic } from './diagnostic.js';
import { escapeText } from './escape-text.js';

export type Format = 'text' | 'json';

export function formatDiagnostics(diagnostics: readonly Diagnostic[], format: Format): string {
  if (format === 'json') return `${JSON.stringify(diagnostics, null, 2)}\n`;
  return diagnostics
    .map((d) => `${escapeText(d.file)}:${d.line}:${d.col}: ${d.severity} ${d.code}: ${escapeText(d.message)}\n`)
    .join('');
}
