// `warren validate PATH...`: every problem, exit 0 when there is no error.
// The format changes how problems are printed, never the exit code.
import { formatDiagnostics } from '../diagnostics/format-diagnostics.js';
import { formatGithub } from '../diagnostics/format-github.js';
import { formatSarif } from '../diagnostics/format-sarif.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { colourFor } from './decide-colour.js';
import type { ValidateFormat } from './describe-commands.js';
import { summarize } from './print-diagnostics.js';
import { loadTopology } from './load-topology.js';
import { hasQuorumQueues } from '../model/topology-model.js';
import { readStackCluster, readStackOverrides } from './read-stack.js';
import { packageVersion } from '../package-root.js';
import { EXIT } from './usage-error.js';
import { writeErr, writeOut } from './watch-output.js';

export async function validateCommand(
  paths: string[],
  options: { format: ValidateFormat; stack?: string },
): Promise<number> {
  const topology = loadTopology(paths, readStackOverrides(options.stack));
  // A stack that deploys RabbitMQ itself (warren:cluster) has its cluster config checked too
  // (its checker, with ajv's compiler, is loaded only then).
  const cluster =
    options.stack === undefined
      ? { diagnostics: [], valid: true }
      : (await import('../cluster/check-cluster.js')).validateCluster(
          options.stack,
          readStackCluster(options.stack),
          hasQuorumQueues(topology.model),
        );
  const diagnostics = [...topology.diagnostics, ...cluster.diagnostics];
  writeOut(render(diagnostics, options.format));
  // The summary is for people reading a log; JSON and SARIF go to tools.
  if (options.format === 'text' || options.format === 'github')
    writeErr(`${summarize(diagnostics, topology.files.length + (options.stack ? 1 : 0))}\n`);
  return topology.valid && cluster.valid ? EXIT.ok : EXIT.invalid;
}

function render(diagnostics: Diagnostic[], format: ValidateFormat): string {
  switch (format) {
    case 'github':
      return formatGithub(diagnostics, process.cwd());
    case 'sarif':
      return formatSarif(diagnostics, { version: packageVersion(), cwd: process.cwd() });
    case 'json':
      return formatDiagnostics(diagnostics, 'json');
    default:
      return formatDiagnostics(diagnostics, 'text', { colour: colourFor('stdout') });
  }
}
