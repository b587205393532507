// `warren import`: definitions export → topology YAML that validates and
// exports back to the same definitions; problems in the export are reported
// with their place in it.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { formatDuration, formatSize } from '../../src/units/format-units.js';
import { foldSettings } from '../../src/import/fold-settings.js';
import { importDefinitions } from '../../src/import/import-definitions.js';
import { renderFiles, writtenByImport } from '../../src/import/render-topology.js';
import { parseDuration, parseSize } from '../../src/units/parse-units.js';
import { ROOT, runCli, STACK_TRACE } from '../support/run-cli.js';

// Relative: the warren commands run in the package root (runCli) and name files as given;
// read here with join(ROOT, FIXTURES, ...), so the test does not depend on the working directory.
const FIXTURES = 'test/fixtures/import';

/** Definitions with every list sorted, for comparing documents regardless of order. */
function normalized(text: string): Record<string, string[]> {
  const doc = JSON.parse(text) as Record<string, unknown[]>;
  const lists = [
    'vhosts',
    'users',
    'permissions',
    'topic_permissions',
    'policies',
    'queues',
    'exchanges',
    'bindings',
    'parameters',
  ];
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => (a < b ? -1 : 1))
              .map(([k, x]) => [k, sortKeys(x)]),
          )
        : v;
  return Object.fromEntries(lists.map((k) => [k, (doc[k] ?? []).map((x) => JSON.stringify(sortKeys(x))).sort()]));
}

