// `warren validate --format sarif`: SARIF 2.1.0 (OASIS), the format GitHub
// code scanning and other tools read. One run; its rules are the closed list
// of diagnostic codes (codes.ts), so a result's ruleId always has a rule.
// Columns count Unicode code points, as warren's do (columnKind says so:
// SARIF's default is UTF-16 code units). File URIs are relative to the
// working directory, resolved against %SRCROOT%.
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CODES, type Code } from './codes.js';
import type { Diagnostic } from './diagnostic.js';
import { isPseudoFile, shortenPath } from './shorten-path.js';

const SRCROOT = '%SRCROOT%';

export function formatSarif(diagnostics: readonly Diagnostic[], tool: { version: string; cwd: string }): string {
  const codes = Object.keys(CODES) as Code[];
  const index = new Map(codes.map((c, i) => [c, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'warren',
            version: tool.version,
            semanticVersion: tool.version,
            rules: codes.map((id) => ({
              id,
              shortDescription: { text: CODES[id].summary },
              defaultConfiguration: { level: CODES[id].severity },
            })),
          },
        },
        columnKind: 'unicodeCodePoints',
        originalUriBaseIds: { [SRCROOT]: { uri: `${pathToFileURL(tool.cwd).href.replace(/\/?$/, '/')}` } },
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: index.get(d.code),
          level: d.severity,
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifact(d.file, tool.cwd),
                // SARIF lines and columns start at 1; a position warren could not tell is left out.
                ...(d.line >= 1 ? { region: { startLine: d.line, startColumn: Math.max(d.col, 1) } } : {}),
              },
            },
          ],
          properties: { pointer: d.pointer },
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** A relative URI under %SRCROOT%, a file: URI outside it; `<stdin>` as its percent-encoded name. */
function artifact(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const path = shortenPath(file, cwd);
  if (isPseudoFile(path)) return { uri: encodeURIComponent(path) };
  if (isAbsolute(path)) return { uri: pathToFileURL(path).href };
  return { uri: path.split('/').map(encodeURIComponent).join('/'), uriBaseId: SRCROOT };
}
