// Fixture-driven tests of the whole validation pipeline: every valid fixture
// and the example topology validate clean; every invalid fixture reports
// exactly the problems its comments expect, at their lines and columns.
import { mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALL_CODES } from '../src/diagnostics/codes.js';
import { findFiles } from '../src/load/find-files.js';
import { validateTopology } from '../src/validate-topology.js';
import { expectedProblems, fixtureFiles } from './support/expectations.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const covered = new Set<string>();

function problems(files: string[], root: string): string[] {
  return validateTopology(files)
    .diagnostics.map((d) => `${relative(root, d.file)}:${d.line}:${d.col}: ${d.severity} ${d.code}`)
    .sort();
}

describe('valid fixtures', () => {
  for (const name of readdirSync(join(FIXTURES, 'valid'))) {
    it(`${name} has no problems`, () => {
      const path = join(FIXTURES, 'valid', name);
      expect(problems(fixtureFiles(path), path)).toEqual([]);
    });
  }

  it('the example topology in topology/ has no problems', () => {
    const { files } = findFiles([join(import.meta.dirname, '..', 'topology')]);
    expect(files.length).toBeGreaterThan(1);
    expect(problems(files, '.')).toEqual([]);
  });
});

describe('invalid fixtures', () => {
  for (const name of readdirSync(join(FIXTURES, 'invalid'))) {
    it(`${name} reports exactly the expected problems`, () => {
      const path = join(FIXTURES, 'invalid', name);
      const root = name.endsWith('.yaml') ? join(FIXTURES, 'invalid') : path;
      const expected = expectedProblems(path, root);
      expect(expected.length).toBeGreaterThan(0);
      expect(problems(fixtureFiles(path), root)).toEqual(expected);
      for (const line of expected) covered.add(line.split(' ').pop()!);
    });
  }
});

describe('problems that need a generated file', () => {
  const saved = process.env.WARREN_MAX_FILE_BYTES;
  afterEach(() => {
    if (saved === undefined) delete process.env.WARREN_MAX_FILE_BYTES;
    else process.env.WARREN_MAX_FILE_BYTES = saved;
  });

  it('a file over the size limit is file-too-large, without being parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-'));
    writeFileSync(join(dir, 'big.yaml'), 'version: 1\n' + '#'.repeat(5000) + '\n');
    process.env.WARREN_MAX_FILE_BYTES = '1000';
    expect(problems([join(dir, 'big.yaml')], dir)).toEqual(['big.yaml:1:1: error file-too-large']);
    covered.add('file-too-large');
  });

  it('a dangling symlink found in a directory is file-unreadable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-'));
    writeFileSync(join(dir, 'a.yaml'), 'version: 1\n');
    symlinkSync(join(dir, 'gone.yaml'), join(dir, 'b.yaml'));
    const { files } = findFiles([dir]);
    expect(problems(files, dir)).toEqual(['b.yaml:1:1: error file-unreadable']);
    covered.add('file-unreadable');
  });
});

describe('coverage', () => {
  it('every diagnostic code is exercised with its position by some test above', () => {
    expect(ALL_CODES.filter((code) => !covered.has(code))).toEqual([]);
  });
});
