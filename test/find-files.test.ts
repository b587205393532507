// findFiles: how a directory argument is walked, and what a glob matches. The
// walk is written by hand (not tinyglobby, which globs use) for what these
// tests pin: a FIFO or a dangling link found in a directory is listed, so that
// reading it reports file-unreadable instead of the file vanishing; a linked
// directory is not followed, so a link loop lists nothing twice; the order is
// each directory's names sorted, depth first.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFiles } from '../src/load/find-files.js';

const DIR = mkdtempSync(join(tmpdir(), 'warren-find-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const T = join(DIR, 't');
for (const d of ['a', '.hidden', 'sub/deep']) mkdirSync(join(T, d), { recursive: true });
for (const f of ['a.yaml', 'a/x.yaml', 'b.YML', '.dot.yaml', '.hidden/h.yaml', 'sub/deep/z.yml', 'notes.txt'])
  writeFileSync(join(T, f), 'version: 1\n');
mkdirSync(join(DIR, 'elsewhere'));
writeFileSync(join(DIR, 'elsewhere', 'e.yaml'), 'version: 1\n');
execFileSync('mkfifo', [join(T, 'p.yaml')]);
symlinkSync(join(DIR, 'gone.yaml'), join(T, 'dangling.yaml'));
symlinkSync(join(T, 'a.yaml'), join(T, 'linked.yaml'));
symlinkSync(T, join(T, 'loop'));
symlinkSync(join(DIR, 'elsewhere'), join(T, 'linked-dir'));

describe('findFiles', () => {
  it('walks a directory: *.yaml and *.yml in any case, sorted name by name, hidden entries and linked directories skipped', () => {
    expect(findFiles([T])).toEqual({
      files: ['a/x.yaml', 'a.yaml', 'b.YML', 'dangling.yaml', 'linked.yaml', 'p.yaml', 'sub/deep/z.yml'].map((f) =>
        join(T, f),
      ),
      unmatched: [],
    });
  });

  it('names each file once, in the order the arguments first reach it, and returns what matched nothing', () => {
    expect(findFiles([join(T, 'b.YML'), T, join(T, 'a.yaml'), join(DIR, 'none.yaml'), join(DIR, 'no-*.yaml')])).toEqual(
      {
        files: [
          join(T, 'b.YML'),
          ...['a/x.yaml', 'a.yaml', 'dangling.yaml', 'linked.yaml', 'p.yaml', 'sub/deep/z.yml'].map((f) => join(T, f)),
        ],
        unmatched: [join(DIR, 'none.yaml'), join(DIR, 'no-*.yaml')],
      },
    );
  });

  it('globs match files and links to files only, sorted (never a FIFO or a dangling link)', () => {
    expect(findFiles([join(T, '*.yaml')]).files.map((f) => resolve(f))).toEqual([
      join(T, 'a.yaml'),
      join(T, 'linked.yaml'),
    ]);
  });
});
