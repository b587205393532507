// `warren graph PATH... [--format mermaid|dot|svg|json] [--vhost V]
// [--focus NAME [--hops N]] [--exchange E [--key K] [--header k=v]...]`:
// a diagram of the topology. Mermaid renders in GitHub's Markdown and pull-
// request comments; DOT goes to Graphviz; SVG is drawn in process. With
// --exchange, the path `warren route` computes is marked. What the diagram
// leaves out or folds to stay readable is drawn as a note and said on stderr.
import { Option } from 'commander';
import { escapeText } from '../diagnostics/escape-text.js';
import { buildDiagram } from '../graph/build-diagram.js';
import type { Diagram } from '../graph/diagram.js';
import { renderDot } from '../graph/render-dot.js';
import { renderMermaid } from '../graph/render-mermaid.js';
import { renderSvg } from '../graph/render-svg.js';
import { focusOn, foldAlike, markRoute } from '../graph/shape-diagram.js';
import { loadTopology } from '../load-topology.js';
import { RoutingIndex } from '../route/route-message.js';
import { reportInvalid } from './print-diagnostics.js';
import { checkRoutingKey, parseHeaders, routeProblem } from './route-input.js';
import { EXIT, everyPathMatched, topologyPaths, UsageError } from './usage-error.js';
import { writeErr, writeOut } from './watch-output.js';
import { COMMON_ENV, type CommandSpec, PATHS_ARGUMENT, repeatable } from './command-spec.js';

export const GRAPH_FORMATS = ['mermaid', 'dot', 'svg', 'json'] as const;
type GraphFormat = (typeof GRAPH_FORMATS)[number];

export const graph: CommandSpec = {
  name: 'graph',
  description: 'a diagram of the topology (Mermaid, DOT or SVG); with --exchange, the path a message takes',
  usage:
    'warren graph PATH... [--format mermaid|dot|svg] [--vhost V] [--focus NAME] [--exchange E [--key K] [--header k=v]...]',
  configure: (c) =>
    c
      .argument(...PATHS_ARGUMENT)
      .addOption(
        new Option(
          '--format <format>',
          'mermaid (GitHub renders it), dot (Graphviz), svg, or json (the diagram as data)',
        )
          .choices(GRAPH_FORMATS)
          .default('mermaid'),
      )
      .option('--vhost <vhost>', 'only this vhost')
      .option('--focus <name>', 'only this exchange or queue and what lies within --hops edges of it')
      .option('--hops <n>', 'how far --focus reaches (default 2)', parseCount, 2)
      .option('--exchange <exchange>', 'mark the path of a message published to this exchange (in --vhost)')
      .option('--key <key>', 'its routing key', '')
      .addOption(
        repeatable(new Option('--header <name=value>', 'its headers (repeatable); values read as YAML scalars')),
      )
      .option(
        '--max-nodes <n>',
        'past this many nodes, fold alike queues and exchanges (default 150)',
        parseCount,
        150,
      ),
  examples: [
    ['warren graph topology/ > topology.mmd', 'Mermaid, for Markdown'],
    ['warren graph topology/ --format svg > topology.svg', 'a picture'],
    ['warren graph topology/ --vhost shop --focus orders --hops 1', 'one exchange and its neighbours'],
    ['warren graph topology/ --vhost shop --exchange orders --key order.created.us', 'a route, marked'],
  ],
  exits: [
    [0, 'drawn'],
    [
      1,
      'an invalid topology, an undeclared vhost, a --focus or --exchange that names nothing declared, an internal exchange',
    ],
    [
      2,
      'a --hops or --max-nodes that is not a whole number, a --header without =, --exchange in a topology of several vhosts without --vhost',
    ],
  ],
  env: COMMON_ENV,
  run: graphCommand,
};

function parseCount(value: string): number {
  if (!/^[0-9]{1,6}$/.test(value)) throw new UsageError(`expected a whole number, got \`${value}\``);
  return Number(value);
}

export interface GraphOptions {
  readonly format: GraphFormat;
  readonly vhost?: string;
  readonly focus?: string;
  readonly hops: number;
  readonly exchange?: string;
  readonly key: string;
  readonly header?: string[];
  readonly maxNodes: number;
}

export async function graphCommand(paths: string[], options: GraphOptions): Promise<number> {
  const headers = parseHeaders(options.header ?? []);
  checkRoutingKey(options.key);
  const { diagnostics, valid, model } = everyPathMatched(loadTopology({ ...topologyPaths(paths), plan: false }));
  if (!valid) {
    reportInvalid(diagnostics, options.format === 'json' ? 'json' : 'text');
    return EXIT.invalid;
  }
  if (options.vhost !== undefined && !model.vhosts.has(options.vhost))
    return refuse(`vhost \`${options.vhost}\` is not declared`);
  let diagram: Diagram = buildDiagram(model, options.vhost === undefined ? undefined : [options.vhost]);
  if (options.exchange !== undefined) {
    const vhost = options.vhost ?? (model.vhosts.size === 1 ? [...model.vhosts.keys()][0]! : undefined);
    if (vhost === undefined) throw new UsageError('--exchange needs --vhost: the topology has several vhosts');
    const problem = routeProblem(model, vhost, options.exchange);
    if (problem) return refuse(problem);
    const route = new RoutingIndex(model.vhosts.get(vhost)!).route(options.exchange, { key: options.key, headers });
    const title = `a message published to ${options.exchange === '' ? 'the default exchange' : options.exchange} in ${vhost} with key ${JSON.stringify(options.key)}: ${route.queues.length} queue${route.queues.length === 1 ? '' : 's'}`;
    diagram = markRoute(diagram, vhost, route, title);
  }
  if (options.focus !== undefined) {
    const keys = diagram.nodes
      .filter((n) => (n.kind === 'exchange' || n.kind === 'queue') && n.name === options.focus)
      .map((n) => n.key);
    if (keys.length === 0)
      return refuse(
        `no exchange or queue \`${options.focus}\` is declared${options.vhost === undefined ? '' : ` in vhost \`${options.vhost}\``}`,
      );
    diagram = focusOn(diagram, keys, options.hops, options.focus);
  }
  diagram = foldAlike(diagram, options.maxNodes);
  for (const line of diagram.elided) writeErr(`note: ${escapeText(line)}\n`);
  writeOut(await render(diagram, options.format));
  return EXIT.ok;
}

function refuse(problem: string): number {
  writeErr(`warren: ${escapeText(problem)}\n`);
  return EXIT.invalid;
}

async function render(d: Diagram, format: GraphFormat): Promise<string> {
  switch (format) {
    case 'dot':
      return renderDot(d);
    case 'svg':
      return renderSvg(d);
    case 'json':
      return `${JSON.stringify(d, null, 2)}\n`;
    default:
      return renderMermaid(d);
  }
}
