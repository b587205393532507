// `warren diff BASE HEAD [--broker URL] [--fail-on CLASS]...`: every change
// from one topology to the other, classed safe, disruptive or data-losing with
// the reason and marked when it widens access; what routing changes; with
// --broker, the live message and consumer counts of the queues a change could
// lose. The diff is always printed; --fail-on then turns matching changes
// into exit code 3, for CI.
import { escapeText } from '../diagnostics/escape-text.js';
import { annotateLive, queuesAtRisk } from '../diff/annotate-live.js';
import { diffPlans } from '../diff/diff-plans.js';
import { formatDiff, type DiffFormat } from '../diff/format-diff.js';
import { matchesFailOn, type FailOn } from '../diff/match-fail-on.js';
import { readLiveCounts } from '../diff/read-live-counts.js';
import { routingImpact } from '../diff/routing-impact.js';
import { ABSENT_NAME_CODES } from '../model/apply-overrides.js';
import { compilePlan } from '../plan/compile-plan.js';
import { loadTopology } from './load-topology.js';
import { reportInvalid } from './print-diagnostics.js';
import { readStackAllowMigrate, readStackOverrides } from './read-stack.js';
import { checkBrokerOption, EXIT, UsageError } from './usage-error.js';
import { writeErr, writeOut } from './watch-output.js';

export interface DiffOptions {
  readonly format: DiffFormat;
  readonly stack?: string;
  readonly broker?: string;
  readonly failOn?: FailOn[];
}

export async function diffCommand(base: string, head: string, options: DiffOptions): Promise<number> {
  // Standard input can be read once: it can stand for one side only.
  if (base === '-' && head === '-') throw new UsageError('BASE and HEAD cannot both be - (standard input)');
  const broker = checkBrokerOption(options.broker);
  const overrides = readStackOverrides(options.stack);
  const sides = [base, head].map((path) => loadTopology([path], overrides));
  // The stack file is HEAD's: what it names that BASE does not declare yet (a vhost HEAD adds with its override,
  // a null for an object HEAD adds) is no problem of BASE's; laid over BASE it is left out, as applyOverrides does.
  // Whatever is wrong with the stack itself shows on HEAD's side.
  const baseProblems = sides[0]!.diagnostics.filter(
    (d) => !(d.file === overrides?.file && ABSENT_NAME_CODES.includes(d.code)),
  );
  const invalid = [baseProblems, sides[1]!.diagnostics].flatMap((ds) => ds.filter((d) => d.severity === 'error'));
  if (invalid.length > 0) {
    // Markdown is for a comment, not for tools: its problems go to stderr as text lines.
    reportInvalid(invalid, options.format);
    return EXIT.invalid;
  }
  const [before, after] = [sides[0]!.model, sides[1]!.model];
  // Both sides with the stack's allowances, so that only a change of a queue shows as its migration.
  const env = { allowRecreate: [], allowDelete: [], allowMigrate: readStackAllowMigrate(options.stack) };
  const changes = diffPlans(compilePlan(before, env), compilePlan(after, env));
  const counts = broker === undefined ? new Map() : await readLiveCounts(broker, queuesAtRisk(changes));
  // A broker that cannot be read fails every queue's count the same way: each reason once.
  const unknown = new Set([...counts.values()].flatMap((count) => ('unknown' in count ? [count.unknown] : [])));
  for (const why of unknown) writeErr(`warning: live counts: ${escapeText(why)}\n`);
  writeOut(
    formatDiff({ changes: annotateLive(changes, counts), routing: routingImpact(before, after) }, options.format),
  );
  const failOn = options.failOn ?? [];
  const matched = changes.filter((c) => matchesFailOn(c, failOn));
  if (matched.length === 0) return EXIT.ok;
  writeErr(
    `warren: ${matched.length} change${matched.length === 1 ? '' : 's'} matched --fail-on ${failOn.join(', ')}\n`,
  );
  return EXIT.failOn;
}
