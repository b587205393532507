// findFiles: what a directory argument's walk and a glob find, under one
// policy (find-files.ts), tested on one tree. What the user names is followed
// (a directory that is a link, a glob's literal part); what is found inside is
// never entered through a link (a linked directory, a loop); every other entry
// found is listed, a FIFO or a dangling link included, so that reading it
// reports file-unreadable instead of the file vanishing; hidden entries are
// found only when named; a file reached by two names is read once.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFiles } from '../../src/load/find-files.js';
import { runCli } from '../support/run-cli.js';

const DIR = mkdtempSync(join(tmpdir(), 'warren-find-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const T = join(DIR, 't');
for (const d of ['a', '.hidden', 'sub/deep']) mkdirSync(join(T, d), { recursive: true });
for (const f of ['a.yaml', 'a/x.yaml', 'b.YML', '.dot.yaml', '.hidden/h.yaml', 'sub/deep/z.yml', 'notes.txt'])
  writeFileSync(join(T, f), 'version: 1\n');
mkdirSync(join(DIR, 'elsewhere'));
writeFileSync(join(DIR, 'elsewhere', 'e.yaml'), 'version: 1\n');
writeFileSync(join(DIR, 'outside.yaml'), 'version: 1\n');
execFileSync('mkfifo', [join(T, 'p.yaml')]);
symlinkSync(join(DIR, 'gone.yaml'), join(T, 'dangling.yaml'));
symlinkSync(join(T, 'a.yaml'), join(T, 'linked.yaml'));
symlinkSync(join(DIR, 'outside.yaml'), join(T, 'outside.yaml'));
symlinkSync(T, join(T, 'loop'));
symlinkSync(join(DIR, 'elsewhere'), join(T, 'linked-dir'));
// A link to a directory, named like a topology file: neither entered nor listed.
symlinkSync(join(DIR, 'elsewhere'), join(T, 'dir-link.yaml'));

/** Everything the walk of T finds, in its order. */
const WALKED = ['a/x.yaml', 'a.yaml', 'b.YML', 'dangling.yaml', 'outside.yaml', 'p.yaml', 'sub/deep/z.yml'];
const under = (root: string, names: string[]) => names.map((f) => join(root, f));
const found = (...paths: string[]) => findFiles(paths).files.map((f) => resolve(f));

describe('findFiles: one policy for the walk and for globs', () => {
  it('walks a directory: *.yaml and *.yml in any case, name by name; hidden entries, linked directories and loops skipped', () => {
    expect(findFiles([T])).toEqual({ files: under(T, WALKED), unmatched: [] });
  });

  it('a glob over the same tree finds the same files, in the same order', () => {
    expect(found(join(T, '**/*.{yaml,yml,YML}'))).toEqual(under(T, WALKED));
    // One level: the same entries as the walk's at that level.
    expect(found(join(T, '*.{yaml,YML}'))).toEqual(
      under(T, ['a.yaml', 'b.YML', 'dangling.yaml', 'outside.yaml', 'p.yaml']),
    );
  });

  it('a linked directory or a loop found inside is entered by neither (no file outside the tree, none twice)', () => {
    for (const glob of ['**/*.yaml', '*/*.yaml', '*/*/*.yaml', '**/e.yaml'].map((g) => join(T, g)))
      expect(found(glob).filter((f) => /\/(linked-dir|loop)\/|\/e\.yaml$/.test(f))).toEqual([]);
    expect(found(join(T, '*'))).not.toContain(join(T, 'dir-link.yaml'));
  });

  it('what the user names is followed: a directory that is a link, a glob whose literal part is one', () => {
    expect(found(join(T, 'linked-dir'))).toEqual([join(T, 'linked-dir', 'e.yaml')]);
    expect(found(join(T, 'linked-dir', '*.yaml'))).toEqual([join(T, 'linked-dir', 'e.yaml')]);
    expect(found(join(T, 'linked.yaml'))).toEqual([join(T, 'linked.yaml')]);
  });

  it('hidden entries are found when named, by a path or a glob segment that spells the dot', () => {
    expect(found(join(T, '.hidden'))).toEqual([join(T, '.hidden', 'h.yaml')]);
    expect(found(join(T, '.hidden', '*.yaml'))).toEqual([join(T, '.hidden', 'h.yaml')]);
    expect(found(join(T, '.*.yaml'))).toEqual([join(T, '.dot.yaml')]);
    expect(found(join(T, '*.yaml'))).not.toContain(join(T, '.dot.yaml'));
  });

  it('names each file once (whatever name reaches it), in the order the arguments first reach it, and returns what matched nothing', () => {
    expect(
      findFiles([
        join(T, 'b.YML'),
        join(T, 'linked.yaml'),
        T,
        join(T, 'a.yaml'),
        join(DIR, 'none.yaml'),
        join(DIR, 'no-*.yaml'),
      ]),
    ).toEqual({
      files: [
        join(T, 'b.YML'),
        join(T, 'linked.yaml'),
        ...under(T, ['a/x.yaml', 'dangling.yaml', 'outside.yaml', 'p.yaml', 'sub/deep/z.yml']),
      ],
      unmatched: [join(DIR, 'none.yaml'), join(DIR, 'no-*.yaml')],
    });
  });

  it('a glob whose literal part does not exist matches nothing', () => {
    expect(findFiles([join(DIR, 'no-such', '*.yaml')])).toEqual({
      files: [],
      unmatched: [join(DIR, 'no-such', '*.yaml')],
    });
  });

  it('a glob and the walk of the same tree give warren validate the same answer', () => {
    const answer = (path: string) => {
      const r = runCli(['validate', path, '--format', 'json']);
      return {
        code: r.code,
        problems: (JSON.parse(r.stdout) as { file: string; code: string }[]).map((p) => `${resolve(p.file)} ${p.code}`),
      };
    };
    const walked = answer(T);
    expect(walked.code).toBe(1);
    expect(walked.problems).toEqual([
      `${join(T, 'dangling.yaml')} file-unreadable`,
      `${join(T, 'p.yaml')} file-unreadable`,
    ]);
    expect(answer(join(T, '**/*.{yaml,yml,YML}'))).toEqual(walked);
  });

  it('TINYGLOBBY_DEBUG, a switch of the glob library, prints nothing into the output', () => {
    const r = runCli(['validate', join(T, 'a/*.yaml'), '--format', 'json'], { env: { TINYGLOBBY_DEBUG: '1' } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
  });
});
