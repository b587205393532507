// `warren export PATH...`: the topology as a RabbitMQ definitions document
// (`rabbitmqctl import_definitions` reads it). Changeable queue settings come
// out as the same `warren.queue.<name>` policies `pulumi up` writes. Passwords
// that are stack secrets cannot be exported: those users get none, and stderr says so.
// A definitions document is JSON by nature, so both formats print it; they
// differ when the topology is invalid: text prints the problems as lines on
// stderr, json as `{ "problems": [...] }` on stdout.
import { escapeText } from '../diagnostics/escape-text.js';
import { planToDefinitions } from '../export/plan-to-definitions.js';
import { PLACEHOLDER_HOST, PLACEHOLDER_PASSWORD_PREFIX } from '../export/secret-placeholders.js';
import { loadTopology } from '../load-topology.js';
import type { Format } from '../diagnostics/format-diagnostics.js';
import { reportInvalid } from './print-diagnostics.js';
import { readStackOverrides } from './read-stack.js';
import { EXIT, everyPathMatched, topologyPaths } from './usage-error.js';
import { writeErr, writeOut } from './watch-output.js';
import { COMMON_ENV, type CommandSpec, formatOption, PATHS_ARGUMENT } from './command-spec.js';

export const exportSpec: CommandSpec = {
  name: 'export',
  description: 'the topology as a RabbitMQ definitions document (rabbitmqctl import_definitions)',
  usage: 'warren export PATH...',
  configure: (c) =>
    c
      .argument(...PATHS_ARGUMENT)
      .option('--stack <file>', "apply a Pulumi stack file's warren:overrides first")
      .addOption(formatOption()),
  examples: [
    ['warren export topology/ > definitions.json', 'then: rabbitmqctl import_definitions definitions.json'],
    ['warren export topology/ --stack stacks/Pulumi.staging.yaml', "with a stack's overrides"],
  ],
  exits: [
    [0, 'exported'],
    [1, 'an invalid topology'],
    [2, 'a --stack file that cannot be read, or with overrides under another key than warren:overrides'],
  ],
  env: COMMON_ENV,
  run: exportCommand,
};

export function exportCommand(paths: string[], options: { format: Format; stack?: string }): number {
  const { diagnostics, plan } = everyPathMatched(
    loadTopology({ ...topologyPaths(paths), overrides: readStackOverrides(options.stack) }),
  );
  if (!plan) {
    reportInvalid(diagnostics, options.format);
    return EXIT.invalid;
  }
  const { definitions, usersWithoutPassword, placeholders } = planToDefinitions(plan);
  writeOut(`${JSON.stringify(definitions, null, 2)}\n`);
  for (const user of usersWithoutPassword) {
    writeErr(
      `note: user ${escapeText(user)}: its password is a stack secret and is not exported; set it on the broker (rabbitmqctl change_password)\n`,
    );
  }
  for (const p of placeholders) {
    writeErr(
      `note: ${escapeText(`${p.component} ${p.name}`)} in vhost ${escapeText(p.vhost)}: ${escapeText(p.field)} carries stack secret ${escapeText(p.key)} and is exported as a placeholder URI (host ${PLACEHOLDER_HOST} or password ${PLACEHOLDER_PASSWORD_PREFIX}${escapeText(p.key)}) that connects nowhere; set the real URI on the broker, or import this document back with warren import\n`,
    );
  }
  return EXIT.ok;
}
