// The dynamic providers' management API client against a local HTTP server
// that misbehaves on purpose: deadlines, retries, answers that are not JSON.
import { afterEach, describe, expect, it } from 'vitest';
import { callApi, eachInFlight } from '../../src/pulumi/dynamic/management-api.js';
import { standInApi } from '../support/stand-in-api.js';

type Handler = (n: number) => { status: number; body: string } | 'hang';
let handler: Handler = () => ({ status: 200, body: '{}' });
let requests = 0;

const api = standInApi((_req, res) => {
  const answer = handler(++requests);
  if (answer === 'hang') return; // accepts, never answers
  res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
});
const conn = () => ({ url: api.url, username: 'admin', password: 'S3cret-pw' });
afterEach(() => {
  requests = 0;
  delete process.env.WARREN_MANAGEMENT_TIMEOUT_MS;
});

describe('callApi', () => {
  it('asks again after a 5xx and returns the answer that came', async () => {
    handler = (n) => (n < 3 ? { status: 503, body: 'busy' } : { status: 200, body: '{"ok":true}' });
    expect(await callApi(conn(), 'GET', '/overview')).toEqual({ status: 200, json: { ok: true } });
    expect(requests).toBe(3);
  });

  it('gives up after 3 attempts with the last status, never the credentials or a stack', async () => {
    handler = () => ({ status: 500, body: 'internal' });
    const error = await callApi(conn(), 'PUT', '/vhosts/a', {}).catch((e: Error) => e);
    expect(requests).toBe(3);
    expect((error as Error).message).toMatch(/PUT \/vhosts\/a answered 500/);
    expect((error as Error).stack).toBe('');
    expect(String(error)).not.toContain('S3cret-pw');
  });

  it("does not ask again after a 4xx, and lets RabbitMQ's own 404 through as an answer", async () => {
    handler = () => ({ status: 401, body: 'no' });
    await expect(callApi(conn(), 'GET', '/users')).rejects.toThrow(/answered 401/);
    expect(requests).toBe(1);
    requests = 0;
    const notFound = { error: 'Object Not Found', reason: 'Not Found' };
    handler = () => ({ status: 404, body: JSON.stringify(notFound) });
    expect(await callApi(conn(), 'GET', '/users/x')).toEqual({ status: 404, json: notFound });
  });

  it('takes no other server\'s 404 for RabbitMQ\'s "no such object" (a delete would pass for done)', async () => {
    for (const body of ['', '{}', '{"error":"not_found"}']) {
      handler = () => ({ status: 404, body });
      await expect(callApi(conn(), 'DELETE', '/users/x')).rejects.toThrow(/answered 404 without RabbitMQ's answer/);
    }
    handler = () => ({ status: 404, body: '<h1>Not Found</h1>' });
    await expect(callApi(conn(), 'DELETE', '/users/x')).rejects.toThrow(/answered 404 with a body that is not JSON/);
  });

  it('has a deadline per request: a broker that never answers ends in a clear error', async () => {
    process.env.WARREN_MANAGEMENT_TIMEOUT_MS = '150';
    handler = () => 'hang';
    const started = Date.now();
    await expect(callApi(conn(), 'GET', '/overview')).rejects.toThrow(
      /no answer after 3 attempts \(no answer within 150 ms\)/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(requests).toBe(3);
  });

  it('refuses a WARREN_MANAGEMENT_TIMEOUT_MS it cannot use, naming it, before any request', async () => {
    for (const bad of ['soon', '1e3', '3000000000']) {
      process.env.WARREN_MANAGEMENT_TIMEOUT_MS = bad;
      const error = await callApi(conn(), 'GET', '/overview').catch((e: Error) => e);
      expect((error as Error).message).toBe(
        `WARREN_MANAGEMENT_TIMEOUT_MS must be a whole number of milliseconds from 1 to 2147483647, not \`${bad}\``,
      );
      expect((error as Error).stack).toBe('');
    }
    expect(requests).toBe(0);
  });

  it('reports an answer that is not JSON instead of throwing a parse error', async () => {
    handler = () => ({ status: 200, body: '<html>proxy</html>' });
    await expect(callApi(conn(), 'GET', '/queues')).rejects.toThrow(/answered 200 with a body that is not JSON/);
  });
});

describe('requests in flight together (eachInFlight)', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('sends every item once, in order, never more than the limit at once', async () => {
    let open = 0;
    let most = 0;
    const started: number[] = [];
    await eachInFlight(
      Array.from({ length: 25 }, (_, i) => i),
      4,
      async (i) => {
        started.push(i);
        most = Math.max(most, ++open);
        await tick();
        open--;
      },
    );
    expect(started).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(most).toBe(4);
  });

  it('starts nothing after a failure, waits for those sent, and throws that failure', async () => {
    const started: number[] = [];
    let open = 0;
    const run = eachInFlight([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3, async (i) => {
      started.push(i);
      open++;
      await tick();
      open--;
      if (i === 1) throw new Error('broker said no to 1');
    });
    await expect(run).rejects.toThrow('broker said no to 1');
    expect(open).toBe(0);
    expect(started.length).toBeLessThan(10);
    expect(started.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('does nothing for no items', async () => {
    await eachInFlight([], 8, () => Promise.reject(new Error('called')));
  });
});
