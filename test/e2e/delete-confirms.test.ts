// The broker's rule behind a limit of migrations in place (docs/pulumi.md,
// "Migrating queues", "What clients see"): RabbitMQ confirms a message it routed to a queue that is
// deleted before the message reaches it (rabbit_channel: "Deleted queue is
// a special case. Do not nack"), even with `mandatory` and even when the
// delete is the broker's own `if-empty` one. So a publisher that sends to a
// queue by name at the instant it is deleted can lose a confirmed message,
// whatever the tool that deletes it. This test measures how often, against
// the local broker, so that the figure in docs/pulumi.md is this broker's answer; if a
// RabbitMQ version stops confirming such messages, it fails, and docs/pulumi.md
// and the migration test's allowance must change with it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, connect, enc } from './support/broker.js';

const V = 'e2e-delete-confirms';
const Q = 'by-name';
const TRIALS = 40;

beforeAll(async () => {
  await api(`/vhosts/${enc(V)}`, 'DELETE');
  expect((await api(`/vhosts/${enc(V)}`, 'PUT', {})).status).toBeLessThan(300);
  await api(`/permissions/${enc(V)}/guest`, 'PUT', { configure: '.*', write: '.*', read: '.*' });
});

afterAll(async () => {
  await api(`/vhosts/${enc(V)}`, 'DELETE');
});

/** One trial: a by-name publisher (confirms, mandatory, one in flight) and a consumer while the queue is deleted. */
async function trial(): Promise<{ confirmed: number; lost: number; returned: number }> {
  expect((await api(`/queues/${enc(V)}/${Q}`, 'PUT', { durable: true })).status).toBeLessThan(300);
  const conn = await connect(V);
  conn.on('error', () => undefined);
  const consumed = new Set<number>();
  const confirmed = new Set<number>();
  const consumer = await conn.createChannel();
  consumer.on('error', () => undefined);
  await consumer.consume(Q, (m) => m && consumed.add(Number(m.content.toString())), { noAck: true });
  const publisher = await conn.createConfirmChannel();
  publisher.on('error', () => undefined);
  let returned = 0;
  let sending = true;
  publisher.on('return', () => {
    returned++;
    sending = false;
  });
  const sent = (async () => {
    for (let id = 1; sending; id++) {
      const ok = await new Promise<boolean>((resolve) =>
        publisher.publish('', Q, Buffer.from(String(id)), { persistent: true, mandatory: true }, (err) =>
          resolve(!err),
        ),
      );
      // A returned message reached no queue: it was not taken, whatever the confirm says.
      if (ok && sending) confirmed.add(id);
    }
  })();
  await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
  // As a migration deletes: with the broker's emptiness check, again while a message is still there.
  while ((await api(`/queues/${enc(V)}/${Q}?if-empty=true`, 'DELETE')).status === 400);
  await new Promise((r) => setTimeout(r, 100));
  sending = false;
  await sent;
  await new Promise((r) => setTimeout(r, 100));
  await conn.close().catch(() => undefined);
  const lost = [...confirmed].filter((id) => !consumed.has(id)).length;
  return { confirmed: confirmed.size, lost, returned };
}

it('confirms some messages published by name to a queue as it is deleted, and never delivers them', async () => {
  let [lostTrials, lost, confirmed, returned] = [0, 0, 0, 0];
  for (let i = 0; i < TRIALS; i++) {
    const t = await trial();
    lostTrials += t.lost > 0 ? 1 : 0;
    lost += t.lost;
    confirmed += t.confirmed;
    returned += t.returned;
    // One message in flight at a time: at most one can be caught by the delete.
    expect(t.lost).toBeLessThanOrEqual(1);
  }
  console.log(
    `delete under a by-name publisher: ${lostTrials} of ${TRIALS} deletes lost a confirmed message (${lost} of ${confirmed} confirmed); ${returned} returns`,
  );
  // 36 of 100 on this machine (2026-12-07): 40 trials without one would be a change of the broker's rule.
  expect(lostTrials).toBeGreaterThan(0);
}, 120_000);
