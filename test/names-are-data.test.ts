// Names are data, never structure: objects named like the members every
// JavaScript object inherits (`__proto__`, `constructor`, `prototype`,
// `toString`), header and argument keys named so, and names holding the
// separators of warren's ids go through validate, export, import, route, diff,
// the plan and a vhost group as objects of their own, as the broker has them
// (test/fixtures/valid/prototype-names.yaml). The e2e lifecycle suites apply
// them to the real broker in both granularities.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { importDefinitions } from '../src/import/import-definitions.js';
import { compilePlan } from '../src/plan/compile-plan.js';
import {
  liveObjects,
  objectChanges,
  protectRefusals,
  toDefinitions,
  type LiveVhost,
} from '../src/plan/vhost-object-changes.js';
import { emptyObjects, groupByVhost } from '../src/plan/vhost-objects.js';
import type { Definitions } from '../src/import/definitions-schema.js';
import { describeChange } from '../src/plan/guard-rules.js';
import { loadTopology } from '../src/load-topology.js';
import { hostileName, PROTOTYPE_NAMES } from './support/hostile-names.js';
import { ROOT, runCli, STACK_TRACE } from './support/run-cli.js';

const FIXTURE = 'test/fixtures/valid/prototype-names.yaml';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'warren-names-'));
}

/** JSON.parse keeps `__proto__` an own key, as YAML does: the way a hostile document arrives. */
const parse = <T>(text: string) => JSON.parse(text) as T;

interface Defs {
  [list: string]: Record<string, unknown>[];
}

