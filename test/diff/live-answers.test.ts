// Live answers are the broker's own, or "unknown": every way a management API
// answer can fail to say what a queue holds (no count yet, not a count, another
// object, another server) against a local HTTP server that answers so on
// purpose; and names no path can hold (`.`, `..`) are never asked about.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBrokerUrl, type BrokerAddress } from '../../src/broker/read-management.js';
import { annotateLive } from '../../src/diff/annotate-live.js';
import type { Change } from '../../src/diff/diff-plans.js';
import { type LiveCount, readLiveCounts, refKey } from '../../src/diff/read-live-counts.js';
import { readList, readOne } from '../../src/pulumi/dynamic/management-api.js';

type Answer = { status: number; body: string; type?: string };
/** What the server answers for a request path (as it arrived, still encoded). */
let answer: (path: string) => Answer = () => ({ status: 404, body: '' });
const paths: string[] = [];
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    paths.push(req.url!);
    const a = answer(req.url!);
    res.writeHead(a.status, { 'content-type': a.type ?? 'application/json' }).end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const NOT_FOUND = { status: 404, body: '{"error":"Object Not Found","reason":"Not Found"}' };
const queue = (fields: object) => ({ status: 200, body: JSON.stringify({ name: 'q', vhost: 'v', ...fields }) });
const broker = () => parseBrokerUrl(`${url}`) as BrokerAddress;

async function countFor(a: Answer, ref = { vhost: 'v', name: 'q' }): Promise<LiveCount> {
  answer = () => a;
  return (await readLiveCounts(broker(), [ref])).get(refKey(ref))!;
}

describe('diff --broker counts', () => {
  it("are the broker's figures when it gives them", async () => {
    expect(await countFor(queue({ messages: 1204, consumers: 2 }))).toEqual({ messages: 1204, consumers: 2 });
    expect(await countFor(NOT_FOUND)).toEqual({ absent: true });
  });

  it('are unknown, never 0, when the broker gives none (a queue whose statistics are not emitted yet)', async () => {
    const none = await countFor(queue({}));
    expect(none).not.toHaveProperty('messages');
    expect(none).not.toHaveProperty('consumers');
    expect(none).toHaveProperty('unknown');
    // One figure known, the other not: the known one is kept, and the count is still marked unknown.
    expect(await countFor(queue({ messages: 7 }))).toMatchObject({ messages: 7, unknown: expect.any(String) });
    expect(await countFor(queue({ consumers: 1 }))).not.toHaveProperty('messages');
  });

  it.each([
    ['a string', { messages: '5', consumers: 0 }],
    ['negative', { messages: -1, consumers: 0 }],
    ['fractional', { messages: 1.5, consumers: 0 }],
    ['null', { messages: null, consumers: 0 }],
  ])('are unknown when the count is %s', async (_, fields) => {
    const count = await countFor(queue(fields));
    expect(count).not.toHaveProperty('messages');
    expect(count).toHaveProperty('unknown');
  });

  it.each([
    ['a list (what /api/queues/v/.. turns into)', { status: 200, body: '[{"name":"q","vhost":"v","messages":0}]' }],
    ['another queue', { status: 200, body: '{"name":"other","vhost":"v","messages":0,"consumers":0}' }],
    ['the same name in another vhost', { status: 200, body: '{"name":"q","vhost":"w","messages":0,"consumers":0}' }],
    ['no body', { status: 200, body: '' }],
    ['JSON null', { status: 200, body: 'null' }],
    ['an HTML page with 200', { status: 200, body: '<html>login</html>', type: 'text/html' }],
    ["a 404 that is not RabbitMQ's (a wrong port or path)", { status: 404, body: '<h1>Not Found</h1>' }],
    ['a 500', { status: 500, body: '{}' }],
  ])('are unknown when the answer is %s', async (_, a) => {
    const count = await countFor(a);
    expect(count).toHaveProperty('unknown');
    expect(count).not.toHaveProperty('messages');
    expect(count).not.toHaveProperty('absent');
  });

  it('name each queue in one encoded path segment; `.` and `..` are never asked about', async () => {
    answer = () => NOT_FOUND;
    paths.length = 0;
    const refs = [
      { vhost: '/', name: 'a/b' },
      { vhost: '?x', name: '#' },
      { vhost: '%2e', name: '%2E%2E' },
      { vhost: 'v', name: '..' },
      { vhost: '.', name: 'q' },
    ];
    const counts = await readLiveCounts(broker(), refs);
    expect(paths).toEqual(['/api/queues/%2F/a%2Fb', '/api/queues/%3Fx/%23', '/api/queues/%252e/%252E%252E']);
    expect(counts.get(refKey(refs[3]!))).toHaveProperty('unknown');
    expect(counts.get(refKey(refs[4]!))).toHaveProperty('unknown');
  });
});

