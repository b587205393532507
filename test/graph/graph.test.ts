// warren graph's diagram, without a renderer: what it draws for the example
// topology (test/graph/graph-render.test.ts draws it with real renderers),
// the route it marks against `warren route`'s own answer, --focus, folding
// of large topologies, names that try to break each format, and credentials
// that never reach a diagram.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTopology } from '../../bench/generate-topology.js';
import { buildDiagram } from '../../src/graph/build-diagram.js';
import { type Diagram, nodeKey } from '../../src/graph/diagram.js';
import { quote, renderDot } from '../../src/graph/render-dot.js';
import { renderMermaid, text } from '../../src/graph/render-mermaid.js';
import { focusOn, foldAlike, markRoute } from '../../src/graph/shape-diagram.js';
import { loadTopology } from '../../src/load-topology.js';
import { RoutingIndex } from '../../src/route/route-message.js';
import { hostileName } from '../support/hostile-names.js';
import { ROOT, runCli } from '../support/run-cli.js';

const example = () => {
  const t = loadTopology({ paths: [`${ROOT}/topology`], plan: false });
  expect(t.valid).toBe(true);
  return t.model;
};
const edge = (d: Diagram, kind: string, from: string, to: string, vhost = 'shop') =>
  d.edges
    .filter(
      (e) =>
        (e.kind === kind && e.from === nodeKey(vhost, 'exchange', from)) ||
        (e.kind === kind && e.from === nodeKey(vhost, 'queue', from)),
    )
    .filter((e) => e.to === nodeKey(vhost, 'exchange', to) || e.to === nodeKey(vhost, 'queue', to));

