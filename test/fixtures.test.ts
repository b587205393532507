// Fixture-driven tests of the whole validation pipeline: every valid fixture
// and the example topology validate clean; every invalid fixture reports
// exactly the problems its comments expect, at their lines and columns.
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import jsYaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { validateCluster } from '../src/cluster/check-cluster.js';
import { ALL_CODES } from '../src/diagnostics/codes.js';
import { importDefinitions } from '../src/import/import-definitions.js';
import { readDefinitions } from '../src/import/read-definitions.js';
import { findFiles } from '../src/load/find-files.js';
import { locateFindings } from '../src/load/locate-findings.js';
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
    writeFileSync(join(dir, 'big.yaml'), `version: 1\n${'#'.repeat(5000)}\n`);
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

describe('invalid cluster configs (stack files with warren:cluster)', () => {
  const dir = join(FIXTURES, 'cluster', 'invalid');
  for (const name of readdirSync(dir)) {
    it(`${name} reports exactly the expected problems`, () => {
      const file = join(dir, name);
      const config = (
        jsYaml.load(readFileSync(file, 'utf8'), { schema: jsYaml.CORE_SCHEMA }) as { config: Record<string, unknown> }
      ).config;
      const expected = expectedProblems(file, dir);
      const found = validateCluster(file, config['warren:cluster'], true).diagnostics.map(
        (d) => `${relative(dir, d.file)}:${d.line}:${d.col}: ${d.severity} ${d.code}`,
      );
      expect(found.sort()).toEqual(expected);
      for (const line of expected) covered.add(line.split(' ').pop()!);
    });
  }
});

describe('invalid definitions exports (warren import)', () => {
  const dir = join(FIXTURES, 'import', 'invalid');
  for (const name of readdirSync(dir)) {
    it(`${name} reports exactly the expected problems`, () => {
      const file = join(dir, name);
      const read = readDefinitions(file);
      const imported = read.definitions ? importDefinitions(file, read.definitions).findings : [];
      const found = locateFindings([...read.findings, ...imported], new Map(read.source ? [[file, read.source]] : []));
      const expected = expectedProblems(file, dir);
      expect(expected.length).toBeGreaterThan(0);
      expect(found.map((d) => `${relative(dir, d.file)}:${d.line}:${d.col}: ${d.severity} ${d.code}`).sort()).toEqual(
        expected,
      );
      for (const line of expected) covered.add(line.split(' ').pop()!);
    });
  }
});

describe('coverage', () => {
  it('every diagnostic code is exercised with its position by some test above', () => {
    expect(ALL_CODES.filter((code) => !covered.has(code))).toEqual([]);
  });
});
