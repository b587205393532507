// `warren export PATH...`: the topology as a RabbitMQ definitions document
// (`rabbitmqctl import_definitions` reads it). Changeable queue settings come
// out as the same `warren.queue.<name>` policies `pulumi up` writes. Passwords
// that are stack secrets cannot be exported: those users get none, and stderr says so.
import { planToDefinitions } from '../export/plan-to-definitions.js';
import { compilePlan } from '../plan/compile-plan.js';
import { loadTopology } from './load-topology.js';
import { formatDiagnostics, type Format } from './print-diagnostics.js';
import { readStackOverrides } from './read-stack.js';
import { EXIT } from './usage-error.js';

export function exportCommand(paths: string[], options: { format: Format; stack?: string }): number {
  const { diagnostics, valid, model } = loadTopology(paths, readStackOverrides(options.stack));
  if (!valid) {
    process.stderr.write(formatDiagnostics(diagnostics.filter((d) => d.severity === 'error'), 'text'));
    return EXIT.invalid;
  }
  const { definitions, usersWithoutPassword } = planToDefinitions(compilePlan(model));
  process.stdout.write(JSON.stringify(definitions, null, 2) + '\n');
  for (const user of usersWithoutPassword) {
    process.stderr.write(`note: user ${user}: its password is a stack secret and is not exported; set it on the broker (rabbitmqctl change_password)\n`);
  }
  return EXIT.ok;
}
