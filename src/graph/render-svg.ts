// `warren graph --format svg`: the DOT of render-dot.ts laid out and drawn by
// Graphviz itself, compiled to WebAssembly (@viz-js/viz), in process: no
// system binary to install, the same layout everywhere. Graphviz writes
// every label as XML text, escaped: a name cannot become markup.
import { renderDot } from './render-dot.js';
import type { Diagram } from './diagram.js';

export async function renderSvg(d: Diagram): Promise<string> {
  // Loaded only here: the WebAssembly module is about 1.5 MB that no other command needs.
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  const svg = viz.renderString(renderDot(d), { format: 'svg', engine: 'dot' });
  return svg.endsWith('\n') ? svg : `${svg}\n`;
}
