// The two output shapes of the contract: one `FILE:LINE:COL: severity CODE:
// message` line per problem, or a JSON array of problem objects. In text, file
// names and messages (which quote names from the topology) are escaped, so a
// name holding a newline cannot forge a line of its own. Here, below cli/,
// because the Pulumi program prints the same lines.
import type { Diagnostic } from './diagnostic.js';
import { escapeText } from './escape-text.js';

export type Format = 'text' | 'json';

// SGR codes written directly rather than with util.styleText: that is missing
// before Node 20.12 and, from 20.20/22, drops colour on its own judgement of
// the stream; whether to colour is decided once, by the CLI (decide-colour.ts).
const SEVERITY_COLOUR = { error: '\u001b[31m', warning: '\u001b[33m' } as const;
const RESET = '\u001b[39m';

export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  format: Format,
  options: { colour?: boolean } = {},
): string {
  if (format === 'json') return `${JSON.stringify(diagnostics, null, 2)}\n`;
  const severity = (d: Diagnostic) =>
    options.colour ? `${SEVERITY_COLOUR[d.severity]}${d.severity}${RESET}` : d.severity;
  return diagnostics
    .map((d) => `${escapeText(d.file)}:${d.line}:${d.col}: ${severity(d)} ${d.code}: ${escapeText(d.message)}\n`)
    .join('');
}
