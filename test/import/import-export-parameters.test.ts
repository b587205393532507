// Issue 16's round trip: a broker's definitions holding federation upstreams
// (one URI and a list), an upstream set, shovels (queue → exchange, exchange →
// queue, each srcDeleteAfter form) and super streams → `warren import` →
// `warren export` gives the same parameters and objects, secrets aside: a
// password never reaches the topology or the export, only its secret's key.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparableParameters } from '../support/comparable-parameters.js';
import { runCli, STACK_TRACE } from '../support/run-cli.js';

const FIXTURE = 'test/fixtures/import/federation-shovels.json';

type Doc = Record<string, Record<string, unknown>[]>;

const parameters = (doc: Doc) => comparableParameters(doc.parameters);

const objects = (doc: Doc, list: string) =>
  (doc[list] ?? []).map((x) => JSON.stringify(x, Object.keys(x).sort())).sort();

function roundTrip(definitions: string) {
  const dir = mkdtempSync(join(tmpdir(), 'warren-params-'));
  writeFileSync(join(dir, 'defs.json'), definitions);
  const imported = runCli(['import', join(dir, 'defs.json'), '-o', join(dir, 'topology'), '--format', 'json']);
  const exported = runCli(['export', join(dir, 'topology')]);
  return { dir, imported, exported };
}

describe('federation and shovel parameters: import then export', () => {
  const source = readFileSync(join(import.meta.dirname, '..', '..', FIXTURE), 'utf8');
  const original = JSON.parse(source) as Doc;
  const { dir, imported, exported } = roundTrip(source);

  it('gives the same parameters, secrets aside', () => {
    expect(imported.code).toBe(0);
    expect(exported.code).toBe(0);
    const again = JSON.parse(exported.stdout) as Doc;
    expect(parameters(again)).toEqual(parameters(original));
    expect(parameters(original)).toHaveLength(6);
  });

  it('gives the super streams back as the exchanges, streams and bindings the broker had', () => {
    const again = JSON.parse(exported.stdout) as Doc;
    for (const list of ['exchanges', 'queues', 'bindings'])
      expect(objects(again, list)).toEqual(objects(original, list));
    const topology = readFileSync(join(dir, 'topology', 'fmt-a.yaml'), 'utf8');
    expect(topology).toContain('invoices: { partitions: 2, maxAge: 7d, maxSegmentSize: 500MB }');
    expect(topology).toMatch(/orders:\s+routingKeys: \[ eu, us \]/);
  });

  it('never writes a password: the topology names secrets, the export holds placeholders and says which keys', () => {
    const topology = readFileSync(join(dir, 'topology', 'fmt-a.yaml'), 'utf8');
    for (const text of [topology, exported.stdout, exported.stderr, imported.stdout, imported.stderr]) {
      expect(text).not.toContain('s3cr');
      expect(text).not.toContain('pa55');
    }
    expect(topology).toContain('password: { secret: upstream.fmt-a.remote.0 }');
    const secrets = (
      JSON.parse(imported.stdout) as { problems: { code: string; line: number; col: number }[] }
    ).problems
      .filter((p) => p.code === 'import-secret')
      .map((p) => `${p.line}:${p.col}`);
    expect(secrets).toEqual(['29:98', '33:139']);
    expect(exported.stdout).toContain('amqp://fed:warren-secret%3Aupstream.fmt-a.remote.0@b1.example/b');
    expect(exported.stderr).toContain('stack secret upstream.fmt-a.remote.0');
    expect(exported.stderr).toContain('stack secret shovel.fmt-a.counted.dest');
  });

  it("importing warren's own export again gives the same topology: placeholders come back as the same secrets", () => {
    const second = roundTrip(exported.stdout);
    expect(second.imported.code).toBe(0);
    expect(readFileSync(join(second.dir, 'topology', 'fmt-a.yaml'), 'utf8')).toBe(
      readFileSync(join(dir, 'topology', 'fmt-a.yaml'), 'utf8'),
    );
    expect(second.exported.stdout).toBe(exported.stdout);
  });
});

