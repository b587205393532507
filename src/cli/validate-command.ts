// `warren validate PATH...`: every problem, exit 0 when there is no error.
// The format changes how problems are printed, never the exit code.
import { formatDiagnostics } from '../diagnostics/format-diagnostics.js';
import { formatGithub } from '../diagnostics/format-github.js';
import { formatSarif } from '../diagnostics/format-sarif.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { colourFor } from './decide-colour.js';
import { type CiFormat, ciFormatOption, COMMON_ENV, type CommandSpec, PATHS_ARGUMENT } from './command-spec.js';
import { summarize } from './print-diagnostics.js';
import { loadTopology } from '../load-topology.js';
import { hasQuorumQueues, quorumQueuesWithoutDeliveryLimit } from '../model/topology-model.js';
import { checkStackFile, readStack, stackAdminUser, stackCluster, stackOverrides } from './read-stack.js';
import { packageVersion } from '../package-root.js';
import { EXIT, everyPathMatched, topologyPaths } from './usage-error.js';
import { writeErr, writeOut } from './watch-output.js';

export const validate: CommandSpec = {
  name: 'validate',
  description: 'load, schema-check and cross-check topology files; print every problem',
  usage: 'warren validate PATH...',
  configure: (c) =>
    c
      .argument(...PATHS_ARGUMENT)
      .addOption(ciFormatOption())
      .option('--stack <file>', "also apply a Pulumi stack file's warren:overrides (e.g. stacks/Pulumi.staging.yaml)"),
  examples: [
    ['warren validate topology/', 'every problem, one FILE:LINE:COL line each'],
    ["warren validate 'teams/*.yaml' --stack stacks/Pulumi.staging.yaml", "with a stack's overrides"],
    ['cat shop.yaml | warren validate -', 'standard input, reported as <stdin>'],
    ['warren validate topology/ --format github', 'GitHub Actions annotations'],
    ['warren validate topology/ --format sarif > warren.sarif', 'SARIF 2.1.0 for code scanning'],
  ],
  exits: [
    [0, 'valid (warnings allowed)'],
    [1, "invalid: an error in the topology, or in the stack's warren settings or cluster config"],
    [2, 'a --stack file that cannot be read, or with overrides under another key than warren:overrides'],
  ],
  env: COMMON_ENV,
  run: validateCommand,
};

export async function validateCommand(paths: string[], options: { format: CiFormat; stack?: string }): Promise<number> {
  // With --stack, the stack's warren:* settings are checked as the program reads them (the config schema), and
  // its warren:cluster by the cluster's checks (loaded only then).
  const stack = options.stack === undefined ? undefined : readStack(options.stack);
  const validateCluster =
    stack === undefined ? undefined : (await import('../cluster/check-cluster.js')).validateCluster;
  const topology = everyPathMatched(
    loadTopology({
      ...topologyPaths(paths),
      overrides: stackOverrides(stack),
      plan: false,
      ...(validateCluster && stack !== undefined
        ? {
            check: (model) => ({
              diagnostics: [
                ...checkStackFile(stack),
                ...validateCluster(
                  stack.file,
                  stackCluster(stack),
                  hasQuorumQueues(model),
                  stackAdminUser(stack),
                  quorumQueuesWithoutDeliveryLimit(model),
                ).diagnostics,
              ],
            }),
          }
        : {}),
    }),
  );
  const diagnostics = topology.diagnostics;
  writeOut(render(diagnostics, options.format));
  // The summary is for people reading a log; JSON and SARIF go to tools.
  if (options.format === 'text' || options.format === 'github')
    writeErr(`${summarize(diagnostics, topology.files.length + (options.stack ? 1 : 0))}\n`);
  return topology.valid ? EXIT.ok : EXIT.invalid;
}

function render(diagnostics: Diagnostic[], format: CiFormat): string {
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
