// `warren validate --format github` (GitHub Actions workflow commands) and
// `--format sarif` (SARIF 2.1.0): the positions the fixtures' caret comments
// expect, the escaping GitHub's toolkit does, the SARIF fields tools read,
// and the same exit code as the contract's formats.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES } from '../../src/diagnostics/codes.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { formatGithub } from '../../src/diagnostics/format-github.js';
import { expectedProblems } from '../support/expectations.js';
import { ROOT, runCli } from '../support/run-cli.js';

const FIXTURE = 'test/fixtures/invalid/references.yaml';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A topology whose unknown queue is named `50%`, a newline, `of:all,q` (YAML's "\n"). */
const ODD_NAME =
  'version: 1\nvhosts:\n  v:\n    exchanges:\n      x: { delayedType: topic }\n    bindings:\n      - { from: x, to: "50%\\nof:all,q" }\n';

describe('warren validate --format github', () => {
  it('prints one workflow command per problem, at the positions the fixture expects', () => {
    const r = runCli(['validate', FIXTURE, '--format', 'github']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      '::error file=test/fixtures/invalid/references.yaml,line=5,col=49,title=unknown-exchange::alternate exchange `nowhere` is not declared in vhost `shop`',
    );
    const at = lines.map((l) => {
      const m = /^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([a-z-]+)::\S/.exec(l);
      expect(m, l).not.toBeNull();
      return `${m![2]}:${m![3]}:${m![4]}: ${m![1]} ${m![5]}`;
    });
    expect(at.sort()).toEqual(expectedProblems(join(ROOT, FIXTURE), ROOT));
  });

  it('escapes % and line breaks in messages, and , and : in the file name, as GitHub reads them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-github-'));
    writeFileSync(join(dir, 'a,b:c.yaml'), ODD_NAME);
    const r = runCli(['validate', 'a,b:c.yaml', '--format', 'github'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      '::warning file=a%2Cb%3Ac.yaml,line=5,col=12,title=delayed-type-unexpected::`delayedType` has no effect on a direct exchange\n' +
        '::error file=a%2Cb%3Ac.yaml,line=7,col=24,title=unknown-queue::queue `50%25%0Aof:all,q` is not declared in vhost `v`\n',
    );
    // Standard input, and a valid topology: no line at all.
    expect(runCli(['validate', '-', '--format', 'github'], { input: ODD_NAME }).stdout).toMatch(
      /^::warning file=<stdin>,/,
    );
    expect(runCli(['validate', 'topology', '--format', 'github'])).toMatchObject({ code: 0, stdout: '' });
  });

  it('escapes CR, and control characters other than line breaks as text output does (ESC would drive the log)', () => {
    const d: Diagnostic = {
      severity: 'error',
      code: 'unknown-queue',
      message: 'a\r\nb\u001b[31m%',
      file: 'x.yaml',
      line: 1,
      col: 2,
      pointer: '',
    };
    expect(formatGithub([d], ROOT)).toBe(
      '::error file=x.yaml,line=1,col=2,title=unknown-queue::a%0D%0Ab\\u001b[31m%25\n',
    );
  });
});

interface Sarif {
  $schema: string;
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        rules: { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[];
      };
    };
    columnKind: string;
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: {
        physicalLocation: {
          artifactLocation: { uri: string; uriBaseId?: string };
          region: { startLine: number; startColumn: number };
        };
      }[];
    }[];
  }[];
}

describe('warren validate --format sarif', () => {
  it('is a SARIF 2.1.0 log with one run, warren and its version, and a rule per diagnostic code', () => {
    const r = runCli(['validate', FIXTURE, '--format', 'sarif']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const log = JSON.parse(r.stdout) as Sarif;
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const { driver } = log.runs[0]!.tool;
    expect([driver.name, driver.version]).toEqual(['warren', VERSION]);
    expect(driver.rules).toEqual(
      Object.entries(CODES).map(([id, info]) => ({
        id,
        shortDescription: { text: info.summary },
        defaultConfiguration: { level: info.severity },
      })),
    );
    expect(log.runs[0]!.columnKind).toBe('unicodeCodePoints');
  });

  it('has a result per problem, at the positions the fixture expects, with its rule, level and message', () => {
    const log = JSON.parse(runCli(['validate', FIXTURE, '--format', 'sarif']).stdout) as Sarif;
    const { results, tool } = log.runs[0]!;
    const json = JSON.parse(runCli(['validate', FIXTURE, '--format', 'json']).stdout) as Diagnostic[];
    expect(results.map((r) => r.message.text)).toEqual(json.map((d) => d.message));
    const at = results.map((result) => {
      const { artifactLocation, region } = result.locations[0]!.physicalLocation;
      expect(artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
      return `${artifactLocation.uri}:${region.startLine}:${region.startColumn}: ${result.level} ${result.ruleId}`;
    });
    expect(at.sort()).toEqual(expectedProblems(join(ROOT, FIXTURE), ROOT));
    expect(at).toContain('test/fixtures/invalid/references.yaml:5:49: error unknown-exchange');
  });

  it('names files by URI: relative with forward slashes, percent-encoded; standard input as <stdin>', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-sarif-'));
    writeFileSync(join(dir, 'a b#.yaml'), ODD_NAME);
    const uris = (args: string[], options = {}) =>
      (JSON.parse(runCli(['validate', ...args, '--format', 'sarif'], options).stdout) as Sarif).runs[0]!.results.map(
        (r) => r.locations[0]!.physicalLocation.artifactLocation.uri,
      );
    expect(uris(['a b#.yaml'], { cwd: dir })).toEqual(['a%20b%23.yaml', 'a%20b%23.yaml']);
    expect(uris(['-'], { input: ODD_NAME })).toEqual(['%3Cstdin%3E', '%3Cstdin%3E']);
    expect(JSON.parse(runCli(['validate', 'topology', '--format', 'sarif']).stdout).runs[0].results).toEqual([]);
  });
});

it.each(['topology', FIXTURE, 'test/fixtures/invalid/syntax-tabs.yaml', 'test/fixtures/invalid/not-utf8.yaml'])(
  'exits the same in every format: %s',
  (path) => {
    const codes = ['text', 'json', 'github', 'sarif'].map((f) => runCli(['validate', path, '--format', f]).code);
    expect(new Set(codes).size, String(codes)).toBe(1);
  },
);
