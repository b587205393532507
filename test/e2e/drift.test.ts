// warren drift on the real engine and the local broker: after `pulumi up`,
// the broker matches its topology (exit 0); then changes made by hand — a
// queue deleted, a binding added, a policy changed, a permission widened, an
// unmanaged queue, a policy from elsewhere over a declared queue — are each
// reported with their class and the YAML line that declares the object
// (exit 4), through a proxy that proves drift only sends GET requests, and
// with the broker's object counts unchanged. `pulumi up --refresh` puts the
// declared objects back, and `--stack` compares with the environment's
// overrides.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../support/run-cli.js';
import { api, enc, eventually } from './support/broker.js';
import { E2EProject } from './support/e2e-project.js';

const V = 'e2d-shop';
const TOPOLOGY = `version: 1
vhosts:
  ${V}:
    exchanges:
      orders: { type: topic }
    queues:
      audit: { messageTtl: 60000 }
      orders-us: { type: quorum, deliveryLimit: 5 }
    bindings:
      - { from: orders, to: orders-us, key: "order.us.#" }
      - { from: orders, to: audit, key: "#" }
    policies:
      limit-audit: { pattern: "^audit$", applyTo: queues, definition: { max-length: 1000 } }
users:
  e2d-app:
    password: { secret: orderServicePassword }
    permissions:
      ${V}: { configure: "^$", write: "^orders$", read: "^orders-.*" }
`;
/** The line of the first line holding `text` (1-based). */
const lineOf = (text: string) => TOPOLOGY.split('\n').findIndex((l) => l.includes(text)) + 1;

/** A proxy to the management API that records each request's method and path. */
const seen: string[] = [];
let proxy: Server;
let proxyUrl = '';