describe('warren graph: the diagram', () => {
  it('draws every exchange and queue of the example, one cluster per vhost, with their bindings', () => {
    const model = example();
    const d = buildDiagram(model);
    for (const v of model.vhosts.values()) {
      for (const name of v.exchanges.keys())
        expect(d.nodes.some((n) => n.key === nodeKey(v.name, 'exchange', name))).toBe(true);
      for (const name of v.queues.keys())
        expect(d.nodes.some((n) => n.key === nodeKey(v.name, 'queue', name))).toBe(true);
    }
    expect(edge(d, 'binding', 'orders', 'all_orders').map((e) => e.label)).toEqual(['order.#']);
    expect(edge(d, 'binding', 'reports', 'pdf_reports').map((e) => e.label)).toEqual(['all: format=pdf, type=report']);
    expect(edge(d, 'alternate', 'orders', 'unrouted').map((e) => e.label)).toEqual(['alternate']);
    expect(edge(d, 'dead-letter', 'order_processor', 'dlx').map((e) => e.label)).toEqual([
      'dead letters: order_processor.dead',
    ]);
    expect(edge(d, 'dead-letter', 'tasks', 'work.retry', 'ops')).toHaveLength(1);
    const note = d.nodes.find((n) => n.kind === 'policy' && n.name === 'cap-length')!;
    expect(note.detail).toContain('applies to 11 objects');
    expect(d.edges.filter((e) => e.from === note.key)).toEqual([]);
  });

  it.each([
    ['orders', 'order.created.us'],
    ['orders', 'order.updated.eu'],
    ['orders', 'nothing'],
    ['notifications', ''],
  ])('marks the route of %s %s: the queues warren route reaches, and the bindings it takes', (exchange, key) => {
    const model = example();
    const route = new RoutingIndex(model.vhosts.get('shop')!).route(exchange, { key, headers: {} });
    const d = markRoute(buildDiagram(model, ['shop']), 'shop', route, 'route');
    const marked = d.nodes.filter((n) => n.kind === 'queue' && n.marks?.includes('route')).map((n) => n.name);
    expect(marked.sort()).toEqual(route.queues);
    const cli = runCli(['route', `${ROOT}/topology`, '--vhost', 'shop', '--exchange', exchange, '--key', key]);
    expect(cli.stdout.split('\n').filter(Boolean)).toEqual(marked.sort());
    // Every queue reached has a marked edge into it.
    for (const q of route.queues)
      expect(d.edges.some((e) => e.to === nodeKey('shop', 'queue', q) && e.marks?.includes('route'))).toBe(true);
    expect(d.edges.filter((e) => e.marks?.includes('route')).length).toBe(route.hops.length);
  });

  it('--focus keeps what lies within --hops edges, and says what it left out', () => {
    const d = buildDiagram(example());
    const one = focusOn(d, [nodeKey('shop', 'exchange', 'dlx')], 1, 'dlx');
    expect(one.nodes.map((n) => n.name).sort()).toEqual([
      'dlx',
      'email_notifications',
      'email_notifications_failed',
      'order_processor',
      'order_processor.dead',
    ]);
    expect(one.elided.join()).toMatch(/^\d+ objects more than 1 hop from dlx left out$/);
    expect(focusOn(d, [nodeKey('shop', 'exchange', 'dlx')], 2, 'dlx').nodes.length).toBeGreaterThan(5);
  });

  it('folds alike queues of a large topology and says so; a small one stays as it is', () => {
    const t = loadTopology({
      texts: [{ file: 'big.yaml', text: generateTopology({ vhosts: 2, queuesPerVhost: 400 }) }],
      plan: false,
    });
    expect(t.valid).toBe(true);
    const d = buildDiagram(t.model);
    expect(d.nodes.length).toBeGreaterThan(800);
    const folded = foldAlike(d, 150);
    expect(folded.nodes.length).toBeLessThan(d.nodes.length / 4);
    expect(folded.elided.some((e) => /^\d+ queues and exchanges .* folded into \d+ nodes$/.test(e))).toBe(true);
    const groups = folded.nodes.filter((n) => n.kind === 'group');
    const members = groups.reduce((sum, g) => sum + Number(g.name.split(' ')[0]), 0);
    expect(members + folded.nodes.length - groups.length).toBe(d.nodes.length);
    expect(foldAlike(buildDiagram(example()), 150).elided).toEqual(buildDiagram(example()).elided);
  });

  it('draws an upstream and a shovel end by host and vhost, never with credentials', () => {
    const yaml = `version: 1
vhosts:
  fed:
    exchanges:
      prices: { type: topic }
    queues:
      local: {}
    federationUpstreams:
      origin: { uri: { uri: "amqps://feduser@origin.example:5671/markets", password: { secret: FED_PW } } }
    policies:
      federate: { pattern: "^prices$", applyTo: exchanges, definition: { federation-upstream: origin } }
    shovels:
      move:
        source: { uri: "amqp:///fed", queue: local }
        destination: { uri: { uri: "amqps://mover@far.example/archive", password: { secret: SHOVEL_PW } }, exchange: archive }
      drain:
        source: { uri: "amqp://", queue: old }
        destination: { uri: "amqp:///fed", queue: local }
`;
    const t = loadTopology({ texts: [{ file: 'fed.yaml', text: yaml }], plan: false });
    expect(t.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    const d = buildDiagram(t.model);
    const upstream = d.nodes.find((n) => n.kind === 'upstream')!;
    expect(upstream.detail).toEqual(['amqps://origin.example:5671/markets']);
    expect(
      d.edges.some(
        (e) => e.kind === 'federation' && e.from === upstream.key && e.to === nodeKey('fed', 'exchange', 'prices'),
      ),
    ).toBe(true);
    const shovel = nodeKey('fed', 'shovel', 'move');
    expect(d.edges.some((e) => e.from === nodeKey('fed', 'queue', 'local') && e.to === shovel)).toBe(true);
    expect(d.nodes.filter((n) => n.kind === 'remote').map((n) => n.name)).toEqual([
      'amqps://far.example/archive · exchange archive',
      'this broker, vhost / · queue old',
    ]);
    expect(
      d.edges.some((e) => e.from === nodeKey('fed', 'shovel', 'drain') && e.to === nodeKey('fed', 'queue', 'local')),
    ).toBe(true);
    for (const out of [renderMermaid(d), renderDot(d)])
      for (const s of ['feduser', 'mover', 'FED_PW', 'SHOVEL_PW']) expect(out).not.toContain(s);
  });
});

describe('warren graph: hostile names stay text in every format', () => {
  const named = fc.array(
    hostileName.filter((n) => n.length > 0),
    { minLength: 1, maxLength: 4 },
  );

  it('Mermaid: each label is one quoted string of safe characters and entity codes', () => {
    fc.assert(
      fc.property(named, (names) => {
        const label = text(names.join('\n'));
        expect(label).toMatch(/^(?:[\p{L}\p{N} .,:/_*-]|#\d+;|<br\/>)*$/u);
        // Decoding the entity codes gives the names back.
        expect(label.replace(/<br\/>/g, '\n').replace(/#(\d+);/g, (_, c) => String.fromCodePoint(Number(c)))).toBe(
          names.join('\n'),
        );
      }),
    );
  });

  it('DOT: each name is one quoted string that reads back as the name', () => {
    fc.assert(
      fc.property(named, (names) => {
        for (const name of names) {
          const q = quote(name);
          expect(q).toMatch(/^"(?:[^"\\\n]|\\["\\n])*"$/);
          const back = q
            .slice(1, -1)
            .replace(/\\(["\\n])/g, (_, c) => (c === 'n' ? '\n' : c))
            .replace(/&amp;/g, '&');
          // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what quote replaces
          expect(back).toBe(name.replace(/\r\n|\r/g, '\n').replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '?'));
        }
      }),
    );
  });
});
