// `warren validate PATH...`: every problem, exit 0 when there is no error.
import { formatDiagnostics, summarize, type Format } from './print-diagnostics.js';
import { loadTopology } from './load-topology.js';
import { readStackOverrides } from './read-stack.js';
import { EXIT } from './usage-error.js';

export function validateCommand(paths: string[], options: { format: Format; stack?: string }): number {
  const { diagnostics, valid, files } = loadTopology(paths, readStackOverrides(options.stack));
  process.stdout.write(formatDiagnostics(diagnostics, options.format));
  if (options.format === 'text') process.stderr.write(summarize(diagnostics, files.length) + '\n');
  return valid ? EXIT.ok : EXIT.invalid;
}
