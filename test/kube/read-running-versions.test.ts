// The cluster guard's one question to the running cluster, against a stand-in management API: the versions it
// reports, and "unknown" with the reason for every other answer, soon, never a hang or a thrown error.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { readRunningVersions } from '../../src/pulumi/kubernetes/read-running-versions.js';
import { standInApi } from '../support/stand-in-api.js';

let answer: { status: number; body: string } | 'never' = { status: 200, body: '[]' };
const seen: string[] = [];
const api = standInApi((req, res) => {
  seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
  if (answer === 'never') return;
  res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
});
const conn = () => ({ url: `${api.url}/`, username: 'admin', password: 'pw' });

describe('readRunningVersions', () => {
  it("asks GET /api/nodes as the stack's admin and reads each running node's version", async () => {
    answer = {
      status: 200,
      body: JSON.stringify([
        { name: 'rabbit@a', running: true, applications: [{ name: 'rabbit', version: '3.10.8' }] },
        { name: 'rabbit@b', running: false },
      ]),
    };
    expect(await readRunningVersions(conn())).toEqual({ versions: ['3.10.8'] });
    expect(seen.at(-1)).toBe(`GET /api/nodes Basic ${Buffer.from('admin:pw').toString('base64')}`);
  });

  it('says unknown for a refusal, a body that is not JSON, no listener', async () => {
    answer = { status: 401, body: '{"error":"not_authorised"}' };
    expect(await readRunningVersions(conn())).toEqual({ unknown: 'GET /api/nodes answered 401' });
    answer = { status: 200, body: '<html>' };
    expect(await readRunningVersions(conn())).toEqual({
      unknown: 'GET /api/nodes answered with a body that is not JSON',
    });
    const port = await closedPort();
    const closed = await readRunningVersions({ url: `http://127.0.0.1:${port}`, username: 'a', password: 'b' });
    expect(closed).toEqual({ unknown: 'the management API did not answer (ECONNREFUSED)' });
    expect(JSON.stringify(closed)).not.toContain('b@');
  });

  it('gives up on a server that never answers within its deadline', async () => {
    answer = 'never';
    const started = Date.now();
    expect(await readRunningVersions(conn())).toEqual({
      unknown: 'the management API did not answer (no answer within 10000 ms)',
    });
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 20_000);
});

/** A port nothing listens on: one the system gave a listener, which then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
