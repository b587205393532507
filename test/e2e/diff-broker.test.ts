// `warren diff --broker`: the live message and consumer counts of the queues
// a change would delete or re-declare, read from the real broker.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from '../support/run-cli.js';
import { api, connect, enc, eventually } from './support/broker.js';

const V = 'e2e-diff-broker';
const dir = mkdtempSync(join(tmpdir(), 'warren-diff-broker-'));
const topology = (ordersType: string, withAudit: boolean) => `version: 1
vhosts:
  ${V}:
    queues:
      orders: { type: ${ordersType} }
      idle: { type: ${ordersType} }
${withAudit ? '      audit: {}\n' : ''}`;
afterAll(() => api(`/vhosts/${enc(V)}`, 'DELETE'));

it('says how many messages and consumers a data-losing change would hit', async () => {
  await api(`/vhosts/${enc(V)}`, 'PUT', {});
  await api(`/permissions/${enc(V)}/guest`, 'PUT', { configure: '.*', write: '.*', read: '.*' });
  const conn = await connect(V);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('orders', { durable: true });
  await ch.assertQueue('audit', { durable: true });
  for (let i = 0; i < 1204; i++) ch.sendToQueue('orders', Buffer.from(String(i)), { persistent: true });
  for (let i = 0; i < 2; i++) ch.sendToQueue('audit', Buffer.from(String(i)), { persistent: true });
  await ch.waitForConfirms();
  const consumer = await conn.createChannel();
  await consumer.prefetch(1);
  await consumer.consume('audit', () => undefined);
  // The management API's figures trail by its stats interval.
  await eventually(
    async () =>
      (await api<{ messages?: number; consumers?: number }>(`/queues/${enc(V)}/audit`)).body.consumers === 1 &&
      (await api<{ messages?: number }>(`/queues/${enc(V)}/orders`)).body.messages === 1204
        ? true
        : undefined,
    20_000,
  );

  writeFileSync(join(dir, 'base.yaml'), topology('classic', true));
  writeFileSync(join(dir, 'head.yaml'), topology('quorum', false));
  const r = runCli(
    ['diff', join(dir, 'base.yaml'), join(dir, 'head.yaml'), '--broker', 'http://127.0.0.1:15672', '--format', 'json'],
    { env: { WARREN_BROKER_USER: 'guest', WARREN_BROKER_PASSWORD: 'guest' } },
  );
  await conn.close();
  expect(r.code).toBe(0);
  const changes = (JSON.parse(r.stdout) as { changes: { id: string; class: string; reason: string; live?: object }[] })
    .changes;
  const byId = Object.fromEntries(changes.map((c) => [c.id, c]));
  expect(byId[`${V}/queue/orders`]).toMatchObject({ class: 'data-losing', live: { messages: 1204, consumers: 0 } });
  expect(byId[`${V}/queue/orders`]!.reason).toMatch(/requires re-declaring; 1,204 messages would be lost$/);
  expect(byId[`${V}/queue/audit`]).toMatchObject({
    class: 'data-losing',
    live: { messages: expect.any(Number), consumers: 1 },
  });
  expect(byId[`${V}/queue/audit`]!.reason).toMatch(/1 consumer is connected$/);
  // Declared in the topology but not on the broker: nothing to lose there.
  expect(byId[`${V}/queue/idle`]).toMatchObject({ live: { absent: true } });

  const text = runCli([
    'diff',
    join(dir, 'base.yaml'),
    join(dir, 'head.yaml'),
    '--broker',
    'http://guest:guest@127.0.0.1:15672',
  ]);
  expect(text.stdout).toContain(
    `DATA-LOSING change ${V}/queue/orders: queue orders: arguments.x-queue-type "classic" → "quorum" requires re-declaring; 1,204 messages would be lost`,
  );
}, 60_000);

it('still prints the diff when the broker cannot be read, and says why; credentials never printed', () => {
  writeFileSync(join(dir, 'base.yaml'), topology('classic', false));
  writeFileSync(join(dir, 'head.yaml'), topology('quorum', false));
  const r = runCli([
    'diff',
    join(dir, 'base.yaml'),
    join(dir, 'head.yaml'),
    '--broker',
    'http://someone:s3cr3t-pw@127.0.0.1:1',
  ]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(
    /its messages would be lost \(count unknown: the broker at http:\/\/127\.0\.0\.1:1 could not be read/,
  );
  expect(r.stderr).toMatch(/^warning: live counts:/m);
  expect(r.stdout + r.stderr).not.toContain('s3cr3t-pw');
  expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  const usage = runCli(['diff', join(dir, 'base.yaml'), join(dir, 'head.yaml'), '--broker', 'ftp://x:s3cr3t-pw@host']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).not.toContain('s3cr3t-pw');
});
