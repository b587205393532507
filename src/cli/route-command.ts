// `warren route PATH... --vhost V --exchange E [--key K] [--header k=v]...`:
// the queues a message published there would reach, by RabbitMQ's routing
// rules. Header values are read as YAML scalars (3 is a number, true a
// boolean, "3" a string) by the reader topology files are read with, so that a
// value on the command line means what it means in a binding's `headers`,
// because the broker compares them with their types.
import { findExits } from '../route/find-exits.js';
import { RoutingIndex } from '../route/route-message.js';
import { loadTopology } from '../load-topology.js';
import { escapeText } from '../diagnostics/escape-text.js';
import type { Format } from '../diagnostics/format-diagnostics.js';
import { reportInvalid } from './print-diagnostics.js';
import { checkRoutingKey, parseHeaders, routeProblem } from './route-input.js';
import { EXIT, everyPathMatched, topologyPaths } from './usage-error.js';
import { writeErr, writeOut } from './watch-output.js';
import { Option } from 'commander';
import { COMMON_ENV, type CommandSpec, formatOption, PATHS_ARGUMENT, repeatable } from './command-spec.js';

export const route: CommandSpec = {
  name: 'route',
  description: 'the queues a message published to an exchange would reach',
  usage: 'warren route PATH... --vhost V --exchange E [--key K] [--header k=v]...',
  configure: (c) =>
    c
      .argument(...PATHS_ARGUMENT)
      .requiredOption('--vhost <vhost>', 'virtual host')
      .requiredOption('--exchange <exchange>', 'exchange to publish to ("" for the default exchange)')
      .option('--key <key>', 'routing key', '')
      .addOption(
        repeatable(new Option('--header <name=value>', 'message header (repeatable); values read as YAML scalars')),
      )
      .addOption(formatOption()),
  examples: [
    ['warren route topology/ --vhost shop --exchange orders --key order.created.us', 'the queues reached'],
    ['warren route topology/ --vhost shop --exchange reports --header format=pdf --format json', '{ "queues": [...] }'],
  ],
  exits: [
    [0, 'routed (the list may be empty)'],
    [1, 'an invalid topology, an undeclared vhost or exchange, an internal exchange'],
    [2, 'no --vhost or --exchange, a --header without ='],
  ],
  env: COMMON_ENV,
  run: routeCommand,
};

export interface RouteOptions {
  readonly vhost: string;
  readonly exchange: string;
  readonly key?: string;
  readonly header?: string[];
  readonly format: Format;
}

export function routeCommand(paths: string[], options: RouteOptions): number {
  const headers = parseHeaders(options.header ?? []);
  checkRoutingKey(options.key);
  const { diagnostics, valid, model } = everyPathMatched(loadTopology({ ...topologyPaths(paths), plan: false }));
  if (!valid) {
    reportInvalid(diagnostics, options.format);
    return EXIT.invalid;
  }
  const vhost = model.vhosts.get(options.vhost);
  const problem = routeProblem(model, options.vhost, options.exchange);
  if (problem || !vhost) {
    // Not a problem in a file: JSON gets it as `error`, next to the (empty) problems.
    if (options.format === 'json') writeOut(`${JSON.stringify({ problems: [], error: problem }, null, 2)}\n`);
    writeErr(`warren: ${escapeText(problem ?? '')}\n`);
    return EXIT.invalid;
  }
  const message = { key: options.key ?? '', headers };
  const result = new RoutingIndex(vhost).route(options.exchange, message);
  const exits = findExits(model, vhost, message, result);
  if (options.format === 'json') {
    const json = {
      queues: result.queues,
      exchanges: result.exchanges,
      uncertain: result.uncertain,
      unknown: result.unknown,
      exits,
    };
    writeOut(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    for (const e of exits) {
      const reached = e.queues
        ? `, reaching ${e.queues.length > 0 ? e.queues.join(', ') : 'no queue'} in vhost ${e.vhost}`
        : '';
      const maybe = e.unknown !== undefined ? ` (possibly: ${e.unknown})` : '';
      writeErr(
        `${escapeText(`exit: ${e.from} leaves through ${e.via} ${e.name} (declared in vhost ${e.declaredIn}) to ${e.to}${reached}${maybe}`)}\n`,
      );
    }
    writeOut(result.queues.map((q) => `${escapeText(q)}\n`).join(''));
    const picking = result.uncertain.filter((x) => !result.unknown.some((u) => u.exchange === x));
    if (picking.length > 0)
      writeErr(
        `note: ${escapeText(picking.join(', '))} pick(s) one destination the topology cannot tell; all candidates are listed\n`,
      );
    for (const u of result.unknown)
      writeErr(
        `note: ${escapeText(`the alternate exchange of ${u.exchange} is unknown (${u.why}); the queues every candidate reaches are listed`)}\n`,
      );
  }
  return EXIT.ok;
}
