import { formatDiagnostics } from '../src/diagnostics/format-diagnostics.js';
import { loadTopology } from '../src/load-topology.js';
import type { Plan } from '../src/plan/plan-types.js';

/** The plan of a generated topology, through the pipeline every caller uses; a bench whose text is invalid stops here. */
export function planText(file: string, text: string): Plan {
  const loaded = loadTopology({ texts: [{ file, text }] });
  if (!loaded.plan)
    throw new Error(`the bench's topology is invalid:\n${formatDiagnostics(loaded.diagnostics, 'text')}`);
  return loaded.plan;
}
