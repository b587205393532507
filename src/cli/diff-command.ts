// `warren diff BASE HEAD`: every change from one topology to the other, each
// classed safe, disruptive or data-losing, with the reason.
import { Option } from 'commander';
import { diffPlans } from '../diff/diff-plans.js';
import { formatDiff, type DiffFormat } from '../diff/format-diff.js';
import { compilePlan } from '../plan/compile-plan.js';
import { loadTopology } from './load-topology.js';
import { formatDiagnostics } from './print-diagnostics.js';
import { readStackOverrides } from './read-stack.js';
import { EXIT } from './usage-error.js';

export const diffFormat = () => new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text');

export function diffCommand(base: string, head: string, options: { format: DiffFormat; stack?: string }): number {
  const sides = [base, head].map((path) => loadTopology([path], readStackOverrides(options.stack)));
  const invalid = sides.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));
  if (invalid.length > 0) {
    process.stderr.write(formatDiagnostics(invalid, 'text'));
    return EXIT.invalid;
  }
  process.stdout.write(formatDiff(diffPlans(compilePlan(sides[0]!.model), compilePlan(sides[1]!.model)), options.format));
  return EXIT.ok;
}