describe('warren drift against the local broker, after pulumi up', () => {
  const project = new E2EProject({ 'shop.yaml': TOPOLOGY });
  const file = join(project.dir, 'topology', 'shop.yaml');
  const drift = (...args: string[]) =>
    runCliAsync(['drift', join(project.dir, 'topology'), '--broker', proxyUrl, ...args], {
      env: { WARREN_BROKER_USER: 'guest', WARREN_BROKER_PASSWORD: 'guest' },
      timeout: 60_000,
    });
  const counts = async () => {
    const d = (await api<Record<string, unknown[]>>(`/definitions/${enc(V)}`)).body;
    const perms = (await api<unknown[]>(`/vhosts/${enc(V)}/permissions`)).body;
    return ['queues', 'exchanges', 'bindings', 'policies'].map((k) => d[k]?.length).concat(perms.length);
  };

  beforeAll(async () => {
    proxy = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const forward = request(
        { host: '127.0.0.1', port: 15672, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    project.init();
    project.setConfig({ 'warren:granularity': 'vhost' });
    const up = project.pulumi('up', '--yes', '--skip-preview');
    expect(up.code, up.output).toBe(0);
  }, 300_000);
  afterAll(async () => {
    project.pulumi('destroy', '--yes', '--skip-preview');
    await api(`/vhosts/${enc(V)}`, 'DELETE').catch(() => undefined);
    await api('/users/e2d-app', 'DELETE').catch(() => undefined);
    proxy?.closeAllConnections();
    proxy?.close();
  });

  it('finds no drift right after up (once the broker reports every queue’s policy)', async () => {
    const r = await eventually(async () => {
      const run = await drift();
      return run.stderr.includes('unknown') ? undefined : run;
    }, 60_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
  }, 120_000);

  it('reports each change made by hand with its class and YAML line, reading only', async () => {
    await api(`/queues/${enc(V)}/audit`, 'DELETE');
    await api(`/bindings/${enc(V)}/e/orders/q/orders-us`, 'POST', { routing_key: 'manual.#' });
    await api(`/policies/${enc(V)}/limit-audit`, 'PUT', {
      pattern: '^audit$',
      'apply-to': 'queues',
      priority: 0,
      definition: { 'max-length': 10 },
    });
    await api(`/permissions/${enc(V)}/e2d-app`, 'PUT', { configure: '.*', write: '.*', read: '.*' });
    await api(`/queues/${enc(V)}/debug`, 'PUT', { durable: true });
    await api(`/policies/${enc(V)}/hand-limit`, 'PUT', {
      pattern: '^orders-us$',
      'apply-to': 'queues',
      priority: 50,
      definition: { 'max-length': 7 },
    });
    const before = await counts();
    seen.length = 0;
    type Entry = {
      kind: string;
      type: string;
      name: string;
      fields?: string[];
      line?: number;
      file?: string;
      policy?: string;
    };
    const r = await eventually(async () => {
      const run = await drift('--format', 'json');
      const out = JSON.parse(run.stdout) as { drift: Entry[] };
      // The override shows once the broker has re-evaluated the queue's policy.
      return out.drift.some((d) => d.kind === 'overridden') ? { run, out } : undefined;
    }, 60_000);
    expect(r.run.code).toBe(4);
    const found = r.out.drift.map((d) => [d.kind, d.type, d.name, d.fields ?? null, d.line ?? null]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['missing', 'queue', 'audit', null, lineOf('audit: {')],
        ['missing', 'binding', 'orders>queue:audit[#]', null, lineOf('to: audit')],
        ['changed', 'policy', 'limit-audit', ['definition.max-length'], lineOf('limit-audit:')],
        ['changed', 'permissions', 'e2d-app', ['configure', 'write', 'read'], lineOf(`${V}: { configure`)],
        ['unmanaged', 'queue', 'debug', null, lineOf(`  ${V}:`)],
        ['unmanaged', 'binding', 'orders>queue:orders-us[manual.#]', null, lineOf(`  ${V}:`)],
        ['unmanaged', 'policy', 'hand-limit', null, lineOf(`  ${V}:`)],
        ['overridden', 'queue', 'orders-us', ['max-length'], lineOf('orders-us: {')],
      ]),
    );
    expect(r.out.drift.every((d) => d.file === file)).toBe(true);
    // The settings policy warren wrote for audit stays (a policy outlives its queue): only the queue is missing.
    expect(found.length).toBe(8);
    // Text and GitHub annotations say the same, at the same places.
    const text = await drift();
    expect(text.code).toBe(4);
    expect(text.stdout).toContain(`${file}:${lineOf('audit: {')}:7: warning drift-missing: queue "audit"`);
    const github = await drift('--format', 'github');
    expect(github.stdout.match(/^::warning /gm)?.length).toBe(8);
    // Only reads: no other method reached the broker, and it holds what it held.
    expect(seen.length).toBeGreaterThan(0);
    for (const s of seen) expect(s).toMatch(/^GET \/api\//);
    expect(await counts()).toEqual(before);
  }, 180_000);

  it('after pulumi up --refresh only what nobody declared is left; --kind narrows it down', async () => {
    // Without --refresh the engine compares with its state, which still holds what was declared: no change.
    const up = project.pulumi('up', '--refresh', '--yes', '--skip-preview');
    expect(up.code, up.output).toBe(0);
    const left = await drift('--format', 'json');
    const kinds = (JSON.parse(left.stdout) as { drift: { kind: string; type: string; name: string }[] }).drift
      .filter((d) => d.kind !== 'overridden')
      .map((d) => `${d.kind} ${d.type} ${d.name}`);
    expect(kinds.sort()).toEqual([
      'unmanaged binding orders>queue:orders-us[manual.#]',
      'unmanaged policy hand-limit',
      'unmanaged queue debug',
    ]);
    expect((await drift('--kind', 'missing', '--kind', 'changed')).code).toBe(0);
    await api(`/queues/${enc(V)}/debug`, 'DELETE');
    await api(`/policies/${enc(V)}/hand-limit`, 'DELETE');
    await api(`/bindings/${enc(V)}/e/orders/q/orders-us/manual.%23`, 'DELETE');
    const clean = await eventually(async () => {
      const run = await drift();
      return run.code === 0 ? run : undefined;
    }, 60_000);
    expect(clean.stderr).toContain('no drift');
  }, 300_000);

  it("--stack compares with the environment's topology: its overrides", async () => {
    project.setConfig({ 'warren:overrides': { vhosts: { [V]: { queues: { audit: { messageTtl: 30000 } } } } } });
    const up = project.pulumi('up', '--yes', '--skip-preview');
    expect(up.code, up.output).toBe(0);
    expect((await drift('--stack', project.stackFile())).code).toBe(0);
    const without = await drift('--format', 'json');
    expect(without.code).toBe(4);
    const changed = (JSON.parse(without.stdout) as { drift: { type: string; name: string; fields?: string[] }[] })
      .drift;
    expect(changed.map((d) => [d.type, d.name, d.fields])).toEqual([
      ['policy', 'warren.queue.audit', ['definition.message-ttl']],
    ]);
  }, 300_000);
});
