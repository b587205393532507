// `warren diff BASE HEAD [--broker URL] [--fail-on CLASS]...`: every change
// from one topology to the other, classed safe, disruptive or data-losing with
// the reason and marked when it widens access; what routing changes; with
// --broker, the live message and consumer counts of the queues a change could
// lose, and, when --stack names a blue/green pair, what is still on its
// inactive side. The diff is always printed; --fail-on then turns matching changes
// into exit code 3, for CI.
import { escapeText } from '../diagnostics/escape-text.js';
import { annotateLive, queuesAtRisk } from '../diff/annotate-live.js';
import { type Change, diffPlans } from '../diff/diff-plans.js';
import type { TopologyModel } from '../model/topology-model.js';
import { formatDiff, type DiffFormat } from '../diff/format-diff.js';
import { FAIL_ON, matchesFailOn, type FailOn } from '../diff/match-fail-on.js';
import { readLiveCounts } from '../diff/read-live-counts.js';
import { routingImpact } from '../diff/routing-impact.js';
import { loadTopology } from '../load-topology.js';
import { reportInvalid } from './print-diagnostics.js';
import { readStack, type StackFile, stackAllowMigrate, stackCluster, stackOverrides } from './read-stack.js';
import type { BrokerAddress } from '../broker/read-management.js';
import type { InactiveSide } from '../diff/format-diff.js';
import { checkBrokerOption, EXIT, everyPathMatched, topologyPaths, UsageError } from './usage-error.js';
import { writeErr, writeOut } from './watch-output.js';
import { InvalidArgumentError, Option } from 'commander';
import { BROKER_ENV, COMMON_ENV, type CommandSpec, repeatable } from './command-spec.js';

export const diff: CommandSpec = {
  name: 'diff',
  description:
    'what changes from one topology to another, classed safe, disruptive or data-losing, marked when it widens access',
  usage: 'warren diff BASE HEAD [--fail-on CLASS]...',
  configure: (c) =>
    c
      .argument('<base>', 'the topology before (file, directory or glob; - reads standard input)')
      .argument('<head>', 'the topology after (one of the two may be -)')
      .option(
        '--stack <file>',
        "apply a Pulumi stack file's warren:overrides to both sides (with --broker and a blue/green pair: what is left on its inactive side)",
      )
      .option(
        '--broker <url>',
        'management API URL (e.g. http://localhost:15672): live message and consumer counts of the queues at risk; user from the URL or WARREN_BROKER_USER, password WARREN_BROKER_PASSWORD',
      )
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
      .addOption(
        repeatable(
          new Option(
            '--fail-on <class>',
            'exit 3 when a change is data-losing, disruptive (or data-losing), widens access, or is a queue migration the --stack allows (repeatable)',
          ).choices(FAIL_ON),
          checkFailOn,
        ),
      ),
  examples: [
    ['warren diff main-checkout/topology topology --format markdown', 'for a pull-request comment'],
    ['git show main:topology/shop.yaml | warren diff - topology/shop.yaml', 'one side from standard input'],
    ['warren diff base/ head/ --fail-on data-losing --fail-on access', 'exit 3 when a change matches'],
    ['warren diff base/ head/ --broker http://localhost:15672', 'live counts of the queues at risk'],
  ],
  exits: [
    [0, 'no change matched --fail-on, whatever the changes (a broker that cannot be read only warns)'],
    [1, 'either side invalid'],
    [
      2,
      'BASE and HEAD both -, an unknown --fail-on class, a --broker that is not an http(s) URL or whose TLS files cannot be read, a --stack file that cannot be read, with overrides under another key than warren:overrides, or a warren:allow the config schema refuses',
    ],
    [3, 'a change matched --fail-on (data-losing; disruptive, which includes data-losing; access)'],
  ],
  env: [...COMMON_ENV, ...BROKER_ENV],
  run: diffCommand,
};

async function drawChanges(
  before: TopologyModel,
  after: TopologyModel,
  changes: readonly Change[],
): Promise<string | undefined> {
  const [{ diffDiagram }, { renderMermaid }] = await Promise.all([
    import('../graph/diff-diagram.js'),
    import('../graph/render-mermaid.js'),
  ]);
  const d = diffDiagram(before, after, changes);
  return d ? renderMermaid(d) : undefined;
}

