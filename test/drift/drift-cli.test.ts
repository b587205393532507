// `warren drift` as users run it, against a local server standing in for the
// management API: exit codes 0, 4, 1 and 2, the contract's JSON, GitHub and
// SARIF output at YAML positions, only GET requests, and every hostile
// answer (not JSON, not the shape, an error status, no answer in time) an
// unreadable broker (exit 1, one line, no stack trace), never "no drift".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { planToDefinitions } from '../../src/export/plan-to-definitions.js';
import { loadTopology } from '../../src/load-topology.js';
import { runCliAsync } from '../support/run-cli.js';
import { standInApi } from '../support/stand-in-api.js';

const TOPOLOGY = `version: 1
vhosts:
  shop:
    exchanges:
      orders: { type: topic }
    queues:
      audit: { messageTtl: 60000 }
    bindings:
      - { from: orders, to: audit, key: "#" }
`;
const dir = mkdtempSync(join(tmpdir(), 'warren-drift-'));
const FILE = join(dir, 'shop.yaml');
writeFileSync(FILE, TOPOLOGY);
const definitions = planToDefinitions(loadTopology({ texts: [{ file: FILE, text: TOPOLOGY }] }).plan!).definitions;

type Answer = { status: number; body: string; type?: string; hang?: boolean; endless?: boolean };
let answers: Record<string, () => Answer> = {};
const requests: string[] = [];

function normal(): Record<string, () => Answer> {
  return {
    '/api/definitions': () => ({ status: 200, body: JSON.stringify(definitions) }),
    '/api/vhosts': () => ({ status: 200, body: JSON.stringify([{ name: 'shop', description: '', tags: [] }]) }),
    '/api/queues': () => ({
      status: 200,
      body: JSON.stringify([{ vhost: 'shop', name: 'audit', policy: 'warren.queue.audit', operator_policy: null }]),
    }),
  };
}

const api = standInApi((req, res) => {
  requests.push(`${req.method} ${req.url}`);
  const answer = answers[req.url!.split('?')[0]!]?.() ?? { status: 404, body: '{"error":"Object Not Found"}' };
  if (answer.hang) return;
  if (answer.endless) {
    // More than any answer may hold (MAX_ANSWER_BYTES), 1 MiB at a time, until the client hangs up.
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    res.writeHead(200, { 'content-type': 'application/json' });
    let sent = 0;
    const more = () => {
      while (sent < 600 && res.write(chunk)) sent++;
      if (sent >= 600) res.end();
    };
    res.on('drain', more);
    res.on('close', () => res.off('drain', more));
    more();
    return;
  }
  res.writeHead(answer.status, { 'content-type': answer.type ?? 'application/json' }).end(answer.body);
});

beforeEach(() => {
  answers = normal();
  requests.length = 0;
});

const drift = (...args: string[]) =>
  runCliAsync(['drift', FILE, '--broker', `http://watcher:S3cretPw@${api.url.slice('http://'.length)}`, ...args], {
    env: { WARREN_MANAGEMENT_TIMEOUT_MS: '1500' },
    timeout: 30_000,
  });

describe('warren drift against a stand-in management API', () => {
  it('exits 0 with no drift, and asks with GET only', async () => {
    const r = await drift();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no drift');
    expect(requests.length).toBe(3);
    for (const request of requests) expect(request).toMatch(/^GET \/api\//);
  });

  it('exits 4 with drift: the JSON of the contract, and annotations at the YAML line', async () => {
    answers['/api/definitions'] = () => ({
      status: 200,
      body: JSON.stringify({ ...definitions, queues: [], bindings: [] }),
    });
    const json = await drift('--format', 'json');
    expect(json.code).toBe(4);
    const out = JSON.parse(json.stdout) as { drift: Record<string, unknown>[] };
    expect(out.drift.map((d) => [d.kind, d.vhost, d.type, d.name, d.line])).toEqual([
      ['missing', 'shop', 'binding', 'orders>queue:audit[#]', 9],
      ['missing', 'shop', 'queue', 'audit', 7],
    ]);
    const github = await drift('--format', 'github');
    expect(github.code).toBe(4);
    expect(github.stdout).toContain(`::warning file=${FILE.replace(/:/g, '%3A')},line=7,col=7,title=drift-missing::`);
    const sarif = await drift('--format', 'sarif');
    const results = JSON.parse(sarif.stdout).runs[0].results as { ruleId: string }[];
    expect(results.map((r) => r.ruleId)).toEqual(['drift-missing', 'drift-missing']);
    // --kind and --ignore leave drift out; with none left, the exit is 0.
    expect((await drift('--kind', 'unmanaged')).code).toBe(0);
    expect((await drift('--ignore', 'shop/*')).code).toBe(0);
    expect((await drift('--ignore', 'shop/queue/*')).code).toBe(4);
  });

  it.each([
    ['a page that is not JSON', { status: 200, body: '<html>login</html>', type: 'text/html' }],
    ['a list where an object should be', { status: 200, body: '[]' }],
    ['queues that are not a list', { status: 200, body: JSON.stringify({ ...definitions, queues: {} }) }],
    [
      'a queue row without a name',
      { status: 200, body: JSON.stringify({ ...definitions, queues: [{ vhost: 'shop' }] }) },
    ],
    ['401', { status: 401, body: '{"error":"not_authorised"}' }],
    ['500', { status: 500, body: '' }],
    ['no answer in time', { status: 200, body: '', hang: true }],
    ['an answer larger than any the management API gives', { status: 200, body: '', endless: true }],
  ])('a broker answering %s is unreadable: exit 1, one line, no stack trace, no password', async (_, answer) => {
    answers['/api/definitions'] = () => answer;
    const r = await drift('--format', 'json');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^warren: the broker cannot be read: .+\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr + r.stdout).not.toContain('S3cretPw');
  });

  it('a queue row whose policy is not text is no answer either', async () => {
    answers['/api/queues'] = () => ({
      status: 200,
      body: JSON.stringify([{ vhost: 'shop', name: 'audit', policy: 3 }]),
    });
    expect((await drift()).code).toBe(1);
  });

  it('asks the broker nothing when the topology is invalid (exit 1), or the call is wrong (exit 2)', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nvhosts:\n  shop:\n    queues:\n      q: { type: quorom }\n');
    const invalid = await runCliAsync(['drift', bad, '--broker', api.url]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/bad\.yaml:5:\d+: error /);
    expect((await runCliAsync(['drift', FILE])).code).toBe(2);
    expect((await runCliAsync(['drift', FILE, '--broker', 'ftp://x'])).code).toBe(2);
    expect((await runCliAsync(['drift', FILE, '--broker', api.url, '--kind', 'gone'])).code).toBe(2);
    expect(requests).toEqual([]);
  });
});
