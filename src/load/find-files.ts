// Expands the paths a user gives (files, directories, globs) into the sorted
// list of topology files. Paths that match nothing are returned separately:
// the CLI treats them as a usage error (exit 2), not as a topology problem.
//
// One policy for what a directory argument's walk and a glob find, because a
// glob and a directory naming the same tree must give the same topology:
// - what the user names is followed: a path, a directory, a glob's literal
//   part (`teams/*.yaml` where `teams` is a link) may be or pass through links;
// - what is found inside is never entered through a link: a link to a
//   directory (or a loop) is skipped, as a directory is never a file, so
//   nothing outside the named tree is read and no file is found twice;
// - every other entry found (a file, a link to one, a dangling link, a FIFO,
//   a device) is listed when it matches, and reading it then says what it is
//   (`file-unreadable`) instead of the entry vanishing;
// - entries whose name starts with `.` are never found by a walk or by a
//   wildcard (`*`, `**`); they are used when named (a path, or a glob segment
//   that spells the dot: `.shared/*.yaml`, `.*.yaml`);
// - a directory that cannot be listed is listed itself, for reading it to
//   report why (`file-unreadable` at DIR:1:1);
// - a file reached by two names (a link beside its target, two arguments) is
//   read once, under the first name in order.
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
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
      const key = identity(file);
      if (!seen.has(key)) {
        seen.add(key);
        files.push(file);
      }
    }
  }
  return { files, unmatched };
}

/** The file a path reaches (device and inode, through links); its absolute path when it reaches none. */
function identity(file: string): string {
  try {
    const s = statSync(file, { bigint: true });
    return `${s.dev}:${s.ino}`;
  } catch {
    return resolve(file);
  }
}

function expand(path: string): string[] {
  const kind = statKind(path);
  if (kind === 'file') return [path];
  if (kind === 'dir') return walk(path);
  // tinyglobby is loaded only for patterns: plain paths are the common case.
  const glob = createRequire(import.meta.url)('tinyglobby') as typeof Glob;
  if (!glob.isDynamicPattern(path)) return [];
  // The literal part is what the user named: the crawl starts there, so its links are followed like a path's.
  const { base, pattern } = splitGlob(path, glob.isDynamicPattern);
  const cwd = resolve(base);
  const unlistable: string[] = [];
  // The crawl's first directory is the literal part: one that cannot be listed matched nothing.
  let root = true;
  const found = glob.globSync(pattern, {
    cwd,
    onlyFiles: true,
    expandDirectories: false,
    dot: false,
    // Links are never resolved by the crawler: listEntries already says what each entry is.
    followSymbolicLinks: false,
    // tinyglobby would print its trace to stdout when TINYGLOBBY_DEBUG is set, inside `--format json`.
    debug: false,
    fs: {
      readdirSync: ((dir: string) => {
        const first = root;
        root = false;
        try {
          return listEntries(dir);
        } catch {
          if (!first) unlistable.push(relative(cwd, dir));
          return [];
        }
      }) as unknown as typeof readdirSync,
    },
  });
  return [...found, ...unlistable].sort(bySegments).map((f) => (base === '' ? f : join(base, f)));
}

/** `teams/*.yaml` → base `teams`, pattern `*.yaml`: the segments before the first with glob syntax, and the rest. */
function splitGlob(path: string, dynamic: (segment: string) => boolean): { base: string; pattern: string } {
  const segments = path.split('/');
  let i = 0;
  // Braces may hold a `/` (`{a/b,c}`), and an escape (`a\*b`) is the matcher's to read: such a segment is never literal.
  while (i < segments.length - 1 && !dynamic(segments[i]!) && !/[{}\\]/.test(segments[i]!)) i++;
  const base = segments.slice(0, i).join('/');
  return { base: base === '' && path.startsWith('/') ? '/' : base, pattern: segments.slice(i).join('/') };
}

/** The walk's order: name by name, so `a/x.yaml` comes before `a.yaml` as in a directory argument's walk. */
function bySegments(a: string, b: string): number {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return x.length - y.length;
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
  let listed: Entry[];
  try {
    listed = listEntries(dir);
  } catch {
    return [dir];
  }
  const entries = listed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) for (const file of walk(full)) out.push(file);
    else if (TOPOLOGY_FILE.test(entry.name)) out.push(full);
  }
  return out;
}

/** A directory entry as the walk and the glob crawler both see it. */
interface Entry {
  readonly name: string;
  isDirectory(): boolean;
  isFile(): boolean;
  isSymbolicLink(): boolean;
}

/**
 * A directory's entries, each either a directory (one itself: descended) or
 * a file to list (files, links to anything but a directory, dangling links,
 * FIFOs, devices, sockets). Links to directories are left out: never
 * entered, and not files. Throws when dir cannot be listed.
 */
function listEntries(dir: string): Entry[] {
  const out: Entry[] = [];
  for (const d of readdirSync(dir, { withFileTypes: true }) as Dirent[]) {
    if (d.isSymbolicLink() && linksToDirectory(join(dir, d.name))) continue;
    const directory = d.isDirectory();
    out.push({ name: d.name, isDirectory: () => directory, isFile: () => !directory, isSymbolicLink: () => false });
  }
  return out;
}

function linksToDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // dangling (or a loop of links): listed, and reading it says so
  }
}
