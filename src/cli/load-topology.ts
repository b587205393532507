// Shared by every command that reads topology paths: expand them (a path that
// matches nothing is a usage error) and validate.
import { findFiles } from '../load/find-files.js';
import { validateTopology, type Overrides, type Validation } from '../validate-topology.js';
import { UsageError } from './usage-error.js';

export function loadTopology(paths: readonly string[], overrides?: Overrides): Validation & { files: string[] } {
  const { files, unmatched } = findFiles(paths);
  if (unmatched.length > 0) throw new UsageError(`no topology files at: ${unmatched.join(', ')}`);
  return { ...validateTopology(files, overrides), files };
}
