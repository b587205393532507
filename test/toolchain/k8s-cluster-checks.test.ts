// The readiness checks up polls, against local servers: what counts as ready,
// and that no answer, a wrong answer or a hang is "not ready" within the
// check's own deadline, never an exception or a wait without end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etcdHealthy, hasLine, healthz, httpGet } from '../../scripts/k8s/probe-health.js';
import { isReady } from '../../scripts/k8s/query-api.js';

const dir = mkdtempSync(join(tmpdir(), 'warren-checks-'));
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

/** A server on 127.0.0.1 answering each request with `answer` (null: never answers); its port. */
function serve(answer: { status: number; body: string } | null, tls?: { cert: Buffer; key: Buffer }): Promise<number> {
  const handler = (_req: unknown, res: import('node:http').ServerResponse) => {
    if (answer === null) return;
    res.writeHead(answer.status);
    res.end(answer.body);
  };
  const server = tls ? createHttps(tls, handler) : createHttp(handler);
  servers.push(server);
  return new Promise((resolve) =>
    server.listen({ host: '127.0.0.1', port: 0 }, () => resolve((server.address() as { port: number }).port)),
  );
}

describe('httpGet', () => {
  it('gives the status and body', async () => {
    const port = await serve({ status: 418, body: 'teapot' });
    expect(await httpGet(`http://127.0.0.1:${port}/x`, { timeoutMs: 2000 })).toEqual({ status: 418, body: 'teapot' });
  });

  it('gives up on a server that never answers, within its deadline', async () => {
    const port = await serve(null);
    const started = Date.now();
    await expect(httpGet(`http://127.0.0.1:${port}/`, { timeoutMs: 200 })).rejects.toThrow(/no answer within 200 ms/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('rejects a refused connection', async () => {
    const port = await serve(null);
    servers.pop()?.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(httpGet(`http://127.0.0.1:${port}/`, { timeoutMs: 1000 })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('the checks', () => {
  it('etcd is healthy only when it says so', async () => {
    expect(await etcdHealthy(await serve({ status: 200, body: '{"health":"true","reason":""}' }))).toBe(true);
    expect(await etcdHealthy(await serve({ status: 200, body: '{"health":"false","reason":"no leader"}' }))).toBe(
      false,
    );
    expect(await etcdHealthy(await serve({ status: 503, body: '{"health":"true"}' }))).toBe(false);
  });

  describe('/healthz over TLS with the component’s own certificate', () => {
    let tls: { cert: Buffer; key: Buffer };
    beforeAll(() => {
      execFileSync(
        'openssl',
        [
          ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost'],
          ...['-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')],
        ],
        { stdio: 'ignore' },
      );
      tls = { cert: readFileSync(join(dir, 'c.pem')), key: readFileSync(join(dir, 'k.pem')) };
    });

    it('is ok on a line that says ok, whatever the certificate', async () => {
      expect(await healthz(await serve({ status: 200, body: 'ok' }, tls))).toBe(true);
      expect(await healthz(await serve({ status: 200, body: 'not ok' }, tls))).toBe(false);
      expect(await healthz(await serve({ status: 500, body: 'ok' }, tls))).toBe(false);
    });

    it('is not ok, in about 2 s, when the component never answers', async () => {
      const port = await serve(null, tls);
      const started = Date.now();
      expect(await healthz(port)).toBe(false);
      expect(Date.now() - started).toBeLessThan(4000);
    });
  });

  it('hasLine wants a whole line', () => {
    expect(hasLine('[+]ping ok\nreadyz check passed\nok\n', 'ok')).toBe(true);
    expect(hasLine('not ok\n', 'ok')).toBe(false);
  });

  it('a node is Ready only with a Ready condition of status True', () => {
    expect(isReady({ status: { conditions: [{ type: 'Ready', status: 'True' }] } })).toBe(true);
    expect(isReady({ status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } })).toBe(false);
    expect(isReady({ status: { conditions: [{ type: 'MemoryPressure', status: 'True' }] } })).toBe(false);
    expect(isReady({})).toBe(false);
    expect(isReady(undefined)).toBe(false);
  });
});
