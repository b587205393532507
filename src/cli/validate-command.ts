// `warren validate PATH...`: every problem, exit 0 when there is no error.
import { formatDiagnostics, type Format } from '../diagnostics/format-diagnostics.js';
import { colourFor } from './decide-colour.js';
import { summarize } from './print-diagnostics.js';
import { loadTopology } from './load-topology.js';
import { hasQuorumQueues } from '../model/topology-model.js';
import { readStackCluster, readStackOverrides } from './read-stack.js';
import { EXIT } from './usage-error.js';
import { writeErr, writeOut } from './watch-output.js';

export async function validateCommand(paths: string[], options: { format: Format; stack?: string }): Promise<number> {
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
  writeOut(
    formatDiagnostics(diagnostics, options.format, { colour: options.format === 'text' && colourFor('stdout') }),
  );
  if (options.format === 'text')
    writeErr(`${summarize(diagnostics, topology.files.length + (options.stack ? 1 : 0))}\n`);
  return topology.valid && cluster.valid ? EXIT.ok : EXIT.invalid;
}
