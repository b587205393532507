// warren graph's three formats drawn by real renderers: Mermaid in headless
// Chromium (mermaid, as GitHub draws it), DOT by Graphviz's `dot` from
// Debian, and warren's own SVG (Graphviz in WebAssembly). Each must draw
// every node and edge of the diagram with the names as their text, for the
// example topology and for names made to break each format: a name never
// becomes syntax, markup or a script.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDiagram } from '../../src/graph/build-diagram.js';
import { renderDot } from '../../src/graph/render-dot.js';
import { renderMermaid } from '../../src/graph/render-mermaid.js';
import { loadTopology } from '../../src/load-topology.js';
import { drawDot, drawMermaid, svgNodes } from '../support/render-diagrams.js';
import { ROOT, runCli } from '../support/run-cli.js';

const HOSTILE = [
  '"]; evil["x',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '%%{init: {"theme":"dark"}}%%',
  'a\\Nb\\l"c',
  'end',
  'click n0 call alert()',
  '-->|x| n1',
  '#quot;#60;b#62;',
  '}; digraph x { y',
  ']]>&amp;',
];
const dir = mkdtempSync(join(tmpdir(), 'warren-graph-'));
const hostileFile = join(dir, 'hostile.yaml');
writeFileSync(
  hostileFile,
  `version: 1\nvhosts:\n  ${JSON.stringify(HOSTILE[0])}:\n    exchanges:\n${HOSTILE.map((n) => `      ${JSON.stringify(`x${n}`)}: { type: fanout }`).join('\n')}\n    queues:\n${HOSTILE.map((n) => `      ${JSON.stringify(n)}: {}`).join('\n')}\n    bindings:\n${HOSTILE.map((n) => `      - { from: ${JSON.stringify(`x${n}`)}, to: ${JSON.stringify(n)} }`).join('\n')}\n`,
);

function diagramOf(path: string) {
  const t = loadTopology({ paths: [path], plan: false });
  expect(t.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return buildDiagram(t.model);
}

/** A node's text as the renderers draw it: name, type, details, one per line. */
const texts = (d: ReturnType<typeof diagramOf>) =>
  d.nodes.map((n) => [n.name, ...(n.type ? [n.type] : []), ...(n.detail ?? [])].join('\n')).sort();

describe.each([
  ['the example topology', join(ROOT, 'topology')],
  ['hostile names', hostileFile],
])('warren graph, drawn by real renderers: %s', (_, path) => {
  const d = diagramOf(path);

  it('Mermaid in Chromium draws every node and edge, each name as its text', () => {
    const drawn = drawMermaid(renderMermaid(d), join(dir, `${path === hostileFile ? 'hostile' : 'example'}.png`));
    expect(drawn.error).toBeUndefined();
    expect(drawn.nodes).toBe(d.nodes.length);
    expect(drawn.edges).toBe(d.edges.length);
    expect(drawn.labels.sort()).toEqual(texts(d));
    // No name turned into an element or an attribute of the drawing.
    expect(drawn.svg).not.toMatch(/<(script|img|b)[\s>/]|<[^>]*\sonerror=/i);
  }, 180_000);

  it('DOT through Graphviz draws every node and edge, each name as its text', () => {
    const drawn = drawDot(renderDot(d));
    expect(drawn.nodes).toBe(d.nodes.length);
    expect(drawn.edges).toBe(d.edges.length);
    expect(drawn.labels.sort()).toEqual(texts(d));
    expect(drawn.svg).not.toMatch(/<(script|img|b)[\s>/]|<[^>]*\sonerror=/i);
  });

  it('warren graph --format svg draws the same', () => {
    const r = runCli(['graph', path, '--format', 'svg']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml[\s\S]*<\/svg>\n$/);
    const drawn = svgNodes(r.stdout);
    expect(drawn.nodes).toBe(d.nodes.length);
    expect(drawn.labels.sort()).toEqual(texts(d));
    expect(r.stdout).not.toMatch(/<(script|img|b)[\s>/]|<[^>]*\sonerror=/i);
  });
});
