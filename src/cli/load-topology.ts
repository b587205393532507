// Shared by every command that reads topology paths: expand them (a path that
// matches nothing is a usage error; `-` is standard input) and validate.
import { findFiles } from '../load/find-files.js';
import { readSource } from '../load/read-source.js';
import { readStdin, STDIN_FILE } from '../load/read-stdin.js';
import { validateTopology, type Deployment, type Overrides, type Validation } from '../validate-topology.js';
import { UsageError } from './usage-error.js';

export function loadTopology(
  paths: readonly string[],
  overrides?: Overrides,
  deployment?: Deployment,
): Validation & { files: string[] } {
  if (paths.includes('')) throw new UsageError('a PATH is empty');
  const { files, unmatched } = findFiles(paths.filter((p) => p !== '-'));
  if (unmatched.length > 0) throw new UsageError(`no topology files at: ${unmatched.join(', ')}`);
  // A file really named `<stdin>` must not be taken for standard input.
  const named = files.map((f) => (f === STDIN_FILE ? `./${f}` : f));
  const all = paths.includes('-') ? [STDIN_FILE, ...named] : named;
  const read = (f: string) => (f === STDIN_FILE ? readStdin() : readSource(f));
  return { ...validateTopology(all, overrides, read, deployment), files: all };
}
