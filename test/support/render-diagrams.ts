// Real renderers for the diagram tests: Graphviz from Debian (`dot`) for DOT,
// and Mermaid (the npm package GitHub's renderer is built on) in headless
// Chromium from Debian. Each returns what was drawn, read back from the
// renderer's own output: node and edge counts, and the text of each label.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './run-cli.js';

export interface Drawn {
  readonly nodes: number;
  readonly edges: number;
  /** The text drawn in each node, lines joined with \n. */
  readonly labels: string[];
  /** The SVG drawn (Graphviz's, or Mermaid's from the page). */
  readonly svg: string;
}

/** XML text as read: the five predefined entities and numeric references. */
export function xmlText(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** DOT through Graphviz's `dot`: its JSON for the graph's shape, its SVG for the text it draws. */
export function drawDot(dot: string): Drawn {
  const json = spawnSync('dot', ['-Tjson'], { input: dot, encoding: 'utf8' });
  if (json.status !== 0) throw new Error(`dot -Tjson failed: ${json.stderr}`);
  const graph = JSON.parse(json.stdout) as { objects?: { name: string; nodes?: unknown }[]; edges?: unknown[] };
  const svg = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  if (svg.status !== 0) throw new Error(`dot -Tsvg failed: ${svg.stderr}`);
  return { ...svgNodes(svg.stdout), edges: graph.edges?.length ?? 0, svg: svg.stdout };
}

/** The nodes of a Graphviz SVG (warren's --format svg, or dot's): their count and the lines of text in each. */
export function svgNodes(svg: string): { nodes: number; labels: string[] } {
  const nodes = [...svg.matchAll(/<g id="node\d+" class="node">([\s\S]*?)<\/g>/g)];
  const labels = nodes.map((m) =>
    [...m[1]!.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => xmlText(t[1]!)).join('\n'),
  );
  return { nodes: nodes.length, labels };
}

/** Mermaid source drawn by mermaid.min.js in headless Chromium; `png`, when given, gets a screenshot. */
export function drawMermaid(source: string, png?: string): Drawn & { readonly error?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'warren-mermaid-'));
  copyFileSync(join(ROOT, 'node_modules', 'mermaid', 'dist', 'mermaid.min.js'), join(dir, 'mermaid.min.js'));
  // The page must say UTF-8: mermaid.min.js holds non-ASCII characters it decodes entity codes with.
  const page = `<!doctype html><html><head><meta charset="utf-8"></head><body><div id="out"></div>
<script src="mermaid.min.js"></script>
<script>
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
mermaid.render('diagram', ${JSON.stringify(source).replace(/</g, '\\u003c')})
  .then((r) => { document.getElementById('out').innerHTML = r.svg; document.body.dataset.done = '1'; })
  .catch((e) => { document.body.dataset.error = String(e && e.message || e); });
</script></body></html>`;
  writeFileSync(join(dir, 'page.html'), page);
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--allow-file-access-from-files',
    '--virtual-time-budget=20000',
    `--user-data-dir=${join(dir, 'profile')}`,
  ];
  const url = `file://${join(dir, 'page.html')}`;
  const run = spawnSync('chromium', [...args, '--dump-dom', url], { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`chromium failed: ${run.stderr}`);
  if (png)
    spawnSync('chromium', [...args, '--window-size=1800,2400', `--screenshot=${png}`, url], { timeout: 120_000 });
  const dom = run.stdout;
  const error = /data-error="([^"]*)"/.exec(dom)?.[1];
  if (!/data-done="1"/.test(dom)) return { nodes: 0, edges: 0, labels: [], svg: '', error: error ?? 'not drawn' };
  const svg = dom.slice(dom.indexOf('<div id="out">'), dom.lastIndexOf('</svg>') + 6);
  const nodes = [...svg.matchAll(/<g class="node [^"]*"[^>]*>([\s\S]*?)<\/foreignObject>/g)];
  const labels = nodes.map((m) => xmlText(m[1]!.replace(/<br\s*\/?>/g, '\n').replace(/<[^>]+>/g, '')));
  return { nodes: nodes.length, edges: (svg.match(/data-edge="true"/g) ?? []).length, labels, svg };
}
