// Traffic that outlives broker nodes: a publisher that waits for each
// confirm and a consumer that acks, both reconnecting whenever their
// connection or channel goes (a node stopping, draining, or a Service routing
// to another pod). What it proves afterwards: every confirmed message was
// consumed (or is still in the queue), and a message delivered twice was
// flagged `redelivered` by the broker the second time; what it measures: the
// longest time without a confirm, and without a delivery.
import amqp from 'amqplib';

export interface TrafficReport {
  readonly confirmed: number;
  /** Confirmed messages never consumed. */
  readonly lost: readonly number[];
  /** Deliveries of an already consumed message. */
  readonly duplicates: number;
  /** Of those, deliveries the broker did not flag as redelivered: a broken promise. */
  readonly unflaggedDuplicates: readonly number[];
  /** Publishes whose confirm never came (connection lost): they may or may not be in the queue. */
  readonly unconfirmed: number;
  readonly publisherReconnects: number;
  readonly consumerReconnects: number;
  /** Longest time between two confirms, and between two deliveries, in ms. */
  readonly longestPublishGapMs: number;
  readonly longestConsumeGapMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `url`: amqp://user:pass@host:port/vhost. The queue must exist (a durable, e.g. quorum, queue). */
export function startTraffic(
  url: string,
  queue: string,
  intervalMs = 20,
): { stop(drainMs?: number): Promise<TrafficReport> } {
  const confirmed = new Set<number>();
  const consumed = new Set<number>();
  const unflagged: number[] = [];
  let duplicates = 0;
  let unconfirmed = 0;
  let publisherReconnects = -1;
  let consumerReconnects = -1;
  let publishing = true;
  let consuming = true;
  let lastConfirm = Date.now();
  let lastDelivery = Date.now();
  let longestPublishGapMs = 0;
  let longestConsumeGapMs = 0;
  const open: amqp.ChannelModel[] = [];

  // Heartbeats every 2 s: a peer that vanished without a FIN is noticed in seconds, not minutes.
  const connect = async () => {
    const conn = await amqp.connect(`${url}${url.includes('?') ? '&' : '?'}heartbeat=2`, { timeout: 3000 });
    conn.on('error', () => undefined);
    open.push(conn);
    return conn;
  };
  const close = (conn: amqp.ChannelModel | undefined) => conn?.close().catch(() => undefined);

  const publisher = (async () => {
    let next = 1;
    while (publishing) {
      let conn: amqp.ChannelModel | undefined;
      try {
        publisherReconnects++;
        conn = await connect();
        const ch = await conn.createConfirmChannel();
        ch.on('error', () => undefined);
        while (publishing) {
          const id = next++;
          try {
            await new Promise<void>((resolve, reject) => {
              ch.publish('', queue, Buffer.from(String(id)), { persistent: true, messageId: String(id) }, (err) =>
                err ? reject(err) : resolve(),
              );
            });
          } catch (e) {
            unconfirmed++;
            throw e;
          }
          confirmed.add(id);
          const now = Date.now();
          longestPublishGapMs = Math.max(longestPublishGapMs, now - lastConfirm);
          lastConfirm = now;
          await sleep(intervalMs);
        }
      } catch {
        await sleep(200);
      } finally {
        await close(conn);
      }
    }
  })();

  const consumer = (async () => {
    while (consuming) {
      let conn: amqp.ChannelModel | undefined;
      try {
        consumerReconnects++;
        conn = await connect();
        const ch = await conn.createChannel();
        await ch.prefetch(50);
        const gone = new Promise<void>((resolve) => {
          conn!.on('close', () => resolve());
          ch.on('close', () => resolve());
          ch.on('error', () => resolve());
        });
        await ch.consume(queue, (m) => {
          if (!m) return;
          const id = Number(m.content.toString());
          const now = Date.now();
          longestConsumeGapMs = Math.max(longestConsumeGapMs, now - lastDelivery);
          lastDelivery = now;
          if (consumed.has(id)) {
            duplicates++;
            if (!m.fields.redelivered) unflagged.push(id);
          }
          consumed.add(id);
          ch.ack(m);
        });
        while (consuming) {
          const done = await Promise.race([gone.then(() => true), sleep(200).then(() => false)]);
          if (done) break;
        }
      } catch {
        await sleep(200);
      } finally {
        await close(conn);
      }
    }
  })();

  return {
    async stop(drainMs = 60_000): Promise<TrafficReport> {
      publishing = false;
      await publisher;
      // Gaps count while traffic flows, not while the consumer drains what is left.
      const publishGap = longestPublishGapMs;
      const end = Date.now() + drainMs;
      while ([...confirmed].some((id) => !consumed.has(id)) && Date.now() < end) await sleep(200);
      const consumeGap = longestConsumeGapMs;
      consuming = false;
      await consumer;
      await Promise.all(open.map(close));
      return {
        confirmed: confirmed.size,
        lost: [...confirmed].filter((id) => !consumed.has(id)),
        duplicates,
        unflaggedDuplicates: unflagged,
        unconfirmed,
        publisherReconnects,
        consumerReconnects,
        longestPublishGapMs: publishGap,
        longestConsumeGapMs: consumeGap,
      };
    },
  };
}
