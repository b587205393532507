// `warren diff BASE HEAD [--broker URL]`: every change from one topology to
// the other, classed safe, disruptive or data-losing with the reason; what
// routing changes; with --broker, the live message and consumer counts of the
// queues a change would lose.
import { annotateLive, queuesAtRisk } from '../diff/annotate-live.js';
import { diffPlans } from '../diff/diff-plans.js';
import { formatDiff, type DiffFormat } from '../diff/format-diff.js';
import { readLiveCounts } from '../diff/read-live-counts.js';
import { routingImpact } from '../diff/routing-impact.js';
import { compilePlan } from '../plan/compile-plan.js';
import { loadTopology } from './load-topology.js';
import { formatDiagnostics } from './print-diagnostics.js';
import { readStackOverrides } from './read-stack.js';
import { checkBrokerOption, EXIT } from './usage-error.js';

export async function diffCommand(base: string, head: string, options: { format: DiffFormat; stack?: string; broker?: string }): Promise<number> {
  checkBrokerOption(options.broker);
  const sides = [base, head].map((path) => loadTopology([path], readStackOverrides(options.stack)));
  const invalid = sides.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));
  if (invalid.length > 0) {
    process.stderr.write(formatDiagnostics(invalid, 'text'));
    return EXIT.invalid;
  }
  const [before, after] = [sides[0]!.model, sides[1]!.model];
  const changes = diffPlans(compilePlan(before), compilePlan(after));
  const counts = options.broker === undefined ? new Map() : await readLiveCounts(options.broker, queuesAtRisk(changes));
  for (const [, count] of counts) if ('unknown' in count) process.stderr.write(`warning: live counts: ${count.unknown}\n`);
  process.stdout.write(formatDiff({ changes: annotateLive(changes, counts), routing: routingImpact(before, after) }, options.format));
  return EXIT.ok;
}
