// Environment layering: a stack's warren:overrides laid over the shared
// topology, checked with positions inside the stack file.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStackOverrides } from '../../src/cli/read-stack.js';
import { findFiles } from '../../src/load/find-files.js';
import { merge } from '../../src/model/apply-overrides.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { PolicyEntry } from '../../src/plan/plan-types.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { CODE_OVERRIDES, loadTopology } from '../../src/load-topology.js';
import { expectedProblems } from '../support/expectations.js';
import { runCli } from '../support/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const topology = findFiles([join(ROOT, 'topology')]).files;
const withStack = (stack: string) =>
  loadTopology({ paths: topology, overrides: readStackOverrides(join(ROOT, stack)) });

describe('example stacks', () => {
  it.each(['local', 'staging', 'production'])('%s validates clean', (stack) => {
    expect(withStack(`stacks/Pulumi.${stack}.yaml`).diagnostics).toEqual([]);
  });

  it('staging adds a queue and its binding, and changes a TTL through the settings policy only', () => {
    const base = compilePlan(loadTopology({ paths: topology }).model);
    const staging = compilePlan(withStack('stacks/Pulumi.staging.yaml').model);
    const ids = staging.entries.map((e) => e.id);
    expect(ids).toContain('shop/queue/debug_orders');
    expect(ids).toContain('shop/binding/orders>queue:debug_orders[#]');
    const ttl = (plan: typeof base) =>
      (plan.entries.find((e) => e.id === 'shop/queue-settings/unrouted_orders') as PolicyEntry).definition[
        'message-ttl'
      ];
    expect([ttl(base), ttl(staging)]).toEqual([86_400_000, 3_600_000]);
    expect(staging.guard.queues['shop/queue/unrouted_orders']).toBe(base.guard.queues['shop/queue/unrouted_orders']);
    expect(staging.entries.find((e) => e.id === 'vhost/shop')).toMatchObject({
      limits: { maxConnections: 100, maxQueues: 200 },
    });
  });

  it('production removes a user with null', () => {
    const production = compilePlan(withStack('stacks/Pulumi.production.yaml').model);
    expect(production.entries.map((e) => e.id).filter((id) => id.includes('ops-readonly'))).toEqual([]);
  });
});

describe('invalid overrides', () => {
  // Every stack fixture (fixtures.test.ts counts their codes as covered).
  it.each(readdirSync(join(ROOT, 'test/fixtures/stacks')))(
    '%s reports its problems at their places in the stack file',
    (name) => {
      const file = join(ROOT, 'test/fixtures/stacks', name);
      const dir = join(ROOT, 'test/fixtures/stacks');
      const problems = withStack(relative(ROOT, file)).diagnostics.map(
        (d) => `${relative(dir, d.file)}:${d.line}:${d.col}: ${d.severity} ${d.code}`,
      );
      expect(problems.sort()).toEqual(expectedProblems(file, dir));
    },
  );
});

