// `warren drift PATH... --broker URL [--stack FILE]`: what a live broker
// holds otherwise than the topology of an environment. Read-only (three GET
// requests, drift/read-broker.ts) and without Pulumi state, so it is cheap to
// run on a schedule. Exit 4 when there is drift, 0 when there is none; what
// the broker does not say is listed as unknown, never taken for no drift.
import { Option } from 'commander';
import { formatDiagnostics } from '../diagnostics/format-diagnostics.js';
import { formatGithub } from '../diagnostics/format-github.js';
import { formatSarif } from '../diagnostics/format-sarif.js';
import { escapeText } from '../diagnostics/escape-text.js';
import { compareBroker, DRIFT_KINDS, type DriftKind } from '../drift/compare-broker.js';
import { objectsOf } from '../drift/broker-objects.js';
import { declaredObjects } from '../drift/declared-objects.js';
import { readBroker } from '../drift/read-broker.js';
import { driftDiagnostics, driftJson, placeDrift } from '../drift/report-drift.js';
import { loadTopology } from '../load-topology.js';
import { packageVersion } from '../package-root.js';
import { allowsId } from '../plan/queue-migrations.js';
import { colourFor } from './decide-colour.js';
import { reportInvalid } from './print-diagnostics.js';
import { readStackOverrides } from './read-stack.js';
import { checkBrokerOption, EXIT, everyPathMatched, topologyPaths, UsageError } from './usage-error.js';
import { writeErr, writeOut } from './watch-output.js';
import {
  BROKER_ENV,
  type CiFormat,
  ciFormatOption,
  COMMON_ENV,
  type CommandSpec,
  PATHS_ARGUMENT,
  repeatable,
} from './command-spec.js';

export const drift: CommandSpec = {
  name: 'drift',
  description: 'compares a live broker with the topology, read-only: missing, changed, unmanaged, overridden objects',
  usage: 'warren drift PATH... --broker URL [--stack FILE]',
  configure: (c) =>
    c
      .argument(...PATHS_ARGUMENT)
      .requiredOption(
        '--broker <url>',
        'management API URL (e.g. http://localhost:15672), read with GET requests only; user from the URL or WARREN_BROKER_USER, password WARREN_BROKER_PASSWORD',
      )
      .option('--stack <file>', "apply a Pulumi stack file's warren:overrides (the environment's topology)")
      .addOption(
        new Option(
          '--scope <scope>',
          'unmanaged objects of the vhosts the topology declares, or of the whole broker (undeclared vhosts and users too)',
        )
          .choices(['topology', 'broker'])
          .default('topology'),
      )
      .addOption(
        repeatable(
          new Option('--kind <kind>', 'report only this kind of drift (repeatable)').choices(DRIFT_KINDS),
          checkKind,
        ),
      )
      .addOption(
        repeatable(
          new Option(
            '--ignore <id>',
            'leave out objects with this id (VHOST/TYPE/NAME, vhost/NAME, user/NAME; * for any characters; repeatable)',
          ),
        ),
      )
      .addOption(ciFormatOption()),
  examples: [
    ['warren drift topology/ --broker https://rabbit.prod:15671 --stack Pulumi.prod.yaml', 'one environment'],
    ['warren drift topology/ --broker http://localhost:15672 --kind unmanaged', 'what nobody declared'],
    ["warren drift topology/ --broker http://localhost:15672 --ignore 'shop/queue/tmp-*'", 'leave some out'],
    ['warren drift topology/ --broker http://localhost:15672 --format json', '{ "drift": [...] }'],
  ],
  exits: [
    [0, 'no drift (objects whose policy the broker has not reported yet are listed as unknown, on stderr)'],
    [1, 'an invalid topology, a broker that cannot be read or whose answer is not the management API’s'],
    [
      2,
      'no --broker, a --broker that is not an http(s) URL or whose TLS files cannot be read, a --stack file that cannot be read',
    ],
    [4, 'drift found (after --kind and --ignore)'],
  ],
  env: [...COMMON_ENV, ...BROKER_ENV],
  run: driftCommand,
};

function checkKind(value: string): DriftKind {
  if (!(DRIFT_KINDS as readonly string[]).includes(value))
    throw new UsageError(`--kind: allowed choices are ${DRIFT_KINDS.join(', ')}`);
  return value as DriftKind;
}

export interface DriftOptions {
  readonly broker: string;
  readonly stack?: string;
  readonly scope: 'topology' | 'broker';
  readonly kind?: DriftKind[];
  readonly ignore?: string[];
  readonly format: CiFormat;
}

export async function driftCommand(paths: string[], options: DriftOptions): Promise<number> {
  const broker = checkBrokerOption(options.broker)!;
  const overrides = readStackOverrides(options.stack);
  const topology = everyPathMatched(loadTopology({ ...topologyPaths(paths), ...(overrides ? { overrides } : {}) }));
  if (!topology.plan) {
    reportInvalid(topology.diagnostics, options.format === 'json' ? 'json' : 'text');
    return EXIT.invalid;
  }
  const live = await readBroker(broker);
  if ('error' in live) {
    writeErr(`warren: the broker cannot be read: ${escapeText(live.error)}\n`);
    return EXIT.invalid;
  }
  const declared = declaredObjects(topology.plan);
  const found = compareBroker({
    declared: declared.objects,
    uncompared: declared.uncompared,
    live: objectsOf(live.definitions, live.vhosts),
    queues: live.queues,
    scope: options.scope,
    reader: broker.user,
  });
  const kinds = options.kind ?? [];
  const ignore = options.ignore ?? [];
  const reported = found.drift.filter((d) => (kinds.length === 0 || kinds.includes(d.kind)) && !allowsId(ignore, d.id));
  const placed = placeDrift(reported, topology.model, topology.sources);
  const unknown = found.unknown.filter((u) => !allowsId(ignore, u.id));
  writeOut(render(placed, unknown, found.notReported, options.format));
  if (options.format !== 'json' && options.format !== 'sarif') {
    for (const u of unknown) writeErr(`warren: unknown: queue ${escapeText(u.id)}: ${escapeText(u.why)}\n`);
    for (const n of found.notReported) writeErr(`warren: not reported: ${escapeText(n.id)}: ${escapeText(n.why)}\n`);
    writeErr(
      `${summary(
        placed.map((d) => d.kind),
        unknown.length,
      )}\n`,
    );
  }
  return placed.length > 0 ? EXIT.drift : EXIT.ok;
}

function render(
  placed: Parameters<typeof driftDiagnostics>[0],
  unknown: Parameters<typeof driftJson>[1],
  notReported: Parameters<typeof driftJson>[2],
  format: CiFormat,
): string {
  switch (format) {
    case 'json':
      return driftJson(placed, unknown, notReported);
    case 'github':
      return formatGithub(driftDiagnostics(placed), process.cwd());
    case 'sarif':
      return formatSarif(driftDiagnostics(placed), { version: packageVersion(), cwd: process.cwd() });
    default:
      return formatDiagnostics(driftDiagnostics(placed), 'text', { colour: colourFor('stdout') });
  }
}

function summary(kinds: readonly DriftKind[], unknown: number): string {
  const unknownText = unknown > 0 ? `; ${unknown} unknown` : '';
  if (kinds.length === 0) return `no drift${unknownText}`;
  const counts = DRIFT_KINDS.map((k) => [k, kinds.filter((x) => x === k).length] as const).filter(([, n]) => n > 0);
  return `drift: ${counts.map(([k, n]) => `${n} ${k}`).join(', ')}${unknownText}`;
}