describe('parameters warren cannot hold', () => {
  it('are skipped or trimmed at their place in the export, never with a stack trace', () => {
    const doc = {
      vhosts: [{ name: 'v' }],
      parameters: [
        { component: 'federation-upstream', vhost: 'v', name: 'no-uri', value: { 'prefetch-count': 5 } },
        {
          component: 'federation-upstream',
          vhost: 'v',
          name: 'extra',
          value: { uri: 'amqp://h', 'bind-nowait': true, 'max-hops': 0 },
        },
        { component: 'federation-upstream-set', vhost: 'v', name: 'set', value: 'not a list' },
        {
          component: 'shovel',
          vhost: 'v',
          name: 'many',
          value: { 'src-uri': ['amqp://a', 'amqp://b'], 'src-queue': 'q', 'dest-uri': 'amqp://c' },
        },
        {
          component: 'shovel',
          vhost: 'v',
          name: 'legacy',
          value: {
            'src-uri': 'amqp://a',
            'src-queue': 'q',
            'dest-uri': 'amqp://c',
            'prefetch-count': 7,
            'delete-after': 'queue-length',
            'add-forward-headers': true,
          },
        },
        { component: 'shovel', vhost: 'v', name: 'junk', value: 42 },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'warren-params-bad-'));
    writeFileSync(join(dir, 'defs.json'), JSON.stringify(doc, null, 1));
    const r = runCli(['import', join(dir, 'defs.json'), '--format', 'json']);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    const out = JSON.parse(r.stdout) as { topology: string; problems: { code: string; pointer: string }[] };
    expect(out.problems.map((p) => `${p.code} ${p.pointer}`)).toEqual([
      'import-skipped /parameters/0/value/uri',
      'import-skipped /parameters/1/value/bind-nowait',
      'import-skipped /parameters/1/value/max-hops',
      'import-skipped /parameters/2/value',
      'import-skipped /parameters/3/value/src-uri',
      'import-skipped /parameters/5/value',
    ]);
    expect(out.topology).toContain('prefetchCount: 7');
    expect(out.topology).toContain('srcDeleteAfter: queue-length');
    expect(out.topology).toContain('addForwardHeaders: true');
    expect(r.code).toBe(0);
  });
});

describe("the federation plugin's own objects", () => {
  it('are left out of an import (the plugin makes and deletes them with its links), with their binding', () => {
    const doc = {
      vhosts: [{ name: 'b' }],
      exchanges: [
        { name: 'events', vhost: 'b', type: 'topic', durable: true, auto_delete: false, arguments: {} },
        {
          name: 'federation: events -> rabbit@vm:a:events B',
          vhost: 'b',
          type: 'x-federation-upstream',
          durable: true,
          auto_delete: true,
          internal: true,
          arguments: { 'x-internal-purpose': 'federation', 'x-max-hops': 1 },
        },
      ],
      queues: [
        {
          name: 'federation: events -> rabbit@vm:a:events',
          vhost: 'b',
          durable: true,
          auto_delete: false,
          arguments: { 'x-internal-purpose': 'federation', 'x-expires': 3600000 },
        },
      ],
    };
    const dir = mkdtempSync(join(tmpdir(), 'warren-params-link-'));
    writeFileSync(join(dir, 'defs.json'), JSON.stringify(doc, null, 1));
    const r = runCli(['import', join(dir, 'defs.json'), '--format', 'json']);
    const out = JSON.parse(r.stdout) as { topology: string; problems: { code: string; pointer: string }[] };
    expect(out.problems.map((p) => `${p.code} ${p.pointer}`)).toEqual([
      'import-skipped /exchanges/1',
      'import-skipped /queues/0',
    ]);
    expect(out.topology).not.toContain('federation:');
    expect(out.topology).toContain('events: { type: topic }');
  });
});