describe('overrides given directly', () => {
  const at = { file: 'stack.yaml', data: undefined as unknown };

  it('a scalar is one wrong-type problem, not one per character', () => {
    const found = loadTopology({ paths: topology, overrides: { ...at, data: 'queues' } }).diagnostics.filter(
      (d) => d.file === 'stack.yaml',
    );
    expect(found.map((d) => `${d.code} ${d.pointer}`)).toEqual(['wrong-type /config/warren:overrides']);
    expect(
      loadTopology({ paths: topology, overrides: { ...at, data: ['a', 'b'] } }).diagnostics.filter(
        (d) => d.file === 'stack.yaml',
      ),
    ).toHaveLength(1);
    expect(loadTopology({ paths: topology, overrides: { ...at, data: null } }).diagnostics).toEqual([]);
  });

  it('null for a kind removes all of that kind in the vhost', () => {
    const { model } = loadTopology({
      paths: topology,
      overrides: {
        ...at,
        data: { vhosts: { shop: { queues: null, bindings: null } } },
      },
    });
    expect(loadTopology({ paths: topology }).model.vhosts.get('shop')!.queues.size).toBeGreaterThan(0);
    expect(model.vhosts.get('shop')!.queues.size).toBe(0);
    expect(model.vhosts.get('shop')!.bindings.size).toBe(0);
    expect(compilePlan(model).entries.filter((e) => e.id.startsWith('shop/queue/'))).toEqual([]);
  });

  it('users: null removes every user', () => {
    const { model } = loadTopology({ paths: topology, overrides: { ...at, data: { users: null } } });
    expect(model.users.size).toBe(0);
  });

  it('a vhost the topology does not declare is an error, and no vhost is made of it', () => {
    const { model, diagnostics, valid } = loadTopology({
      paths: topology,
      overrides: {
        ...at,
        data: { vhosts: { shpo: { queues: { extra: {} } } } },
      },
    });
    expect(valid).toBe(false);
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}`)).toEqual([
      'error unknown-vhost /config/warren:overrides/vhosts/shpo',
    ]);
    expect(diagnostics[0]!.message).toContain('`shop`');
    expect([...model.vhosts.keys()].sort()).toEqual([...loadTopology({ paths: topology }).model.vhosts.keys()].sort());
  });

  it('null for what is not there is an error, and changes nothing', () => {
    const base = compilePlan(loadTopology({ paths: topology }).model);
    const { model, diagnostics } = loadTopology({
      paths: topology,
      overrides: {
        ...at,
        data: { vhosts: { ghost: null, shop: { queues: { ordres: null } } }, users: { nobody: null } },
      },
    });
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.pointer}`)).toEqual([
      'error override-removes-nothing /config/warren:overrides/vhosts/ghost',
      'error override-removes-nothing /config/warren:overrides/vhosts/shop/queues/ordres',
      'error override-removes-nothing /config/warren:overrides/users/nobody',
    ]);
    expect(compilePlan(model).entries).toEqual(base.entries);
  });

  it('overrides given in code are reported at <overrides>, with their pointer', () => {
    const { diagnostics } = loadTopology({
      paths: topology,
      overrides: { file: CODE_OVERRIDES, data: { vhosts: { shpo: {} } } },
    });
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.pointer}`)).toEqual([
      '<overrides>:1:1 unknown-vhost /config/warren:overrides/vhosts/shpo',
    ]);
  });

  it('says nothing about names while a topology file does not parse: the name may be in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-absent-'));
    try {
      const broken = join(dir, 'broken.yaml');
      writeFileSync(broken, 'version: 1\nvhosts:\n  late: [\n');
      const { diagnostics } = loadTopology({
        paths: [...topology, broken],
        overrides: { ...at, data: { vhosts: { late: {} } } },
      });
      expect(diagnostics.map((d) => d.code)).toEqual(['yaml-syntax']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// `diff --stack`: the stack file is HEAD's. What it names that BASE does not declare yet (a vhost HEAD
// adds, with its override; a null for a queue HEAD adds) does not fail BASE's side; on HEAD's side the same
// stack is checked as validate --stack checks it.
describe('diff --stack, where the stack names what only HEAD declares', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-diff-stack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const base = join(dir, 'base');
  const head = join(dir, 'head');
  for (const side of [base, head]) {
    mkdirSync(side);
    for (const f of topology) copyFileSync(f, join(side, relative(join(ROOT, 'topology'), f)));
  }
  writeFileSync(
    join(head, 'billing.yaml'),
    'version: 1\nvhosts:\n  billing:\n    queues:\n      invoices: {}\n      audit: {}\n',
  );
  const stack = join(dir, 'Pulumi.staging.yaml');
  writeFileSync(
    stack,
    'config:\n  warren:overrides:\n    vhosts:\n      billing:\n        queues:\n          invoices: { messageTtl: 1h }\n          audit: null\n',
  );

  it('BASE leaves them out: the diff shows what HEAD adds, with the stack laid over it', () => {
    const r = runCli(['diff', base, head, '--stack', stack, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const ids = (JSON.parse(r.stdout) as { changes: { id: string; action: string }[] }).changes
      .map((c) => `${c.action} ${c.id}`)
      .sort();
    expect(ids).toEqual(['add billing/queue-settings/invoices', 'add billing/queue/invoices', 'add vhost/billing']);
  });

  it('HEAD does not: a stack naming a vhost HEAD lacks fails the diff at its place', () => {
    const r = runCli(['diff', head, base, '--stack', stack]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Pulumi\.staging\.yaml:4:7: error unknown-vhost: /);
  });
});

// A program that reads overrides with `new pulumi.Config()` finds them under its project's name
// (`shop:overrides`); `--stack` reads `warren:overrides`. Checking such a stack without its
// overrides would pass what the stack does not deploy, so it is refused, by name.
describe('--stack with overrides under another key than warren:overrides', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-stack-ns-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const stack = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const PROJECT_KEY = stack(
    'Pulumi.project-key.yaml',
    'config:\n  shop:overrides:\n    vhosts:\n      shop:\n        queues:\n          nowhere: { messageTtl: -1 }\n',
  );

  it('refuses a stack file whose overrides are under the project namespace, naming the key', () => {
    expect(() => readStackOverrides(PROJECT_KEY)).toThrow(UsageError);
    expect(() => readStackOverrides(PROJECT_KEY)).toThrow(/has shop:overrides instead.*pulumi\.Config\('warren'\)/);
  });

  it.each([
    ['validate', ['validate', 'topology']],
    ['diff', ['diff', 'topology', 'topology']],
    ['export', ['export', 'topology']],
  ])('warren %s --stack exits 2 with one line, instead of checking without them', (_name, args) => {
    const r = runCli([...args, '--stack', PROJECT_KEY]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `warren: --stack ${PROJECT_KEY}: warren reads a stack's overrides from warren:overrides, and this file has shop:overrides instead; rename the key, and read it in the program with new pulumi.Config('warren').getObject('overrides')\n`,
    );
    expect(r.stdout).toBe('');
  });

  it('reads warren:overrides as before, and leaves alone other namespaces then or when not topology-shaped', () => {
    const both = stack(
      'Pulumi.both.yaml',
      'config:\n  shop:overrides: { vhosts: {} }\n  warren:overrides:\n    vhosts:\n      shop: { description: here }\n',
    );
    const read = readStackOverrides(both)!;
    expect([read.file, read.data]).toEqual([both, { vhosts: { shop: { description: 'here' } } }]);
    // The file is read once: its source goes along, for loadTopology to place findings in.
    expect(read.source?.file).toBe(both);
    const unrelated = stack(
      'Pulumi.unrelated.yaml',
      'config:\n  aws:overrides: { region: eu-west-1 }\n  other:overrides: 3\n',
    );
    const none = readStackOverrides(unrelated)!;
    expect([none.file, none.data]).toEqual([unrelated, undefined]);
    expect(runCli(['validate', 'topology', '--stack', unrelated]).code).toBe(0);
  });
});

describe('merge', () => {
  it('merges mappings, replaces lists and scalars, and removes with null', () => {
    expect(merge({ a: { b: 1, c: [1, 2] }, d: 1, e: 2 }, { a: { c: [3] }, d: null, f: { g: 1 } })).toEqual({
      a: { b: 1, c: [3] },
      e: 2,
      f: { g: 1 },
    });
  });
});
