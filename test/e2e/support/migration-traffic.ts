// Traffic through a queue migration, as real clients make it: a publisher
// with confirms and `mandatory` that sends each message by one of several
// routes (exchanges, the queue by name on the default exchange, a
// dead-letter route), republishing what the broker returns (no queue took
// it) or nacks (a queue refused it), as a real one would; and an acking
// consumer that subscribes again whenever the broker cancels it (the queue
// was deleted: consumer_cancel_notify) or its channel closes. Each message
// carries its number, so that afterwards the test knows which confirmed
// messages were consumed, how many were delivered twice, and how many
// times a publish came back.
import amqp from 'amqplib';

export interface Route {
  readonly exchange: string;
  readonly key: string;
  readonly headers?: Record<string, string>;
  /** Per-message TTL: `0` sends it through a queue whose dead letters reach the migrated one. */
  readonly expiration?: string;
}

export interface MigrationTraffic {
  readonly confirmed: number;
  /** Confirmed messages never consumed. */
  readonly lost: readonly number[];
  readonly duplicates: number;
  readonly returns: number;
  readonly nacks: number;
  readonly cancels: number;
  /** When each confirmed message was last sent, and when the consumer was cancelled (ms since the epoch). */
  readonly sentAt: ReadonlyMap<number, number>;
  readonly cancelledAt: readonly number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `url`: amqp://user:pass@host/vhost. Publishes one message every `intervalMs` round the routes; the consumer acks
 * each after `ackMs` with `prefetch` in flight, so that a preloaded queue is still far from empty when `up` runs.
 */
export function startMigrationTraffic(
  url: string,
  queue: string,
  routes: readonly Route[],
  options: { intervalMs?: number; prefetch?: number; ackMs?: number; preloaded?: number } = {},
) {
  const { intervalMs = 10, prefetch = 20 } = options;
  let ackMs = options.ackMs ?? 5;
  // Messages 1..preloaded were published and confirmed before the traffic started.
  const confirmed = new Set<number>(Array.from({ length: options.preloaded ?? 0 }, (_, i) => i + 1));
  const consumed = new Set<number>();
  let [duplicates, returns, nacks, cancels] = [0, 0, 0, 0];
  const sentAt = new Map<number, number>();
  const cancelledAt: number[] = [];
  let publishing = true;
  let consuming = true;
  const open: amqp.ChannelModel[] = [];
  const connect = async () => {
    const conn = await amqp.connect(url);
    conn.on('error', () => undefined);
    open.push(conn);
    return conn;
  };

  /** Sends message `id` until the broker confirms it, by route `id mod routes`; true once confirmed. */
  const publisher = (async () => {
    const conn = await connect();
    const ch = await conn.createConfirmChannel();
    ch.on('error', () => undefined);
    const returned = new Set<number>();
    ch.on('return', (m: amqp.Message) => {
      returns++;
      returned.add(Number(m.content.toString()));
    });
    let id = (options.preloaded ?? 0) + 1;
    while (publishing) {
      const route = routes[id % routes.length]!;
      const send = () =>
        new Promise<boolean>((resolve) => {
          ch.publish(
            route.exchange,
            route.key,
            Buffer.from(String(id)),
            {
              persistent: true,
              mandatory: true,
              headers: route.headers ?? {},
              ...(route.expiration !== undefined ? { expiration: route.expiration } : {}),
            },
            (err) => resolve(!err),
          );
        });
      for (;;) {
        sentAt.set(id, Date.now());
        const ok = await send();
        // A return comes before the confirm: the message reached no queue, so it is sent again.
        if (ok && !returned.delete(id)) break;
        if (!ok) nacks++;
        await sleep(5);
      }
      confirmed.add(id);
      id++;
      await sleep(intervalMs);
    }
  })();

  const consumer = (async () => {
    while (consuming) {
      try {
        const conn = await connect();
        const ch = await conn.createChannel();
        const closed = new Promise<void>((resolve) => {
          ch.on('close', () => resolve());
          ch.on('error', () => resolve());
        });
        await ch.prefetch(prefetch);
        let cancelled: () => void = () => undefined;
        const cancel = new Promise<void>((resolve) => (cancelled = resolve));
        await ch.consume(queue, (m) => {
          if (m === null) {
            cancels++;
            cancelledAt.push(Date.now());
            cancelled();
            return;
          }
          const id = Number(m.content.toString());
          if (consumed.has(id)) duplicates++;
          consumed.add(id);
          setTimeout(() => {
            try {
              ch.ack(m);
            } catch {
              // The channel is gone: the broker requeued or dropped the message with its queue; either way it was delivered.
            }
          }, ackMs);
        });
        await Promise.race([cancel, closed]);
        await conn.close().catch(() => undefined);
      } catch {
        // The queue is not there (deleted and not yet declared again): try again shortly.
      }
      await sleep(50);
    }
  })();

  return {
    consumedCount: () => consumed.size,
    /** Acks after `ms` from now on (a consumer that catches up once the migration is done). */
    setAckMs: (ms: number) => {
      ackMs = ms;
    },
    async stop(drainMs = 120_000): Promise<MigrationTraffic> {
      publishing = false;
      await publisher;
      const until = Date.now() + drainMs;
      while (Date.now() < until && [...confirmed].some((id) => !consumed.has(id))) await sleep(200);
      consuming = false;
      await Promise.all(open.map((c) => c.close().catch(() => undefined)));
      await consumer.catch(() => undefined);
      return {
        confirmed: confirmed.size,
        lost: [...confirmed].filter((id) => !consumed.has(id)).sort((a, b) => a - b),
        duplicates,
        returns,
        nacks,
        cancels,
        sentAt,
        cancelledAt,
      };
    },
  };
}
