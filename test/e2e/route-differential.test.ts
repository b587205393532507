// Differential test of `warren route`: a topology full of routing edge cases
// is put on the real broker (its plan as definitions, through the management
// API), hundreds of generated keys and header sets are published, and where
// each message landed is compared with what the routing engine says. Among
// them: headers bindings by raw arguments (x-match any, x-match absent, values
// of every type), alternate exchanges set by a policy and by an argument (the
// argument wins), one that names no exchange, and a built-in exchange a policy
// gives an alternate.
import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planToDefinitions } from '../../src/export/plan-to-definitions.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import { RoutingIndex } from '../../src/route/route-message.js';
import { loadTopology } from '../../src/load-topology.js';
import { api, connect, enc } from './support/broker.js';
import { runCli } from '../support/run-cli.js';

const VHOST = 'e2e-routing';
const TOPOLOGY = `version: 1
vhosts:
  ${VHOST}:
    exchanges:
      direct: { type: direct, alternateExchange: ae }
      topic: { type: topic }
      fan: { type: fanout }
      hdr: { type: headers, alternateExchange: ae2 }
      ae: { type: fanout }
      ae2: { type: topic, alternateExchange: ae }
      hop: { type: topic }
      loop: { type: fanout }
      hraw: { type: headers }
      pol: { type: direct }
      polarg: { type: direct, arguments: { alternate-exchange: argae } }
      ghost: { type: direct, arguments: { alternate-exchange: nowhere } }
      polae: { type: fanout }
      argae: { type: fanout }
    queues:
      d-a: {}
      d-b: {}
      t-hash: {}
      t-star: {}
      t-az: {}
      t-end: {}
      t-empty: {}
      t-two: {}
      f-1: {}
      h-all: {}
      h-any: {}
      h-allx: {}
      h-anyx: {}
      h-none: {}
      caught: {}
      caught2: {}
      hopped: {}
      r-any: {}
      r-absent: {}
      r-num: {}
      r-text: {}
      r-bool: {}
      r-allx: {}
      r-empty-any: {}
      r-list: {}
      p-caught: {}
      a-caught: {}
      p-direct: {}
    bindings:
      - { from: direct, to: d-a, key: a }
      - { from: direct, to: d-b, key: a }
      - { from: direct, to: d-b, key: b.c }
      - { from: direct, toExchange: topic, key: a }
      - { from: topic, to: t-hash, key: "#" }
      - { from: topic, to: t-star, key: "*" }
      - { from: topic, to: t-az, key: "a.#.z" }
      - { from: topic, to: t-end, key: "#.end" }
      - { from: topic, to: t-empty, key: "" }
      - { from: topic, to: t-two, key: "*.*" }
      - { from: topic, toExchange: hop, key: "order.*" }
      - { from: hop, to: hopped, key: "#.us" }
      - { from: fan, to: f-1, key: ignored }
      - { from: fan, toExchange: loop }
      - { from: loop, toExchange: fan }
      - { from: loop, toExchange: direct }
      - { from: hdr, to: h-all, match: all, headers: { format: pdf, type: report } }
      - { from: hdr, to: h-any, match: any, headers: { format: csv, x-tag: a } }
      - { from: hdr, to: h-allx, match: all-with-x, headers: { format: pdf, x-tag: a } }
      - { from: hdr, to: h-anyx, match: any-with-x, headers: { x-tag: a } }
      - { from: hdr, to: h-none, match: all, headers: {} }
      - { from: ae, to: caught }
      - { from: ae2, to: caught2, key: "nothing.matches.this" }
      - { from: hraw, to: r-any, arguments: { x-match: any, format: pdf, n: 1 } }
      - { from: hraw, to: r-absent, arguments: { format: pdf, kind: report } }
      - { from: hraw, to: r-num, arguments: { n: 1 } }
      - { from: hraw, to: r-text, arguments: { n: "1" } }
      - { from: hraw, to: r-bool, arguments: { x-match: any, flag: true } }
      - { from: hraw, to: r-allx, arguments: { x-match: all-with-x, x-k: v } }
      - { from: hraw, to: r-empty-any, arguments: { x-match: any } }
      - { from: hraw, to: r-list, arguments: { n: [1] } }
      - { from: pol, to: d-a, key: a }
      - { from: polarg, to: d-a, key: a }
      - { from: ghost, to: d-a, key: a }
      - { from: polae, to: p-caught }
      - { from: argae, to: a-caught }
      - { from: amq.direct, to: p-direct, key: a }
    policies:
      alternates:
        pattern: "^(pol|polarg|ghost|amq\\\\.direct)$"
        applyTo: exchanges
        definition: { alternate-exchange: polae }
`;

