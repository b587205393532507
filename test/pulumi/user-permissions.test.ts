// warren:UserPermissions (permissions of a user or in a vhost named with `@`,
// which @pulumi/rabbitmq's `user@vhost` ids cannot name) against a local HTTP
// server standing in for the management API: the paths keep user and vhost
// apart, topic permissions are written whole, a change of permissions is an
// update and a change of user or vhost a replacement, and what the broker no
// longer has leaves the state. The e2e lifecycle suites apply it to the real
// broker (support/hostile-names.ts).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { userPermissionsProvider as provider } from '../../src/pulumi/dynamic/user-permissions.js';

interface Request {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}
const requests: Request[] = [];
let answer: (r: Request) => { status: number; body: string } = () => ({ status: 204, body: '' });
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const r = { method: req.method!, url: req.url!, body: text ? JSON.parse(text) : undefined };
      requests.push(r);
      const { status, body } = answer(r);
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests.length = 0;
  answer = () => ({ status: 204, body: '' });
});

const state = (extra: object) => ({
  connection: { url, username: 'guest', password: 'guest' },
  user: 'bob@example.com',
  vhost: 'shop@eu',
  ...extra,
});
const seen = () => requests.map((r) => `${r.method} ${r.url} ${JSON.stringify(r.body ?? null)}`);

describe('warren:UserPermissions', () => {
  it('writes permissions at a path that keeps the user and the vhost apart', async () => {
    const s = state({ permissions: { configure: '', write: '^x$', read: '.*' } });
    const created = await provider.create(s);
    expect(seen()).toEqual([
      'PUT /api/permissions/shop%40eu/bob%40example.com {"configure":"","write":"^x$","read":".*"}',
    ]);
    expect(JSON.parse(created.id)).toEqual(['permissions', 'shop@eu', 'bob@example.com']);
  });

  it('writes topic permissions whole: the old ones go first, then each exchange', async () => {
    const s = state({
      topicPermissions: [
        { exchange: 'a/b', write: '^k$', read: '' },
        { exchange: 'c', write: '', read: '.*' },
      ],
    });
    await provider.update!('id', s, s);
    expect(seen()).toEqual([
      'DELETE /api/topic-permissions/shop%40eu/bob%40example.com null',
      'PUT /api/topic-permissions/shop%40eu/bob%40example.com {"exchange":"a/b","write":"^k$","read":""}',
      'PUT /api/topic-permissions/shop%40eu/bob%40example.com {"exchange":"c","write":"","read":".*"}',
    ]);
  });

  it('changes permissions in place, and replaces for another user or vhost', async () => {
    const a = state({ permissions: { configure: '', write: '', read: '' } });
    const b = { ...a, permissions: { configure: '', write: '.*', read: '' } };
    expect(await provider.diff!('id', a, b)).toMatchObject({ changes: true, replaces: [] });
    expect(await provider.diff!('id', a, a)).toMatchObject({ changes: false });
    expect(await provider.diff!('id', a, { ...a, vhost: 'other' })).toMatchObject({
      changes: true,
      replaces: ['vhost'],
    });
  });

  it('reads what the broker has, and leaves the state when the broker has none', async () => {
    answer = () => ({
      status: 200,
      body: JSON.stringify({ user: 'x', vhost: 'y', configure: 'c', write: 'w', read: 'r' }),
    });
    const s = state({ permissions: { configure: '', write: '', read: '' } });
    expect((await provider.read!('id', s)).props).toMatchObject({
      permissions: { configure: 'c', write: 'w', read: 'r' },
    });
    answer = () => ({ status: 404, body: '{"error":"Object Not Found"}' });
    expect((await provider.read!('id', s)).id).toBe('');
    const topic = state({ topicPermissions: [{ exchange: 'c', write: '', read: '' }] });
    answer = () => ({ status: 200, body: '[]' });
    expect((await provider.read!('id', topic)).id).toBe('');
  });
});
