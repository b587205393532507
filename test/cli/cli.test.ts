// The `warren validate` command line against the contract: output shapes,
// exit codes 0/1/2, paths (files, directories, globs), and no stack traces.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, STACK_TRACE } from '../support/run-cli.js';

const LINE = /^(.+):(\d+):(\d+): (error|warning) ([a-z]+(?:-[a-z0-9]+)*): \S.*$/;
// Paths relative to the package root, where runCli runs warren; read here with join(ROOT, ...).
const INVALID = 'test/fixtures/invalid';

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-cli-'));
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('warren validate', () => {
  it('exits 0 with no problem lines on the example topology', () => {
    const r = runCli(['validate', 'topology/']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/valid: 4 files/);
  });

  it('prints one FILE:LINE:COL: severity CODE: message line per problem and exits 1', () => {
    const r = runCli(['validate', `${INVALID}/references.yaml`]);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(8);
    for (const line of lines) expect(line).toMatch(LINE);
    expect(lines[0]).toMatch(/^test\/fixtures\/invalid\/references\.yaml:5:49: error unknown-exchange: /);
  });

  it('prints the same problems as a JSON array with --format json', () => {
    const text = runCli(['validate', `${INVALID}/policies.yaml`]);
    const json = runCli(['validate', `${INVALID}/policies.yaml`, '--format', 'json']);
    expect(json.code).toBe(1);
    const problems = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(
      `${problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.severity} ${p.code}: ${p.message}`).join('\n')}\n`,
    ).toBe(text.stdout);
    for (const p of problems) {
      expect(Object.keys(p).sort()).toEqual(['code', 'col', 'file', 'line', 'message', 'pointer', 'severity']);
      expect(p.pointer).toMatch(/^\/vhosts\/shop\//);
    }
    expect(runCli(['validate', 'topology', '--format', 'json']).stdout).toBe('[]\n');
  });

  it('exits 0 when there are only warnings', () => {
    const file = tempFile('w.yaml', 'version: 1\nvhosts:\n  v:\n    exchanges:\n      odd: { delayedType: topic }\n');
    const r = runCli(['validate', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/:5:14: warning delayed-type-unexpected: /);
  });

  it('merges directories and globs, and reads a file named twice once', () => {
    const split = 'test/fixtures/valid/split-across-files';
    expect(runCli(['validate', split]).code).toBe(0);
    expect(runCli(['validate', `${split}/*.y*ml`]).code).toBe(0);
    expect(runCli(['validate', `${split}/exchanges.yaml`, `${split}/queues.yml`, split]).code).toBe(0);
    // Alone, the queues file refers to an exchange the other file declares.
    const alone = runCli(['validate', `${split}/queues.yml`]);
    expect(alone.code).toBe(1);
    expect(alone.stdout).toMatch(/queues\.yml:7:17: error unknown-exchange: /);
  });

  it.each([
    [[]],
    [['validate']],
    [['frobnicate', 'topology']],
    [['validate', 'topology', '--format', 'xml']],
    [['validate', 'no/such/path.yaml']],
    [['validate', 'no/such/*.yaml']],
    [['validate', 'topology', '--no-such-flag']],
  ])('exits 2 on a usage error: %j', (args) => {
    const r = runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('reads standard input for a PATH of -, named <stdin> in problems', () => {
    const valid = runCli(['validate', '-', '--format', 'json'], {
      input: readFileSync(join(ROOT, 'topology/shop.yaml'), 'utf8'),
    });
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toEqual([]);
    const invalid = runCli(['validate', '-'], { input: readFileSync(join(ROOT, INVALID, 'references.yaml'), 'utf8') });
    expect(invalid.code).toBe(1);
    for (const line of invalid.stdout.trimEnd().split('\n')) expect(line).toMatch(/^<stdin>:\d+:\d+: error /);
    // Merged with other paths: the queues file refers to an exchange only standard input declares.
    const split = 'test/fixtures/valid/split-across-files';
    expect(
      runCli(['validate', `${split}/queues.yml`, '-'], {
        input: readFileSync(join(ROOT, split, 'exchanges.yaml'), 'utf8'),
      }).code,
    ).toBe(0);
  });

  it('stops reading standard input past the size limit, and reads binary junk as a diagnostic', () => {
    const big = runCli(['validate', '-', '--format', 'json'], {
      input: 'version: 1\n'.repeat(100),
      env: { WARREN_MAX_FILE_BYTES: '64' },
    });
    expect(big.code).toBe(1);
    expect(JSON.parse(big.stdout)).toEqual([expect.objectContaining({ code: 'file-too-large', file: '<stdin>' })]);
    const junk = runCli(['validate', '-', '--format', 'json'], { input: '\u0000\uffff\u0001' });
    expect(junk.code).toBe(1);
    expect(junk.stdout + junk.stderr).not.toMatch(STACK_TRACE);
    expect(runCli(['validate', '-'], { input: '' }).code).toBe(1);
  });

  it('--version prints the version of package.json and exits 0', () => {
    const r = runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`,
    );
  });

  it('exits 0 for --help', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/validate/);
  });

  it('never prints a stack trace or exits outside 0-2 for any invalid fixture', () => {
    for (const name of readdirSync(join(ROOT, INVALID))) {
      const r = runCli(['validate', `${INVALID}/${name}`]);
      expect(r.code, name).toBe(1);
      expect(r.stdout + r.stderr, name).not.toMatch(STACK_TRACE);
      for (const line of r.stdout.trimEnd().split('\n')) expect(line, name).toMatch(LINE);
    }
    // One process per fixture, one after the other: the time grows with the fixtures.
  }, 120_000);

  it('never prints a clear-text password it rejects', () => {
    const r = runCli(['validate', `${INVALID}/users.yaml`, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/clear-text-password/);
    expect(r.stdout + r.stderr).not.toMatch(/hunter2/);
  });
});

describe('warren route', () => {
  it('prints the destination queues, one per line, following the alternate exchange', () => {
    expect(
      runCli(['route', 'topology', '--vhost', 'shop', '--exchange', 'orders', '--key', 'order.created.us']).stdout,
    ).toBe('all_orders\norder_processor\nus_orders\n');
    expect(runCli(['route', 'topology', '--vhost', 'shop', '--exchange', 'orders', '--key', 'invoice']).stdout).toBe(
      'unrouted_orders\n',
    );
  });

  it('prints { queues } with --format json, sorted, each once, and reads typed header values', () => {
    const r = runCli([
      'route',
      'topology',
      '--vhost',
      'shop',
      '--exchange',
      'reports',
      '--header',
      'format=csv',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).queues).toEqual(['csv_reports']);
    const none = runCli(['route', 'topology', '--vhost', 'shop', '--exchange', 'notifications', '--format', 'json']);
    expect(JSON.parse(none.stdout).queues).toEqual(['email_notifications', 'push_notifications', 'sms_notifications']);
  });

  it.each([
    [['--vhost', 'nope', '--exchange', 'orders'], 1],
    [['--vhost', 'shop', '--exchange', 'nope'], 1],
    [['--vhost', 'shop', '--exchange', 'amq.bogus'], 1],
    // Built in, and internal on every broker: clients cannot publish to it.
    [['--vhost', 'shop', '--exchange', 'amq.rabbitmq.trace'], 1],
    // No message can carry a routing key over 255 bytes.
    [['--vhost', 'shop', '--exchange', 'orders', '--key', 'é'.repeat(128)], 2],
    [['--vhost', 'shop'], 2],
    [['--vhost', 'shop', '--exchange', 'orders', '--header', 'novalue'], 2],
  ])('exits %s → %i without a stack trace', (args, code) => {
    const r = runCli(['route', 'topology', ...(args as string[])]);
    expect(r.code).toBe(code);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  });

  it('exits 1 on an invalid topology', () => {
    expect(
      runCli(['route', 'test/fixtures/invalid/references.yaml', '--vhost', 'shop', '--exchange', 'orders']).code,
    ).toBe(1);
  });
});

describe('warren export', () => {
  it('prints a definitions document, with stack overrides when asked', () => {
    const r = runCli(['export', 'topology', '--stack', 'stacks/Pulumi.staging.yaml']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as {
      queues: { name: string }[];
      policies: { name: string; definition: Record<string, unknown> }[];
    };
    expect(d.queues.map((q) => q.name)).toContain('debug_orders');
    expect(d.policies.find((p) => p.name === 'warren.queue.unrouted_orders')!.definition).toEqual({
      'message-ttl': 3_600_000,
    });
    expect(r.stdout).not.toMatch(/password_hash": "[^"k]/);
  });

  it('reads the topology from standard input for -', () => {
    const r = runCli(['export', '-'], { input: readFileSync(join(ROOT, 'topology/ops.yaml'), 'utf8') });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { vhosts: { name: string }[] }).vhosts.map((v) => v.name)).toEqual(['ops']);
  });

  it('exits 1 on an invalid topology and 2 on a path that matches nothing', () => {
    expect(runCli(['export', 'test/fixtures/invalid/references.yaml']).code).toBe(1);
    expect(runCli(['export', 'no/such/dir']).code).toBe(2);
  });
});

describe('what a command loads', () => {
  // `validate` of a big topology must stay near a bare parse (npm run bench):
  // it must not load what other commands or the cluster checks need.
  const loadedBy = (args: string[]): string[] => {
    const script = `import { createRequire } from 'node:module';
const { main } = await import(${JSON.stringify(join(ROOT, 'dist/src/cli/main.js'))});
await main(${JSON.stringify(args)});
process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(createRequire(import.meta.url).cache)) + '\\n');`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    const line = run.stderr.split('\n').find((l) => l.startsWith('LOADED '));
    expect(line, run.stderr).toBeDefined();
    return (JSON.parse(line!.slice('LOADED '.length)) as string[]).map((f) => f.replace(/.*node_modules\//, ''));
  };
  const heavy = (files: string[]) => [
    ...new Set(
      files
        .filter((f) => /^(ajv|@sinclair\/typebox|yaml|@pulumi)\//.test(f))
        .map((f) =>
          f
            .split('/')
            .slice(0, f.startsWith('@') ? 2 : 1)
            .join('/'),
        ),
    ),
  ];

  it('validate of a clean topology loads neither the ajv compiler, TypeBox, the yaml package nor Pulumi', () => {
    expect(heavy(loadedBy(['validate', 'topology', '--format', 'json']))).toEqual([]);
  });

  it('the probe sees them when they are needed: the cluster checks of a stack compile their schema with ajv', () => {
    expect(
      heavy(loadedBy(['validate', 'topology', '--stack', 'stacks/Pulumi.production.yaml', '--format', 'json'])),
    ).toContain('ajv');
  });
});
