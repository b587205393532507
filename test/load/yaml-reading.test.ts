// One reading of every YAML document (src/load/read-yaml.ts): what the
// fixtures cannot hold. Stack files get every guard a topology file gets, at
// FILE:LINE:COL, from `--stack` (a usage error, exit 2) and from the program
// (loadTopology with the stack file, as the Pulumi program calls it);
// positions stay exact and cheap on a one-line file of megabytes; aliases are
// bounded by what they add, not by how often an anchor is used.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findFiles } from '../../src/load/find-files.js';
import { SourceFile } from '../../src/load/source-file.js';
import { loadTopology } from '../../src/load-topology.js';
import { runCli } from '../support/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const topology = findFiles([join(ROOT, 'topology')]).files;
const dir = mkdtempSync(join(tmpdir(), 'warren-yaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** `line:col code` of each problem of one text read as a topology file. */
function problems(text: string): string[] {
  const path = file('t.yaml', text);
  return loadTopology({ paths: [path] }).diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`);
}

const OVERRIDES = 'config:\n  warren:overrides:\n    vhosts:\n      shop:\n';

// Each stack file is refused where the problem stands, as a topology file would be.
const STACKS: [string, string, string][] = [
  ['a duplicate key', `${OVERRIDES}        description: a\n        description: b\n`, '5:9: duplicate-key'],
  ['a merge key', `${OVERRIDES}        queues: &q { orders: {} }\n        <<: *q\n`, '6:9: yaml-unsupported'],
  ['a %YAML 1.1 directive', `%YAML 1.1\n---\n${OVERRIDES}        description: yes\n`, '1:1: yaml-unsupported'],
  ['a key read as a number', `${OVERRIDES}        queues:\n          0b11: {}\n`, '6:11: wrong-type'],
  [
    'an alias bomb',
    `${OVERRIDES}        a: &a [x, x, x, x, x, x, x, x, x, x]\n${['b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k, i) => `        ${k}: &${k} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]\n`).join('')}`,
    '6:16: yaml-alias-limit',
  ],
  ['a recursive alias', `${OVERRIDES}        queues: &q { orders: *q }\n`, '5:30: yaml-alias-limit'],
  ['nesting too deep', `config:\n  warren:overrides: ${'['.repeat(120)}${']'.repeat(120)}\n`, '2:119: yaml-syntax'],
];

describe('stack files get the guards topology files get', () => {
  it.each(STACKS)('--stack with %s is a usage error at its FILE:LINE:COL', (_what, text, where) => {
    const stack = file('Pulumi.guarded.yaml', text);
    const r = runCli(['validate', 'topology', '--stack', stack], { timeout: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^warren: cannot read stack file ${stack}:${where}: .*\\n$`));
  });

  it.each(STACKS)('the program reports a stack file with %s at its place', (_what, text, where) => {
    const stack = file('Pulumi.program.yaml', text);
    // As src/pulumi/index.ts calls it: the overrides Pulumi read, and the stack file for positions.
    const { diagnostics, valid } = loadTopology({ paths: topology, overrides: { file: stack, data: { vhosts: {} } } });
    expect(valid).toBe(false);
    expect(diagnostics.map((d) => `${d.line}:${d.col}: ${d.code}`)).toContain(where);
    expect(diagnostics.every((d) => d.file === stack)).toBe(true);
  });

  it('an empty stack file is a stack without config, and export still exits 2 on a refused one', () => {
    expect(runCli(['validate', 'topology', '--stack', file('Pulumi.empty.yaml', '')]).code).toBe(0);
    const stack = file('Pulumi.dup.yaml', `${OVERRIDES}        description: a\n        description: b\n`);
    expect(runCli(['export', 'topology', '--stack', stack]).code).toBe(2);
  });
});

describe('one reading of keys', () => {
  it('export does not name a queue after a key YAML reads as a number (0b11 is not queue 3)', () => {
    const path = file('binary.yaml', 'version: 1\nvhosts:\n  v:\n    queues:\n      0b11: {}\n');
    const r = runCli(['export', path]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('"3"');
    expect(r.stderr).toContain(`${path}:5:7: error wrong-type`);
  });
});

describe('what warren writes, it reads back as written', () => {
  it('warren import quotes names and values its reader would read as numbers or a merge key', () => {
    const strings = ['0b11', '-0x1F', '+0o17', '<<', '0o17', '1e400', '1_000', '~', 'true', '010'];
    const definitions = {
      vhosts: [{ name: 'v' }],
      queues: strings.map((name, i) => ({
        name,
        vhost: 'v',
        durable: true,
        auto_delete: false,
        arguments: { 'x-odd': strings[(i + 1) % strings.length] },
      })),
    };
    const input = file('odd.json', JSON.stringify(definitions));
    const imported = runCli(['import', input]);
    expect(imported.code).toBe(0);
    const topology = file('odd.yaml', imported.stdout);
    const exported = runCli(['export', topology]);
    expect(exported.code).toBe(0);
    const queues = (JSON.parse(exported.stdout) as typeof definitions).queues;
    expect(queues.map((q) => [q.name, q.arguments['x-odd']]).sort()).toEqual(
      definitions.queues.map((q) => [q.name, q.arguments['x-odd']]).sort(),
    );
  });
});

describe('positions', () => {
  it('a byte order mark is not a column, and lines after it are placed as without it', () => {
    const text = 'version: 1\nvhosts:\n  v:\n    queues:\n      q: { maxLength: -1 }\n';
    expect(problems(`\uFEFF${text}`)).toEqual(problems(text));
    expect(problems('\uFEFFversion: 2\n')).toEqual(['1:10 unsupported-version']);
  });

  it('a second document is refused where it begins, after a `...` end marker too', () => {
    expect(problems('version: 1\n...\n# next\n---\nversion: 1\n')).toEqual(['4:1 yaml-syntax']);
    expect(problems('version: 1\n--- # two\n')).toEqual(['2:1 yaml-syntax']);
  });

  it('a tag js-yaml does not know (binary, timestamp, set) is refused at the tag', () => {
    for (const tag of ['!!binary aGk=', '!!timestamp 2001-12-14', '!!set {a}', '!!omap [a: 1]'])
      expect(problems(`version: 1\ndescription: ${tag}\n`)).toEqual(['2:14 yaml-syntax']);
  });

  it('every node and key of a one-line document of megabytes is placed exactly, in linear time', () => {
    const queues = Array.from({ length: 25_000 }, (_, i) => ({ name: `q-${i}-😀`, vhost: 'v', arguments: {} }));
    const text = JSON.stringify({ queues });
    expect(text.length).toBeGreaterThan(1_000_000);
    const source = new SourceFile('defs.json', text);
    // Where each queue's `arguments` key stands, found by one pass over the text.
    const keys: number[] = [];
    for (let at = text.indexOf('"arguments"'); at >= 0; at = text.indexOf('"arguments"', at + 1)) keys.push(at);
    expect(keys).toHaveLength(queues.length);
    const started = performance.now();
    for (let i = 0; i < queues.length; i += 1) {
      const value = source.locate(`/queues/${i}/arguments`, 'value');
      const key = source.locate(`/queues/${i}/arguments`, 'key');
      // Columns count code points: each queue name up to this one holds an emoji of two UTF-16 units.
      expect(key).toEqual({ line: 1, col: keys[i]! - (i + 1) + 1 });
      expect(value).toEqual({ line: 1, col: keys[i]! + '"arguments":'.length - (i + 1) + 1 });
    }
    // Counting the line's characters again for each lookup took minutes at this size.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe('aliases', () => {
  it('an anchor used hundreds of times is no alias bomb: only what aliases add is bounded', () => {
    const queues = Array.from({ length: 500 }, (_, i) => `      q${i}: *settings\n`).join('');
    const text = `version: 1\nvhosts:\n  v:\n    queues:\n      q: &settings { maxLength: 10, messageTtl: 60s }\n${queues}`;
    expect(problems(text)).toEqual([]);
  });

  it('aliases that nest the data past 100 levels are refused at the alias that does', () => {
    const deep = (n: number, inner: string) => `${'['.repeat(n)}${inner}${']'.repeat(n)}`;
    const text = `version: 1\na: &a ${deep(60, 'x')}\nb: &b ${deep(30, '*a')}\nc: ${deep(30, '*b')}\n`;
    expect(problems(text)).toEqual(['4:34 yaml-alias-limit']);
  });
});
