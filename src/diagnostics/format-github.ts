// `warren validate --format github`: one GitHub Actions workflow command per
// problem, which the runner turns into an annotation at its file, line and
// column: `::error file=F,line=L,col=C,title=CODE::message`. Escaped as the
// runner's toolkit does (actions/toolkit, command.ts): `%`, CR and LF in the
// message, and also `:` and `,` in properties; so a name holding a newline
// cannot end the command and start one of its own. Other control characters
// are escaped as in text output (escape-text.ts): the log viewer would obey ESC.
import type { Diagnostic } from './diagnostic.js';
import { escapeText } from './escape-text.js';
import { shortenPath } from './shorten-path.js';

export function formatGithub(diagnostics: readonly Diagnostic[], cwd: string): string {
  return diagnostics
    .map((d) => {
      const properties = `file=${escapeProperty(shortenPath(d.file, cwd))},line=${d.line},col=${d.col},title=${escapeProperty(d.code)}`;
      return `::${d.severity} ${properties}::${escapeData(d.message)}\n`;
    })
    .join('');
}

export function escapeData(s: string): string {
  return escapeText(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
