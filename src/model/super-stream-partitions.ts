// A super stream as RabbitMQ creates it (rabbit_stream_manager, and the
// `rabbitmq-streams add_super_stream` command): a direct exchange named after
// it, with `x-super-stream: true`; one stream per partition, named
// `<name>-<i>` for a partition count (bound with key `<i>`) or `<name>-<key>`
// for routing keys (bound with that key); each binding carries its partition's
// place as `x-stream-partition-order`.
import type { SuperStreamSpec } from '../format/topology-schema.js';

export interface Partition {
  /** The partition stream's name. */
  readonly stream: string;
  /** The binding key from the super stream's exchange. */
  readonly key: string;
  /** `x-stream-partition-order`. */
  readonly order: number;
}

export const SUPER_STREAM_ARGUMENT = 'x-super-stream';
export const PARTITION_ORDER_ARGUMENT = 'x-stream-partition-order';

/** The partitions of a super stream, in order; none when it states neither or both ways (a check reports it). */
export function partitionsOf(name: string, spec: SuperStreamSpec): Partition[] {
  if (spec.routingKeys !== undefined && spec.partitions === undefined)
    return spec.routingKeys.map((key, order) => ({ stream: `${name}-${key}`, key, order }));
  if (spec.partitions !== undefined && spec.routingKeys === undefined && Number.isSafeInteger(spec.partitions))
    return Array.from({ length: Math.max(0, Math.min(spec.partitions, 1000)) }, (_, order) => ({
      stream: `${name}-${order}`,
      key: String(order),
      order,
    }));
  return [];
}

/** The super stream (of a vhost's, as the model holds them) whose partition this queue is, if any. */
export function partitionOwner(
  superStreams: ReadonlyMap<string, { readonly name: string; readonly ok: boolean; readonly spec: SuperStreamSpec }>,
  queue: string,
): { superStream: string; partition: Partition } | undefined {
  for (const ss of superStreams.values()) {
    if (!ss.ok || !queue.startsWith(`${ss.name}-`)) continue;
    const partition = partitionsOf(ss.name, ss.spec).find((p) => p.stream === queue);
    if (partition) return { superStream: ss.name, partition };
  }
  return undefined;
}
