// Fixture-driven tests of the whole validation pipeline: every valid fixture
// and the example topology validate clean; every invalid fixture reports
// exactly the problems its comments expect, at their lines and columns.
import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import jsYaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { validateCluster } from '../src/cluster/check-cluster.js';
import { readStack, stackAdminUser } from '../src/cli/read-stack.js';
import { ALL_CODES } from '../src/diagnostics/codes.js';
import { importDefinitions } from '../src/import/import-definitions.js';
import { readDefinitions } from '../src/import/read-definitions.js';
import { findFiles } from '../src/load/find-files.js';
import { locateFindings } from '../src/load/locate-findings.js';
import { loadTopology } from '../src/load-topology.js';
import { EXAMPLE_UNLIMITED_QUORUM } from './support/example-topology.js';
import { expectedProblems, fixtureFiles } from './support/expectations.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const TOPOLOGY = join(import.meta.dirname, '..', 'topology');
const CLUSTER_INVALID = join(FIXTURES, 'cluster', 'invalid');
const IMPORT_INVALID = join(FIXTURES, 'import', 'invalid');
/** Stack files whose overrides hold problems; overrides.test.ts checks each against its expectations. */
const STACKS = join(FIXTURES, 'stacks');

/** The invalid topology fixtures: a file (positions relative to invalid/) or a directory of files. */
function invalidTopologies(): { name: string; path: string; root: string }[] {
  return readdirSync(join(FIXTURES, 'invalid')).map((name) => {
    const path = join(FIXTURES, 'invalid', name);
    return { name, path, root: name.endsWith('.yaml') ? join(FIXTURES, 'invalid') : path };
  });
}

/** The code of an expectation line ("file:line:col: severity code"). */
const codeOf = (line: string) => line.split(' ').pop()!;

function problems(files: string[], root: string): string[] {
  return loadTopology({ paths: files })
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
    const { files } = findFiles([TOPOLOGY]);
    expect(files.length).toBeGreaterThan(1);
    expect(problems(files, TOPOLOGY)).toEqual([]);
  });
});

describe('invalid fixtures', () => {
  for (const { name, path, root } of invalidTopologies()) {
    it(`${name} reports exactly the expected problems`, () => {
      const expected = expectedProblems(path, root);
      expect(expected.length).toBeGreaterThan(0);
      expect(problems(fixtureFiles(path), root)).toEqual(expected);
    });
  }
});

// Problems no fixture file can hold: each case makes its files in a fresh
// directory and names the one problem expected, at 1:1.
const GENERATED: { title: string; code: string; file: string; make: (dir: string) => string[] }[] = [
  {
    title: 'a file over the size limit is file-too-large, without being parsed',
    code: 'file-too-large',
    file: 'big.yaml',
    make: (dir) => {
      writeFileSync(join(dir, 'big.yaml'), `version: 1\n${'#'.repeat(5000)}\n`);
      process.env.WARREN_MAX_FILE_BYTES = '1000';
      return [join(dir, 'big.yaml')];
    },
  },
  {
    title: 'a dangling symlink found in a directory is file-unreadable',
    code: 'file-unreadable',
    file: 'b.yaml',
    make: (dir) => {
      writeFileSync(join(dir, 'a.yaml'), 'version: 1\n');
      symlinkSync(join(dir, 'gone.yaml'), join(dir, 'b.yaml'));
      return [dir];
    },
  },
];

describe('problems that need a generated file', () => {
  const saved = process.env.WARREN_MAX_FILE_BYTES;
  afterEach(() => {
    if (saved === undefined) delete process.env.WARREN_MAX_FILE_BYTES;
    else process.env.WARREN_MAX_FILE_BYTES = saved;
  });

  for (const { title, code, file, make } of GENERATED) {
    it(title, () => {
      const dir = mkdtempSync(join(tmpdir(), 'warren-'));
      expect(problems(make(dir), dir)).toEqual([`${file}:1:1: error ${code}`]);
    });
  }
});

describe('invalid cluster configs (stack files with warren:cluster)', () => {
  const dir = CLUSTER_INVALID;
  for (const name of readdirSync(dir)) {
    it(`${name} reports exactly the expected problems`, () => {
      const file = join(dir, name);
      const config = (
        jsYaml.load(readFileSync(file, 'utf8'), { schema: jsYaml.CORE_SCHEMA }) as { config: Record<string, unknown> }
      ).config;
      const expected = expectedProblems(file, dir);
      // The admin the stack brings, as `warren validate --stack` reads it; the example topology's quorum queues.
      const found = validateCluster(
        file,
        config['warren:cluster'],
        true,
        stackAdminUser(readStack(file)),
        EXAMPLE_UNLIMITED_QUORUM,
      ).diagnostics.map((d) => `${relative(dir, d.file)}:${d.line}:${d.col}: ${d.severity} ${d.code}`);
      expect(found.sort()).toEqual(expected);
    });
  }
});

describe('invalid definitions exports (warren import)', () => {
  const dir = IMPORT_INVALID;
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
    });
  }
});

/**
 * The drift kinds whose position test/drift/compare-broker.test.ts asserts (its rows `[kind, type, name, line,
 * col]`), as codes.
 */
const DRIFT_CODED = [
  ...readFileSync(join(import.meta.dirname, 'drift', 'compare-broker.test.ts'), 'utf8').matchAll(
    /\['(missing|changed|unmanaged|overridden)', '[a-z-]+', '[^']*', \d+, \d+\]/g,
  ),
].map((m) => `drift-${m[1]}`);

describe('coverage', () => {
  // Computed here from the same expectations the tests above check (the
  // comments in the fixtures, the generated cases), not from what those tests
  // recorded while running: it passes or fails alone, in any order.
  it('every diagnostic code is exercised with its position by some test above (or in overrides.test.ts)', () => {
    const covered = new Set([
      ...invalidTopologies().flatMap(({ path, root }) => expectedProblems(path, root).map(codeOf)),
      ...GENERATED.map(({ code }) => code),
      ...readdirSync(CLUSTER_INVALID).flatMap((name) =>
        expectedProblems(join(CLUSTER_INVALID, name), CLUSTER_INVALID).map(codeOf),
      ),
      ...readdirSync(IMPORT_INVALID).flatMap((name) =>
        expectedProblems(join(IMPORT_INVALID, name), IMPORT_INVALID).map(codeOf),
      ),
      ...readdirSync(STACKS).flatMap((name) => expectedProblems(join(STACKS, name), STACKS).map(codeOf)),
      // warren drift's: about a broker, not a file's problem; test/drift/compare-broker.test.ts asserts each kind
      // at its position (line and column), DRIFT_CODED below keeps the two lists in step.
      ...DRIFT_CODED,
    ]);
    expect(ALL_CODES.filter((code) => !covered.has(code))).toEqual([]);
  });
});