describe('warren import', () => {
  it('round-trips a topology with every kind: export → import → export gives the same definitions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-import-'));
    const exported = runCli(['export', 'test/fixtures/valid/every-kind.yaml']);
    expect(exported.code).toBe(0);
    writeFileSync(join(dir, 'defs.json'), exported.stdout);
    const imported = runCli(['import', join(dir, 'defs.json'), '-o', join(dir, 'topology')]);
    expect(imported.code).toBe(0);
    expect(readdirSync(join(dir, 'topology')).sort()).toEqual(['default-vhost.yaml', 'shop.yaml', 'users.yaml']);
    expect(runCli(['validate', join(dir, 'topology')]).code).toBe(0);
    const again = runCli(['export', join(dir, 'topology')]);
    expect(again.code).toBe(0);
    expect(normalized(again.stdout)).toEqual(normalized(exported.stdout));
    // Changeable settings come back as fields, not as the warren policy that carried them.
    const shop = readFileSync(join(dir, 'topology', 'shop.yaml'), 'utf8');
    expect(shop).toContain('deadLetter: { exchange: dlx, routingKey: work.dead, strategy: at-least-once }');
    expect(shop).not.toContain('warren.queue.');
    expect(shop.startsWith('# yaml-language-server: $schema=')).toBe(true);
  });

  it('maps a broker export: arguments as declared, warren policies folded, hashes kept, the rest skipped with its place', () => {
    const r = runCli(['import', join(FIXTURES, 'broker-export.json'), '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      topology: string;
      problems: { code: string; file: string; line: number; col: number; severity: string }[];
    };
    expect(out.problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.code}`)).toEqual([
      `${FIXTURES}/broker-export.json:6:79 import-skipped`, // MD5 hash
      `${FIXTURES}/broker-export.json:15:5 import-skipped`, // permissions of an unknown user
      `${FIXTURES}/broker-export.json:23:92 import-skipped`, // an AMQP 1.0 shovel
      `${FIXTURES}/broker-export.json:34:5 import-skipped`, // server-named queue
      `${FIXTURES}/broker-export.json:47:5 import-skipped`, // its binding
      '<stdout>:19:22 prefer-field', // x-message-ttl was declared as an argument: kept so, and said
    ]);
    const t = out.topology;
    expect(t).toContain('app-declared:\n        maxPriority: 5\n        arguments: { x-message-ttl: 5000 }');
    // Inherited from the user policy `ttl`, so not the queue's own: only what the queue adds.
    expect(t).toContain(
      'work:\n        type: quorum\n        deadLetter: { exchange: dlx, routingKey: work.dead }\n        deliveryLimit: 3\n',
    );
    expect(t).toContain('password: { hash: kI0MHlX38jqO698UaneR9TZUFVcGhnVxJC1DTaU7m48+/o+y, algorithm: sha256 }');
    expect(t).toContain('limits: { maxConnections: 100, maxQueues: 50 }');
    expect(t).toContain('- { from: reports, to: work, match: any, headers: { format: pdf, pages: 3 } }');
    expect(t).toContain('unrouted: { type: fanout, internal: true }');
    expect(t).not.toContain('amq.gen');
  });

  it('reports what is not a definitions export at its place, exit 1, no stack trace', () => {
    const r = runCli(['import', join(FIXTURES, 'not-definitions.json')]);
    expect(r.code).toBe(1);
    expect(
      r.stderr
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split(': ').slice(0, 2).join(': ')),
    ).toEqual([
      `${FIXTURES}/not-definitions.json:3:5: error definitions-shape`,
      `${FIXTURES}/not-definitions.json:5:12: error definitions-shape`,
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'warren-import-bad-'));
    for (const [name, text, code] of [
      ['junk.json', '{"queues": [', 'yaml-syntax'],
      ['empty.json', '', 'file-empty'],
      ['binary.json', '\u0000\u0001\uFFFD', 'file-encoding'],
    ] as const) {
      writeFileSync(join(dir, name), name === 'binary.json' ? Buffer.from([0xff, 0xfe, 0x00, 0x80]) : text);
      const bad = runCli(['import', join(dir, name), '--format', 'json']);
      expect(bad.code).toBe(1);
      expect(bad.stdout + bad.stderr).not.toMatch(STACK_TRACE);
      expect(JSON.parse(bad.stdout).problems[0].code).toBe(code);
    }
    expect(runCli(['import']).code).toBe(2);
    expect(
      runCli(['import', join(FIXTURES, 'broker-export.json'), '-o', join(FIXTURES, 'broker-export.json')]).code,
    ).toBe(2);
  });

  it('reads DEFINITIONS from standard input for -, naming it <stdin> in problems', () => {
    const file = runCli(['import', join(FIXTURES, 'broker-export.json')]);
    const stdin = runCli(['import', '-'], { input: readFileSync(join(ROOT, FIXTURES, 'broker-export.json'), 'utf8') });
    expect(stdin.code).toBe(file.code);
    expect(stdin.stdout).toBe(file.stdout);
    const bad = runCli(['import', '-', '--format', 'json'], {
      input: readFileSync(join(ROOT, FIXTURES, 'not-definitions.json'), 'utf8'),
    });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout).problems.map((p: { file: string; code: string }) => `${p.file} ${p.code}`)).toEqual([
      '<stdin> definitions-shape',
      '<stdin> definitions-shape',
    ]);
  });

  it('exits 1 for a --vhost the export does not hold, with the unknown-vhost error', () => {
    const r = runCli(['import', join(FIXTURES, 'broker-export.json'), '--vhost', 'no-such-vhost', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('unknown-vhost');
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('-o DIR overwrites what an earlier import wrote, refuses hand-written files (exit 2, nothing written), and overwrites them with --force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-import-o-'));
    const first = runCli(['import', join(FIXTURES, 'broker-export.json'), '-o', dir]);
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThan(0);
    expect(runCli(['import', join(FIXTURES, 'broker-export.json'), '-o', dir]).code).toBe(first.code);
    const hand = join(dir, files[0]!);
    const others = files.slice(1).map((f) => [f, readFileSync(join(dir, f), 'utf8')] as const);
    writeFileSync(hand, 'version: 1\n# kept by hand\n');
    const refused = runCli(['import', join(FIXTURES, 'broker-export.json'), '-o', dir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(files[0]!);
    expect(refused.stderr).not.toMatch(STACK_TRACE);
    expect(readFileSync(hand, 'utf8')).toBe('version: 1\n# kept by hand\n');
    for (const [f, text] of others) expect(readFileSync(join(dir, f), 'utf8')).toBe(text);
    expect(runCli(['import', join(FIXTURES, 'broker-export.json'), '-o', dir, '--force']).code).toBe(first.code);
    expect(writtenByImport(readFileSync(hand, 'utf8'))).toBe(true);
  });
});

describe('import helpers', () => {
  it('writes durations and sizes with a unit only when exact, and they parse back', () => {
    for (const ms of [0, 1, 999, 1000, 60_000, 90_000, 3_600_000, 86_400_000, 7 * 86_400_000, 1500])
      expect(parseDuration(formatDuration(ms))).toBe(ms);
    for (const bytes of [0, 1, 1000, 1024, 1536, 20 * 1000 ** 3, 1024 ** 3, 123_456_789])
      expect(parseSize(formatSize(bytes))).toBe(bytes);
    expect([formatDuration(60_000), formatDuration(1500), formatSize(1024 ** 3), formatSize(20e9)]).toEqual([
      '1m',
      1500,
      '1GiB',
      '20GB',
    ]);
  });

  it('folds a warren policy back into fields, leaving out what the user policy gives', () => {
    expect(
      foldSettings(
        { 'message-ttl': 1000, 'max-length': 5, 'dead-letter-routing-key': 'k', 'dead-letter-exchange': 'dlx' },
        { 'max-length': 5, 'dead-letter-exchange': 'dlx' },
      ),
    ).toEqual({ messageTtl: '1s', deadLetter: { exchange: 'dlx', routingKey: 'k' } });
    expect(foldSettings({ 'max-age': '604800s' }, {})).toEqual({ maxAge: '7d' });
    // A key no field expresses: the policy stays a policy.
    expect(foldSettings({ 'ha-mode': 'all' }, {})).toBeUndefined();
    expect(foldSettings({ 'dead-letter-routing-key': 'k' }, {})).toBeUndefined();
  });
});

describe('import of awkward exports', () => {
  const vhost = { name: 'shop' };

  it('a --vhost the export does not hold is an unknown-vhost error', () => {
    const found = importDefinitions('d.json', { vhosts: [vhost] }, ['shp']).findings;
    expect(found.map((f) => `${f.severity} ${f.code} ${f.pointer}`)).toEqual(['error unknown-vhost /vhosts']);
  });

  it("--vhost leaves the other vhosts out whatever their order: their parameters before this vhost's limits (a crash the real broker found)", () => {
    const limits = (v: string, n: number) => ({
      vhost: v,
      component: 'vhost-limits',
      name: 'limits',
      value: { 'max-queues': n },
    });
    const d = {
      vhosts: [vhost, { name: 'other' }],
      parameters: [limits('other', 1), limits('shop', 7)],
    };
    const imported = importDefinitions('d.json', d, ['shop']);
    expect(imported.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(imported.vhosts.get('shop')!.limits).toEqual({ maxQueues: 7 });
    expect([...imported.vhosts.keys()]).toEqual(['shop']);
  });

  it('the last of duplicate definitions is imported, the others are reported', () => {
    const queue = (n: number) => ({
      name: 'q',
      vhost: 'shop',
      durable: true,
      auto_delete: false,
      arguments: { 'x-max-length': n },
    });
    const imported = importDefinitions('d.json', { vhosts: [vhost], queues: [queue(1), queue(2), queue(3)] });
    expect(imported.findings.map((f) => `${f.code} ${f.pointer}`)).toEqual([
      'import-skipped /queues/0',
      'import-skipped /queues/1',
    ]);
    expect(imported.vhosts.get('shop')!.queues!.q!.arguments).toEqual({ 'x-max-length': 3 });
  });

  it("folds only warren's own settings policies; foreign ones under its prefix and `.`/`..` names are left out, and the result validates", () => {
    const file = `${FIXTURES}/invalid/reserved-names.yaml`;
    const r = runCli(['import', file, '--format', 'json']);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    const out = JSON.parse(r.stdout) as {
      topology: string;
      problems: { code: string; severity: string; pointer: string }[];
    };
    // Warnings only: the topology written holds no reserved or unaddressable name.
    expect(r.code).toBe(0);
    expect(out.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(new Set(out.problems.map((p) => p.code))).toEqual(new Set(['import-skipped']));
    const skipped = out.problems.map((p) => p.pointer);
    expect(skipped).toEqual(expect.arrayContaining(['/policies/3', '/policies/4', '/policies/5', '/policies/6']));
    expect(skipped).toEqual(expect.arrayContaining(['/policies/7', '/policies/8', '/parameters/0/name']));
    expect(skipped).not.toContain('/policies/1');
    expect(skipped).not.toContain('/policies/2');
    const shop = (
      jsYaml.load(out.topology) as { vhosts: Record<string, { queues: Record<string, object>; policies: object }> }
    ).vhosts.shop!;
    // warren's own: folded into the queue, less what the user policy it merged gives.
    expect(shop.queues.orders).toEqual({ messageTtl: '1m' });
    expect(shop.queues['tmp.x']).toEqual({ messageTtl: '1s' });
    // Foreign: the queue keeps no setting from it, and no policy keeps the reserved name.
    expect(shop.queues.audit).toEqual({});
    expect(shop.queues.ha).toEqual({});
    expect(Object.keys(shop.policies)).toEqual(['temp']);
    expect(Object.keys(shop.queues)).not.toContain('..');
  });

  it('files warren import wrote are recognised by their header; others are not', () => {
    const [file] = renderFiles(importDefinitions('d.json', { vhosts: [vhost] }), 'topology.schema.json');
    expect(writtenByImport(file!.text)).toBe(true);
    expect(writtenByImport('# my hand-written topology\nversion: 1\n')).toBe(false);
  });
});