/** --fail-on, repeatable: each value checked against the choices (commander's own check keeps only the last). */
function checkFailOn(value: string): FailOn {
  if (!(FAIL_ON as readonly string[]).includes(value))
    throw new InvalidArgumentError(`Allowed choices are ${FAIL_ON.join(', ')}.`);
  return value as FailOn;
}

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
  const stack = options.stack === undefined ? undefined : readStack(options.stack);
  const overrides = stackOverrides(stack);
  // Both sides with the stack's allowances, so that only a change of a queue shows as its migration.
  const allow = { allowRecreate: [], allowDelete: [], allowMigrate: stackAllowMigrate(stack) };
  // The stack file is HEAD's: what it names that BASE does not declare yet (a vhost HEAD adds with its override,
  // a null for an object HEAD adds) is no problem of BASE's; laid over BASE it is left out, as applyOverrides does.
  // Whatever is wrong with the stack itself shows on HEAD's side.
  const sides = [base, head].map((path, i) =>
    everyPathMatched(
      loadTopology({
        ...topologyPaths([path]),
        ...(overrides ? { overrides: i === 0 ? { ...overrides, reportAbsent: false } : overrides } : {}),
        allow,
      }),
    ),
  );
  const invalid = sides.flatMap((side) => side.diagnostics.filter((d) => d.severity === 'error'));
  const [basePlan, headPlan] = [sides[0]!.plan, sides[1]!.plan];
  if (!basePlan || !headPlan) {
    // Markdown is for a comment, not for tools: its problems go to stderr as text lines.
    reportInvalid(invalid, options.format);
    return EXIT.invalid;
  }
  const [before, after] = [sides[0]!.model, sides[1]!.model];
  const changes = diffPlans(basePlan, headPlan);
  const counts = broker === undefined ? new Map() : await readLiveCounts(broker, queuesAtRisk(changes));
  // A broker that cannot be read fails every queue's count the same way: each reason once.
  const unknown = new Set([...counts.values()].flatMap((count) => ('unknown' in count ? [count.unknown] : [])));
  for (const why of unknown) writeErr(`warning: live counts: ${escapeText(why)}\n`);
  const inactiveSide = broker === undefined || stack === undefined ? undefined : await inactiveSideOf(stack, broker);
  if (inactiveSide?.unknown) writeErr(`warning: inactive side: ${escapeText(inactiveSide.unknown)}\n`);
  // The picture is for the pull-request comment (GitHub draws Mermaid); loaded only then.
  const diagram = options.format === 'markdown' ? await drawChanges(before, after, changes) : undefined;
  writeOut(
    formatDiff(
      {
        changes: annotateLive(changes, counts),
        routing: routingImpact(before, after),
        ...(diagram ? { diagram } : {}),
        ...(inactiveSide ? { inactiveSide } : {}),
      },
      options.format,
    ),
  );
  const failOn = options.failOn ?? [];
  const matched = changes.filter((c) => matchesFailOn(c, failOn));
  if (matched.length === 0) return EXIT.ok;
  writeErr(
    `warren: ${matched.length} change${matched.length === 1 ? '' : 's'} matched --fail-on ${failOn.join(', ')}\n`,
  );
  return EXIT.failOn;
}

/** A stack whose valid warren:cluster is a blue/green pair: what its inactive side still holds (else undefined). */
async function inactiveSideOf(stack: StackFile, broker: BrokerAddress): Promise<InactiveSide | undefined> {
  const raw = stackCluster(stack);
  if (raw === undefined) return undefined;
  // Loaded only for a stack with a cluster (as validate loads the cluster's checks).
  const { validateCluster } = await import('../cluster/check-cluster.js');
  const { cluster, blueGreen } = validateCluster(stack.file, raw, false);
  if (!cluster || !blueGreen) return undefined;
  const { readInactiveSide } = await import('../cluster/read-inactive-side.js');
  return readInactiveSide(cluster, blueGreen, broker);
}
