// `warren diff --broker URL`: how many messages and consumers the queues a
// data-losing change puts at risk (deleted, re-declared, or given a setting
// that drops or expires messages) hold right now, read from the management API.
// A count is the broker's own figure or it is unknown, never a guess: the
// broker reports none for a queue whose statistics have not been emitted yet
// (the first seconds after its declaration), or while it is down or stats are
// off, and an answer that is not the queue asked about (another object, a
// list, a proxy's page) says nothing about it.
import { seg } from '../broker/api-path.js';
import { brokerReader, type BrokerAddress, type ReadResult } from '../broker/read-management.js';

/**
 * `unknown` says why a figure is missing; `messages` and `consumers` are there when the broker gave them.
 * A queue whose message count is unknown may hold any number of messages.
 */
export type LiveCount =
  | { readonly messages: number; readonly consumers: number }
  | { readonly absent: true }
  | { readonly unknown: string; readonly messages?: number; readonly consumers?: number };

export interface QueueRef {
  readonly vhost: string;
  readonly name: string;
}

export async function readLiveCounts(
  broker: BrokerAddress,
  queues: readonly QueueRef[],
): Promise<Map<string, LiveCount>> {
  const read = brokerReader(broker);
  const out = new Map<string, LiveCount>();
  for (const q of queues) {
    let path: string;
    try {
      path = `/queues/${seg(q.vhost)}/${seg(q.name)}`;
    } catch (error) {
      out.set(refKey(q), { unknown: (error as Error).message });
      continue;
    }
    out.set(refKey(q), liveCount(q, await read(path)));
  }
  return out;
}

/** What the broker's answer to GET /api/queues/{vhost}/{name} says about the queue. */
export function liveCount(q: QueueRef, r: ReadResult): LiveCount {
  if ('error' in r) return { unknown: r.error };
  // RabbitMQ's own 404 (brokerReader takes no other): the queue, or its vhost, is not there.
  if (r.status === 404) return { absent: true };
  if (r.status !== 200) return { unknown: `the broker answered ${r.status}` };
  const body = r.body as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return {
      unknown: `the broker's answer is not a queue (${Array.isArray(body) ? 'a list' : body === null ? 'null' : typeof body})`,
    };
  if (body.name !== q.name || body.vhost !== q.vhost) return { unknown: "the broker's answer names another queue" };
  const messages = count(body.messages);
  const consumers = count(body.consumers);
  if (messages !== undefined && consumers !== undefined) return { messages, consumers };
  const why = [describe('message', body.messages, messages), describe('consumer', body.consumers, consumers)]
    .filter(Boolean)
    .join(', ');
  return {
    unknown: `the broker gives ${why} (a queue's statistics come some seconds after it is declared, and not while it is down)`,
    ...(messages === undefined ? {} : { messages }),
    ...(consumers === undefined ? {} : { consumers }),
  };
}

/** How a figure the broker gave is missing: not there, or not a count. */
function describe(what: string, given: unknown, read: number | undefined): string {
  if (read !== undefined) return '';
  return given === undefined
    ? `no ${what} count`
    : `a ${what} count that is not one (${JSON.stringify(given)?.slice(0, 40)})`;
}

/** A count as the broker gives one: a whole number of at least 0. */
function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined;
}

export function refKey(q: QueueRef): string {
  return JSON.stringify([q.vhost, q.name]);
}
