// What is still on a blue/green side that is (or is about to be) retired, from
// the broker's own lists: queues holding messages, and consumers that are
// clients. Clients connect over the network; the drains' shovels (and other
// plugins) read over direct connections, and do not keep a side. A message
// count the broker does not give (a queue that is down, statistics not yet
// emitted) is unknown, and unknown is not zero. Read by the retire guard
// (src/pulumi/kubernetes/retire-guard.ts) and `warren diff --stack --broker`.
import { firstOf } from '../base/first-of.js';
import type { InactiveSide } from '../diff/format-diff.js';

/** Queues holding messages (or an unknown count), and queues a client reads (diff/format-diff.ts prints it). */
export type LeftOnSide = NonNullable<InactiveSide['left']>;

type Row = Record<string, unknown>;

/** What leftOnSide reads, in its parameters' order: the side's queues, consumers and connections. */
export const SIDE_LISTS = [
  '/queues?columns=vhost,name,messages',
  '/consumers',
  '/connections?columns=name,type',
] as const;

/** `queues`: GET /api/queues; `consumers`: GET /api/consumers; `connections`: GET /api/connections. */
export function leftOnSide(queues: readonly Row[], consumers: readonly Row[], connections: readonly Row[]): LeftOnSide {
  const holding = queues.flatMap((q) =>
    typeof q.messages === 'number' && q.messages === 0
      ? []
      : [
          {
            vhost: String(q.vhost),
            name: String(q.name),
            messages: typeof q.messages === 'number' ? q.messages : ('unknown' as const),
          },
        ],
  );
  const clients = new Set(connections.filter((c) => c.type === 'network').map((c) => String(c.name)));
  const reading = consumers.flatMap((c) => {
    const connection = (c.channel_details as { connection_name?: unknown } | undefined)?.connection_name;
    const queue = (c.queue ?? {}) as Row;
    return clients.has(String(connection)) ? [{ vhost: String(queue.vhost), name: String(queue.name) }] : [];
  });
  return { holding, reading };
}

/** The retire guard's refusals, one line each; [] when nothing is left. */
export function retireRefusals(cluster: string, left: LeftOnSide): string[] {
  const list = (items: string[]) => firstOf(items, 10);
  const out: string[] = [];
  if (left.holding.length > 0)
    out.push(
      `${cluster} is not removed: ${left.holding.length} queue(s) still hold messages: ${list(
        left.holding.map((q) => `${q.vhost}/${q.name} (${q.messages})`),
      )}. The drains move them to the active side; run up again once they are empty (a stream's messages are not drained: move them, or delete the stream)`,
    );
  if (left.reading.length > 0)
    out.push(
      `${cluster} is not removed: ${left.reading.length} client consumer(s) still read from it: ${list(
        left.reading.map((q) => `${q.vhost}/${q.name}`),
      )}. Point them at the client Service; run up again once they are gone`,
    );
  return out;
}