describe('the diff text with counts unknown', () => {
  const change = (kind: string, reason: string): Change =>
    ({
      vhost: 'v',
      id: `v/${kind}/q`,
      name: 'q',
      kind,
      action: 'change',
      class: 'data-losing',
      access: false,
      reason,
      atRisk: ['q'],
    }) as unknown as Change;
  const annotate = (c: Change, live: LiveCount) =>
    annotateLive([c], new Map([[refKey({ vhost: 'v', name: 'q' }), live]]))[0]!;
  const redeclared = change(
    'queue',
    'queue q: arguments.x-queue-type "classic" → "quorum" requires re-declaring; its messages would be lost',
  );
  const capped = change('queue-settings', 'queue q: maxLength 10 → 1 drops messages');

  it('says the count is unknown and why, and keeps what is known', () => {
    expect(annotate(redeclared, { unknown: 'no count yet' }).reason).toMatch(
      /its messages would be lost \(count unknown: no count yet\)$/,
    );
    expect(annotate(redeclared, { unknown: 'no count yet', consumers: 2 }).reason).toMatch(
      /\(count unknown: no count yet\); 2 consumers are connected$/,
    );
    expect(annotate(redeclared, { unknown: 'no consumer count', messages: 3 }).reason).toMatch(
      /; 3 messages would be lost; consumer count unknown: no consumer count$/,
    );
    expect(annotate(capped, { unknown: 'no count yet' }).reason).toMatch(/; count unknown: no count yet$/);
    expect(annotate(capped, { unknown: 'x' }).reason).not.toMatch(/\b0 messages\b/);
  });
});

describe("the dynamic providers' reads", () => {
  const conn = () => ({ url, username: 'u', password: 'p' });

  it("take RabbitMQ's own 404 for gone, and nothing else", async () => {
    answer = () => NOT_FOUND;
    expect(await readOne(conn(), '/vhosts/v', { name: 'v' })).toBeUndefined();
    expect(await readList(conn(), '/vhost-limits/v')).toEqual([]);
    answer = () => ({ status: 404, body: '{}' });
    await expect(readOne(conn(), '/vhosts/v', { name: 'v' })).rejects.toThrow(/answered 404 without RabbitMQ's/);
    await expect(readList(conn(), '/vhost-limits/v')).rejects.toThrow(/answered 404 without RabbitMQ's/);
  });

  it('take an answer for the object asked about only', async () => {
    answer = () => ({ status: 200, body: '{"name":"v","tags":[]}' });
    expect(await readOne(conn(), '/vhosts/v', { name: 'v' })).toEqual({ name: 'v', tags: [] });
    await expect(readOne(conn(), '/vhosts/w', { name: 'w' })).rejects.toThrow(/without the object asked for/);
    answer = () => ({ status: 200, body: '[{"name":"v"}]' });
    await expect(readOne(conn(), '/vhosts/v', { name: 'v' })).rejects.toThrow(/without the object asked for/);
    answer = () => ({ status: 200, body: '{"value":{}}' });
    await expect(readList(conn(), '/vhost-limits/v')).rejects.toThrow(/without the list asked for/);
  });
});
