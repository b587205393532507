// `pulumi destroy`'s check that no managed queue holds messages, against a
// local HTTP server: a queue the broker gives no count for (not yet, or not a
// number) is not "empty"; destroy waits a while for the count, then refuses.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { destroyCheckProvider } from '../../src/pulumi/dynamic/destroy-check.js';
import { standInApi } from '../support/stand-in-api.js';

let answer: (n: number) => { status: number; body: unknown } = () => ({ status: 200, body: [] });
let requests: string[] = [];

const api = standInApi((req, res) => {
  requests.push(req.url!);
  const a = answer(requests.length);
  // Each request as if the broker were asked well apart in time: destroy's wait for counts is 30 s.
  vi.setSystemTime(Date.now() + 16_000);
  res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
});
afterEach(() => {
  vi.useRealTimers();
  requests = [];
});

const state = (queues: { vhost: string; name: string }[]) => ({
  connection: { url: api.url, username: 'u', password: 'p' },
  queues,
  allowNonEmpty: false,
});
const destroy = (queues: { vhost: string; name: string }[]) =>
  destroyCheckProvider.delete!('destroy-check', state(queues));
const row = (name: string, messages?: unknown) => ({
  name,
  vhost: 'shop',
  ...(messages === undefined ? {} : { messages }),
});

describe('destroy check', () => {
  it('lets empty and absent queues go, asking once per vhost with the vhost in one path segment', async () => {
    answer = () => ({ status: 200, body: [row('a', 0), row('other', 9)] });
    await destroy([
      { vhost: 'shop', name: 'a' },
      { vhost: 'shop', name: 'gone' },
    ]);
    expect(requests).toEqual(['/api/queues/shop?columns=name,vhost,messages']);
  });

  it('refuses while a migration’s temporary queue holds messages (or may), even when the stack allows non-empty queues', async () => {
    for (const messages of [5, undefined]) {
      answer = () => ({ status: 200, body: [row('a', 0), row('warren.migrate.a', messages)] });
      await expect(
        destroyCheckProvider.delete!('destroy-check', {
          ...state([{ vhost: 'shop', name: 'a' }]),
          allowNonEmpty: true,
        }),
      ).rejects.toThrow(/migration is unfinished.*shop\/warren\.migrate\.a/);
    }
    // An empty one (a migration stopped before it moved anything) holds nothing to lose.
    answer = () => ({ status: 200, body: [row('a', 0), row('warren.migrate.a', 0)] });
    await destroy([{ vhost: 'shop', name: 'a' }]);
  });

  it('refuses a queue that holds messages', async () => {
    answer = () => ({ status: 200, body: [row('a', 3)] });
    await expect(destroy([{ vhost: 'shop', name: 'a' }])).rejects.toThrow(/hold messages: shop\/a \(3 messages\)/);
  });

  it('waits for a count the broker does not give yet, and goes on once it is 0', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    answer = (n) => ({ status: 200, body: [row('a', n === 1 ? undefined : 0)] });
    await destroy([{ vhost: 'shop', name: 'a' }]);
    expect(requests).toHaveLength(2);
  }, 20_000);

  it.each([
    ['no count', undefined],
    ['a count that is not one', '12'],
    ['a negative count', -1],
  ])(
    'refuses, after waiting, a queue the broker gives %s for',
    async (_, messages) => {
      vi.useFakeTimers({ toFake: ['Date'] });
      answer = () => ({ status: 200, body: [row('a', messages)] });
      await expect(destroy([{ vhost: 'shop', name: 'a' }])).rejects.toThrow(/does not report.*shop\/a/);
      expect(requests.length).toBeGreaterThan(1);
    },
    20_000,
  );

  it("refuses when the answer is not the vhost's list of queues; takes only RabbitMQ's own 404 for a vhost that is gone", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    answer = () => ({ status: 200, body: { name: 'a', messages: 0 } });
    await expect(destroy([{ vhost: 'shop', name: 'a' }])).rejects.toThrow(/does not report.*shop\/a/);
    answer = () => ({ status: 404, body: { error: 'Object Not Found', reason: 'Not Found' } });
    await destroy([{ vhost: 'shop', name: 'a' }]);
    answer = () => ({ status: 404, body: {} });
    await expect(destroy([{ vhost: 'shop', name: 'a' }])).rejects.toThrow(/answered 404 without RabbitMQ's answer/);
  }, 40_000);

  it('never asks about a vhost named `..` (the path would name every queue of the broker)', async () => {
    await expect(destroy([{ vhost: '..', name: 'a' }])).rejects.toThrow(/cannot name `\.\.`/);
    expect(requests).toEqual([]);
  });

  it('reads the queues as vhost → names (what warren writes now) as it reads the list an earlier warren wrote', async () => {
    answer = () => ({ status: 200, body: [row('a', 0), row('b', 3)] });
    const asMap = { ...state([]), queues: { shop: ['a', 'b'] } };
    await expect(destroyCheckProvider.delete!('destroy-check', asMap)).rejects.toThrow(/shop\/b \(3 messages\)/);
    expect(requests).toEqual(['/api/queues/shop?columns=name,vhost,messages']);
  });

  it('sees no change between the two forms of the same queues, and a change when a queue or the allowance differs', async () => {
    const listed = state([
      { vhost: 'shop', name: 'b' },
      { vhost: 'ops', name: 'x' },
      { vhost: 'shop', name: 'a' },
    ]);
    const mapped = { ...listed, queues: { ops: ['x'], shop: ['a', 'b'] } };
    const diff = (olds: object, news: object) => destroyCheckProvider.diff!('destroy-check', olds, news);
    expect((await diff(listed, mapped)).changes).toBe(false);
    expect((await diff(mapped, { ...mapped, queues: { ops: ['x'], shop: ['a'] } })).changes).toBe(true);
    expect((await diff(mapped, { ...mapped, allowNonEmpty: true })).changes).toBe(true);
    expect((await diff(mapped, { ...mapped, connection: { ...mapped.connection, password: 'q' } })).changes).toBe(true);
  });
});
