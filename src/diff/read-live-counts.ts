// `warren diff --broker URL`: how many messages and consumers the queues a
// data-losing change puts at risk (deleted, re-declared, or given a setting
// that drops or expires messages) hold right now, read from the management API.
import { brokerReader, type BrokerAddress } from '../broker/read-management.js';

export type LiveCount =
  | { readonly messages: number; readonly consumers: number }
  | { readonly absent: true }
  | { readonly unknown: string };

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
    const r = await read(`/queues/${encodeURIComponent(q.vhost)}/${encodeURIComponent(q.name)}`);
    if ('error' in r) out.set(refKey(q), { unknown: r.error });
    else if (r.status === 404) out.set(refKey(q), { absent: true });
    else if (r.status !== 200) out.set(refKey(q), { unknown: `the broker answered ${r.status}` });
    else {
      const body = r.body as { messages?: number; consumers?: number };
      out.set(refKey(q), { messages: body.messages ?? 0, consumers: body.consumers ?? 0 });
    }
  }
  return out;
}

export function refKey(q: QueueRef): string {
  return JSON.stringify([q.vhost, q.name]);
}