describe('names that are members of every JavaScript object', () => {
  it('export writes each object once, under its own name, with every argument and header', () => {
    const run = runCli(['export', FIXTURE]);
    expect(run.code).toBe(0);
    const d = parse<Defs>(run.stdout);
    expect(d.vhosts!.map((v) => v.name)).toEqual(['__proto__', 'toString']);
    expect(d.queues!.map((q) => `${String(q.vhost)}/${String(q.name)}`).sort()).toEqual([
      '__proto__/__proto__',
      '__proto__/b',
      '__proto__/b[c]',
      '__proto__/prototype',
      '__proto__/toString',
      'toString/hasOwnProperty',
    ]);
    const queue = d.queues!.find((q) => q.name === '__proto__')!;
    expect(Object.entries(queue.arguments as object)).toEqual([['__proto__', 'y']]);
    const exchange = d.exchanges!.find((x) => x.name === '__proto__')!;
    expect(Object.entries(exchange.arguments as object)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ]);
    const headers = d.bindings!.find((b) => b.source === 'constructor' && b.destination === '__proto__')!;
    expect(Object.entries(headers.arguments as object).sort()).toEqual([
      ['__proto__', 'a'],
      ['constructor', 'b'],
      ['x-match', 'any'],
    ]);
    // The two bindings whose ids were once one.
    expect(d.bindings!.filter((b) => b.source === 'a').map((b) => [b.destination, b.routing_key])).toEqual([
      ['b[c]', ''],
      ['b', 'c]['],
    ]);
    expect(d.permissions!.map((p) => `${String(p.user)}@${String(p.vhost)}`)).toEqual([
      '__proto__@__proto__',
      '__proto__@toString',
    ]);
    expect(d.topic_permissions!.map((p) => p.exchange)).toEqual(['__proto__']);
    expect(d.policies!.map((p) => p.name)).toEqual(['__proto__', 'warren.queue.prototype']);
    expect(d.parameters!.map((p) => `${String(p.component)} ${String(p.name)}`)).toEqual([
      'operator_policy constructor',
    ]);
  });

  it('import of that export writes a topology that exports to the same definitions', () => {
    const dir = tmp();
    const exported = runCli(['export', FIXTURE]);
    writeFileSync(join(dir, 'defs.json'), exported.stdout);
    const imported = runCli(['import', join(dir, 'defs.json'), '-o', join(dir, 'topology')]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toBe('');
    expect(runCli(['validate', join(dir, 'topology')]).code).toBe(0);
    const again = runCli(['export', join(dir, 'topology')]);
    const sorted = (text: string) =>
      Object.fromEntries(
        Object.entries(parse<Defs>(text)).map(([k, list]) => [k, list.map((x) => JSON.stringify(x)).sort()]),
      );
    expect(sorted(again.stdout)).toEqual(sorted(exported.stdout));
  });

  it('route matches a header named __proto__ given with --header, and only then', () => {
    const route = (...headers: string[]) =>
      runCli([
        'route',
        FIXTURE,
        '--vhost',
        '__proto__',
        '--exchange',
        'constructor',
        ...headers.flatMap((h) => ['--header', h]),
      ]);
    expect(route('__proto__=a').stdout).toBe('__proto__\n');
    expect(route('__proto__=other').stdout).toBe('');
    expect(route('toString=c').stdout).toBe('toString\n');
    expect(route().stdout).toBe('');
    // A vhost or exchange named like an inherited member that is not declared is not found.
    const missing = runCli(['route', FIXTURE, '--vhost', 'constructor', '--exchange', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('vhost `constructor` is not declared');
  });

  it('diff adds the two bindings whose ids were once one as two changes', () => {
    const dir = tmp();
    const text = readFileSync(join(ROOT, FIXTURE), 'utf8');
    writeFileSync(join(dir, 'base.yaml'), text.replace(/^ {6}- \{ from: a, .*\n/gm, ''));
    const run = runCli(['diff', join(dir, 'base.yaml'), FIXTURE, '--format', 'json']);
    expect(run.code).toBe(0);
    const changes = parse<{ changes: { id: string; action: string }[] }>(run.stdout).changes;
    expect(changes.map((c) => `${c.action} ${c.id}`)).toEqual([
      'add __proto__/binding/a>queue:b%5Bc][]',
      'add __proto__/binding/a>queue:b[c%5D[]',
    ]);
  });

  it('a policy definition key named like an inherited member is an unknown key, not a crash', () => {
    const dir = tmp();
    const file = join(dir, 'p.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'vhosts:',
        '  v:',
        '    policies:',
        '      p: { pattern: "^x$", definition: { constructor: 1, __proto__: 2, toString: 3 } }',
        '',
      ].join('\n'),
    );
    const run = runCli(['validate', file, '--format', 'json']);
    expect(run.stderr).not.toMatch(STACK_TRACE);
    // RabbitMQ refuses a policy with a key it does not know: an error (docs/broker-validation.md).
    expect(run.code).toBe(1);
    const problems = parse<{ code: string; line: number; col: number; pointer: string }[]>(run.stdout);
    expect(problems.map((p) => `${p.line}:${p.col} ${p.code} ${p.pointer}`)).toEqual([
      '5:42 policy-unknown-key /vhosts/v/policies/p/definition/constructor',
      '5:58 policy-unknown-key /vhosts/v/policies/p/definition/__proto__',
      '5:72 policy-unknown-key /vhosts/v/policies/p/definition/toString',
    ]);
  });

  it("a stack's overrides keep argument and header keys named __proto__", () => {
    const overrides = parse(
      '{"vhosts":{"__proto__":{"queues":{"toString":{"arguments":{"__proto__":"o"}}},' +
        '"bindings":[{"from":"constructor","to":"b","headers":{"__proto__":"h"}}]}}}',
    );
    const { valid, model } = loadTopology({
      paths: [join(ROOT, FIXTURE)],
      overrides: { file: '<overrides>', data: overrides },
    });
    expect(valid).toBe(true);
    const plan = compilePlan(model);
    const queue = plan.entries.find((e) => e.id === '__proto__/queue/toString');
    expect(queue && 'arguments' in queue && Object.entries(queue.arguments)).toEqual([['__proto__', 'o']]);
    const binding = plan.entries.find(
      (e) => e.kind === 'binding' && e.destination === 'b' && e.source === 'constructor',
    );
    expect(binding && 'arguments' in binding && Object.entries(binding.arguments).sort()).toEqual([
      ['__proto__', 'h'],
      ['x-match', 'all'],
    ]);
  });
});

describe('a vhost group (warren:granularity vhost) keyed by readable names', () => {
  const plan = compilePlan(loadTopology({ paths: [join(ROOT, FIXTURE)] }).model);
  const group = groupByVhost(plan, true).find((g) => g.vhost === '__proto__')!;

  it('holds every object under its own name, as an own key', () => {
    expect(Object.keys(group.objects.queues).sort()).toEqual(['__proto__', 'b', 'b[c]', 'prototype', 'toString']);
    expect(Object.getPrototypeOf(group.objects.queues)).toBe(Object.prototype);
    expect(Object.keys(group.objects.exchanges).sort()).toEqual(['__proto__', 'a', 'constructor']);
    expect(Object.keys(group.objects.bindings)).toHaveLength(5);
    expect(Object.keys(group.objects.policies).sort()).toEqual(['__proto__', 'warren.queue.prototype']);
    expect(Object.keys(group.objects.operatorPolicies)).toEqual(['constructor']);
  });

  it('declares each of them from nothing, and deletes each of them to nothing', () => {
    const up = objectChanges(emptyObjects(), group.objects);
    const defs = toDefinitions(up.declares) as Record<string, { name?: string }[]>;
    expect(defs.queues!.map((q) => q.name).sort()).toEqual(['__proto__', 'b', 'b[c]', 'prototype', 'toString']);
    expect(defs.bindings).toHaveLength(5);
    const down = objectChanges(group.objects, emptyObjects());
    expect([...down.deletes.queues].sort()).toEqual(['__proto__', 'b', 'b[c]', 'prototype', 'toString']);
    expect(objectChanges(group.objects, group.objects).declares.queues).toEqual({});
  });

  it('reads back only the managed objects: a live queue named constructor is not one of them', () => {
    const live: LiveVhost = {
      exchanges: [],
      queues: [
        { name: '__proto__', durable: true, auto_delete: false, arguments: parse('{"__proto__":"y"}') },
        { name: 'constructor', durable: true, auto_delete: false, arguments: {} },
        { name: 'valueOf', durable: true, auto_delete: false, arguments: {} },
      ],
      bindings: [],
      policies: [],
      operatorPolicies: [],
    };
    const read = liveObjects(group.objects, live);
    expect(Object.keys(read.queues)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(read.queues, '__proto__')!.value).toEqual(
      Object.getOwnPropertyDescriptor(group.objects.queues, '__proto__')!.value,
    );
  });

  it('protects a queue named __proto__ like any other, and no queue it never had', () => {
    const without = { ...group.objects, queues: Object.fromEntries(Object.entries(group.objects.queues).slice(1)) };
    expect(Object.keys(without.queues)).not.toContain('__proto__');
    expect(protectRefusals('v', group.objects, ['__proto__'], without, [])).toEqual([
      'queue v/__proto__ is protected (warren:protectQueues); it cannot be deleted until a deployment unprotects it',
    ]);
    expect(protectRefusals('v', group.objects, ['constructor'], group.objects, [])).toHaveLength(1);
  });
});

describe('change descriptions', () => {
  it('name an argument `a.b` apart from an argument `a` holding `b`', () => {
    const before = JSON.stringify({ arguments: { 'a.b': 1 } });
    const after = JSON.stringify({ arguments: { a: { b: 1 } } });
    expect(describeChange(before, after)).toBe('arguments.a.b (unset) → 1, arguments["a.b"] 1 → (unset)');
    expect(describeChange('{"arguments":{"__proto__":1}}', '{"arguments":{"__proto__":2}}')).toBe(
      'arguments.__proto__ 1 → 2',
    );
  });
});

describe('warren import of names that are members of every JavaScript object', () => {
  const vhost = (name: string) => ({ name });

  it('reads an apply-to, a hashing algorithm and shovel keys named so as unknown words, not as members', () => {
    const d = parse<Definitions>(
      JSON.stringify({
        vhosts: [vhost('v')],
        users: [{ name: 'u', password_hash: 'abc', hashing_algorithm: 'constructor', tags: [] }],
        policies: [{ name: 'p', vhost: 'v', pattern: '^q$', 'apply-to': 'constructor', priority: 0, definition: {} }],
        queues: [{ name: 'q', vhost: 'v', durable: true, auto_delete: false, arguments: {} }],
        parameters: [
          {
            component: 'shovel',
            name: 's',
            vhost: 'v',
            value: parse('{"src-uri":"amqp://","src-queue":"q","dest-uri":"amqp://","constructor":1,"__proto__":2}'),
          },
        ],
      }),
    );
    const t = importDefinitions('defs.json', d);
    expect(t.users.get('u')).toEqual({});
    expect(t.vhosts.get('v')!.policies).toEqual({
      p: { pattern: '^q$', applyTo: 'constructor', priority: 0, definition: {} },
    });
    expect(t.findings.map((f) => `${f.code} ${f.pointer}`)).toEqual([
      'import-skipped /parameters/0/value/constructor',
      'import-skipped /parameters/0/value/__proto__',
      'import-skipped /users/0/hashing_algorithm',
    ]);
  });

  it('gives two upstreams whose names read alike in a secret key two secret keys, not one for two passwords', () => {
    const upstream = (v: string, password: string) => ({
      component: 'federation-upstream',
      vhost: v,
      name: 'up',
      value: { uri: `amqp://user:${password}@remote` },
    });
    const d = parse<Definitions>(
      JSON.stringify({
        vhosts: [vhost('a b'), vhost('a_b')],
        parameters: [upstream('a b', 'one'), upstream('a_b', 'two')],
      }),
    );
    const t = importDefinitions('defs.json', d);
    const keyOf = (v: string) =>
      (t.vhosts.get(v)!.federationUpstreams!.up as { uri: { password: { secret: string } } }).uri.password.secret;
    expect([keyOf('a b'), keyOf('a_b')]).toEqual(['upstream.a_b.up', 'upstream.a_b.up-2']);
  });

  it('keeps two objects whose names spell the words of another identity', () => {
    const q = (name: string, v: string) => ({ name, vhost: v, durable: true, auto_delete: false, arguments: {} });
    const d = parse<Definitions>(
      JSON.stringify({
        vhosts: [vhost('c'), vhost('b in vhost c')],
        queues: [q('a in vhost b', 'c'), q('a', 'b in vhost c')],
      }),
    );
    const t = importDefinitions('defs.json', d);
    expect(t.findings).toEqual([]);
    expect(Object.keys(t.vhosts.get('c')!.queues ?? {})).toEqual(['a in vhost b']);
    expect(Object.keys(t.vhosts.get('b in vhost c')!.queues ?? {})).toEqual(['a']);
  });
});

describe('generated topologies with hostile names', () => {
  it('plan one entry per object, with distinct ids, and a vhost group holds each of them', () => {
    const objectName = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), hostileName);
    const doc = fc.record({
      vhost: objectName,
      queues: fc.uniqueArray(objectName, { maxLength: 6 }),
      headers: fc.dictionary(fc.constantFrom(...PROTOTYPE_NAMES, 'format'), fc.constantFrom('a', 'b'), {
        maxKeys: 3,
      }),
    });
    fc.assert(
      fc.property(doc, ({ vhost, queues, headers }) => {
        // Empty names, lone surrogates and line breaks (which RabbitMQ strips: invalid-name) are refused by validate.
        const ok = queues.filter((q) => q !== '' && !/[\uD800-\uDFFF\r\n]/.test(q));
        if (vhost === '' || /[\r\n]/.test(vhost)) return;
        const data = {
          version: 1,
          vhosts: Object.fromEntries([
            [
              vhost,
              {
                exchanges: Object.fromEntries([['h', { type: 'headers' }]]),
                queues: Object.fromEntries(ok.map((q) => [q, {}])),
                bindings: ok.map((q) => ({ from: 'h', to: q, headers })),
              },
            ],
          ]),
        };
        const dir = tmp();
        writeFileSync(join(dir, 't.json'), JSON.stringify(data));
        const { valid, model, diagnostics } = loadTopology({ paths: [join(dir, 't.json')] });
        expect(valid, JSON.stringify(diagnostics)).toBe(true);
        const plan = compilePlan(model);
        const ids = plan.entries.map((e) => e.id);
        expect(new Set(ids).size).toBe(ids.length);
        const queueEntries = plan.entries.filter((e) => e.kind === 'queue').map((e) => ('name' in e ? e.name : ''));
        expect(queueEntries.sort()).toEqual([...ok].sort());
        const group = groupByVhost(plan, false)[0]!;
        expect(Object.keys(group.objects.queues).sort()).toEqual([...ok].sort());
        expect(Object.keys(group.objects.bindings)).toHaveLength(ok.length);
        for (const b of Object.values(group.objects.bindings))
          expect(Object.keys(b.arguments).sort()).toEqual([...Object.keys(headers), 'x-match'].sort());
      }),
      { numRuns: 150 },
    );
  });
});
