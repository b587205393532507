// Expands the paths a user gives (files, directories, globs) into the sorted
// list of topology files. Paths that match nothing are returned separately:
// the CLI treats them as a usage error (exit 2), not as a topology problem.
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import type * as Glob from 'tinyglobby';

const TOPOLOGY_FILE = /\.ya?ml$/i;

export interface FoundFiles {
  readonly files: string[];
  readonly unmatched: string[];
}

export function findFiles(paths: readonly string[]): FoundFiles {
  const files: string[] = [];
  const unmatched: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const found = expand(path);
    if (found.length === 0) unmatched.push(path);
    for (const file of found) {
      const key = resolve(file);
      if (!seen.has(key)) {
        seen.add(key);
        files.push(file);
      }
    }
  }
  return { files, unmatched };
}

function expand(path: string): string[] {
  const kind = statKind(path);
  if (kind === 'file') return [path];
  if (kind === 'dir') return walk(path);
  // tinyglobby is loaded only for patterns: plain paths are the common case.
  const glob = createRequire(import.meta.url)('tinyglobby') as typeof Glob;
  // A glob matches files and symbolic links only (tinyglobby never lists FIFOs or devices).
  if (glob.isDynamicPattern(path)) return glob.globSync(path, { onlyFiles: true, expandDirectories: false }).sort();
  return [];
}

function statKind(path: string): 'file' | 'dir' | undefined {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}

/**
 * Every *.yaml / *.yml below dir, sorted by path; hidden entries are skipped.
 * A directory that cannot be listed is returned itself: reading it then
 * reports why (`file-unreadable` at DIR:1:1) instead of its files vanishing.
 */
function walk(dir: string): string[] {
  const out: string[] = [];
  let listed: Dirent[];
  try {
    listed = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [dir];
  }
  const entries = listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(full));
    else if (TOPOLOGY_FILE.test(entry.name)) out.push(full);
  }
  return out;
}