const WORDS = ['a', 'z', 'end', 'order', 'us', ''];
function keys(): string[] {
  const out = new Set<string>(['', 'b.c', 'a', 'order.us', 'order.x.us', 'a..z']);
  for (const w1 of WORDS) {
    out.add(w1);
    for (const w2 of WORDS) {
      out.add(`${w1}.${w2}`);
      for (const w3 of ['a', 'z', 'end', 'us']) out.add(`${w1}.${w2}.${w3}`);
    }
  }
  return [...out];
}
function headerSets(): Record<string, string>[] {
  const options: [string, string[]][] = [
    ['format', ['pdf', 'csv']],
    ['type', ['report']],
    ['x-tag', ['a', 'b']],
  ];
  let sets: Record<string, string>[] = [{}];
  for (const [name, values] of options) sets = sets.flatMap((s) => [s, ...values.map((v) => ({ ...s, [name]: v }))]);
  return sets;
}

/** Header sets for the raw-argument bindings: strings, numbers and booleans, each name alone and with others. */
function rawHeaderSets(): Record<string, string | number | boolean>[] {
  const options: [string, (string | number | boolean)[]][] = [
    ['format', ['pdf', 'doc']],
    ['kind', ['report']],
    ['n', [1, 1.5, '1', 2]],
    ['flag', [true, 'true', 1]],
    ['x-k', ['v']],
  ];
  let sets: Record<string, string | number | boolean>[] = [{}];
  for (const [name, values] of options) sets = sets.flatMap((s) => [s, ...values.map((v) => ({ ...s, [name]: v }))]);
  return sets;
}

afterAll(() => api(`/vhosts/${enc(VHOST)}`, 'DELETE'));

it('routes every generated message where the broker does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-route-'));
  const file = join(dir, 'routing.yaml');
  writeFileSync(file, TOPOLOGY);
  const validation = loadTopology({ paths: [file] });
  expect(validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  await api(`/vhosts/${enc(VHOST)}`, 'DELETE');
  const imported = await api('/definitions', 'POST', planToDefinitions(compilePlan(validation.model)).definitions);
  expect(imported.status).toBeLessThan(300);

  const index = new RoutingIndex(validation.model.vhosts.get(VHOST)!);
  const cases: { exchange: string; key: string; headers: Record<string, string | number | boolean> }[] = [];
  for (const exchange of ['direct', 'topic', 'fan', 'loop', ''])
    for (const key of keys()) cases.push({ exchange, key, headers: {} });
  for (const headers of headerSets()) cases.push({ exchange: 'hdr', key: 'x', headers });
  for (const headers of rawHeaderSets()) cases.push({ exchange: 'hraw', key: '', headers });
  for (const exchange of ['pol', 'polarg', 'ghost', 'amq.direct'])
    for (const key of ['a', 'b']) cases.push({ exchange, key, headers: {} });
  cases.push(...['d-a', 'caught', 'no-such-queue'].map((key) => ({ exchange: '', key, headers: {} })));

  const conn = await connect(VHOST);
  const ch = await conn.createConfirmChannel();
  for (const [i, c] of cases.entries()) ch.publish(c.exchange, c.key, Buffer.from(String(i)), { headers: c.headers });
  // The header 1 sent as an AMQP double: Erlang's == finds it equal to the binding's integer 1, as warren does.
  const double = cases.length;
  ch.publish('hraw', '', Buffer.from(String(double)), { headers: { n: { '!': 'double', value: 1 } } });
  await ch.waitForConfirms();
  const landed = new Map<number, string[]>();
  for (const queue of Object.keys(
    validation.model.vhosts.get(VHOST)!.queues ? Object.fromEntries(validation.model.vhosts.get(VHOST)!.queues) : {},
  )) {
    for (let m = await ch.get(queue, { noAck: true }); m; m = await ch.get(queue, { noAck: true })) {
      const i = Number(m.content.toString());
      landed.set(i, [...(landed.get(i) ?? []), queue].sort());
    }
  }
  await conn.close();

  const mismatches = cases
    .map((c, i) => ({
      ...c,
      broker: landed.get(i) ?? [],
      warren: index.route(c.exchange, { key: c.key, headers: c.headers }).queues,
    }))
    .filter((r) => JSON.stringify(r.broker) !== JSON.stringify(r.warren));
  expect(landed.get(double)).toEqual(index.route('hraw', { key: '', headers: { n: 1 } }).queues);
  expect(landed.get(double)).toContain('r-num');
  expect(cases.length).toBeGreaterThan(500);
  expect(landed.size).toBeGreaterThan(300);
  expect(mismatches).toEqual([]);

  // The command line gives the same answer as the engine it wraps.
  const cli = runCli([
    'route',
    file,
    '--vhost',
    VHOST,
    '--exchange',
    'hdr',
    '--header',
    'format=pdf',
    '--header',
    'type=report',
    '--format',
    'json',
  ]);
  expect(cli.code).toBe(0);
  expect(JSON.parse(cli.stdout).queues).toEqual(
    index.route('hdr', { key: '', headers: { format: 'pdf', type: 'report' } }).queues,
  );
}, 120_000);
