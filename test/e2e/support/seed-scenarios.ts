// The seeds' scenarios over AMQP, for any broker that runs the example
// topology (renamed with a prefix): the local broker in lifecycle.test.ts, the
// in-cluster broker on real pods in kubernetes-pods.test.ts. Each takes a
// connect function, so the same assertions hold wherever the broker runs.
import type amqp from 'amqplib';
import { expect } from 'vitest';
import { eventually } from './broker.js';

export type Connect = (vhost: string, user?: string, password?: string) => Promise<amqp.ChannelModel>;
export interface Names {
  readonly shop: string;
  readonly ops: string;
}

/** Topic, headers and fanout routing, and the alternate exchange for what matches nothing. */
export async function routesShopMessages(connect: Connect, { shop }: Names): Promise<void> {
  const conn = await connect(shop);
  const ch = await conn.createConfirmChannel();
  const names = [
    'all_orders',
    'us_orders',
    'order_processor',
    'unrouted_orders',
    'pdf_reports',
    'csv_reports',
    'email_notifications',
    'sms_notifications',
    'push_notifications',
  ];
  for (const q of names) await ch.purgeQueue(q);
  const counts = async () =>
    Object.fromEntries(await Promise.all(names.map(async (q) => [q, (await ch.checkQueue(q)).messageCount])));
  ch.publish('orders', 'order.created.us', Buffer.from('a'));
  ch.publish('orders', 'order.shipped.eu', Buffer.from('b'));
  ch.publish('orders', 'invoice.created', Buffer.from('c')); // matches no binding → alternate exchange
  ch.publish('reports', '', Buffer.from('d'), { headers: { format: 'pdf', type: 'report' } });
  ch.publish('reports', '', Buffer.from('e'), { headers: { format: 'pdf' } }); // all: no match
  ch.publish('reports', '', Buffer.from('f'), { headers: { 'legacy-format': 'excel' } }); // any: csv
  ch.publish('notifications', 'ignored', Buffer.from('g'));
  await ch.waitForConfirms();
  const seen = await eventually(async () => {
    const c = await counts();
    return c.unrouted_orders === 1 && c.push_notifications === 1 ? c : undefined;
  });
  expect(seen).toEqual({
    all_orders: 2,
    us_orders: 1,
    order_processor: 1,
    unrouted_orders: 1,
    pdf_reports: 1,
    csv_reports: 1,
    email_notifications: 1,
    sms_notifications: 1,
    push_notifications: 1,
  });
  await conn.close();
}

/** Direct routing by severity. */
export async function routesLogs(connect: Connect, { ops }: Names): Promise<void> {
  const conn = await connect(ops);
  const ch = await conn.createConfirmChannel();
  for (const q of ['error_logs', 'warning_logs']) await ch.purgeQueue(q);
  ch.publish('logs', 'error', Buffer.from('e'));
  ch.publish('logs', 'warning', Buffer.from('w'));
  ch.publish('logs', 'info', Buffer.from('i'));
  await ch.waitForConfirms();
  expect(
    await eventually(async () =>
      (await ch.checkQueue('warning_logs')).messageCount === 2
        ? (await ch.checkQueue('error_logs')).messageCount
        : undefined,
    ),
  ).toBe(1);
  await conn.close();
}

/** A rejected message, and one requeued past the quorum queue's delivery limit (5), end in the DLQ. */
export async function deadLettersRejectedAndOverLimit(connect: Connect, { shop }: Names): Promise<void> {
  const conn = await connect(shop);
  const ch = await conn.createChannel();
  for (const q of ['order_processor', 'order_processor.dead']) await ch.purgeQueue(q);
  ch.sendToQueue('order_processor', Buffer.from('reject me'));
  const first = await eventually(async () => (await ch.get('order_processor')) || undefined);
  ch.nack(first, false, false);
  await eventually(async () => ((await ch.checkQueue('order_processor.dead')).messageCount === 1 ? true : undefined));
  ch.sendToQueue('order_processor', Buffer.from('requeue me'));
  for (let i = 0; i < 6; i++) {
    const m = await eventually(async () => (await ch.get('order_processor')) || undefined);
    ch.nack(m, false, true);
  }
  await eventually(async () => ((await ch.checkQueue('order_processor.dead')).messageCount === 2 ? true : undefined));
  expect((await ch.checkQueue('order_processor')).messageCount).toBe(0);
  await conn.close();
}

/** An expired message is dead-lettered; email_notifications must have a short TTL (the stack's overrides). */
export async function deadLettersExpired(connect: Connect, { shop }: Names): Promise<void> {
  const conn = await connect(shop);
  const ch = await conn.createChannel();
  await ch.purgeQueue('email_notifications');
  await ch.purgeQueue('email_notifications_failed');
  ch.sendToQueue('email_notifications', Buffer.from('expire me'));
  await eventually(async () =>
    (await ch.checkQueue('email_notifications_failed')).messageCount === 1 ? true : undefined,
  );
  await conn.close();
}

/** The order service may publish orders, nothing else, and may not even enter the ops vhost. */
export async function keepsOrderServiceInItsPermissions(
  connect: Connect,
  { shop, ops }: Names,
  user: string,
  password: string,
): Promise<void> {
  const conn = await connect(shop, user, password);
  const ok = await conn.createConfirmChannel();
  ok.publish('orders', 'order.created.eu', Buffer.from('allowed'));
  await ok.waitForConfirms();
  const denied = await conn.createChannel();
  const error = new Promise<Error>((resolve) => denied.on('error', resolve));
  denied.publish('notifications', '', Buffer.from('not allowed'));
  expect(String((await error).message)).toMatch(/ACCESS_REFUSED/);
  const reader = await conn.createChannel();
  const readError = new Promise<Error>((resolve) => reader.on('error', resolve));
  reader.consume('all_orders', () => undefined).catch(() => undefined);
  expect(String((await readError).message)).toMatch(/ACCESS_REFUSED/);
  await conn.close().catch(() => undefined);
  await expect(connect(ops, user, password)).rejects.toThrow();
}
