// `warren import` of super streams: an exchange RabbitMQ made for one (direct,
// durable, `x-super-stream: true` its only argument) whose bindings to streams
// carry `x-stream-partition-order` 0…n-1, each stream named
// `<exchange>-<key>` and all declared alike with only the arguments a super
// stream sets, becomes `superStreams: { <name>: … }` again, and its exchange,
// streams and bindings leave the imported objects. Anything else stays plain
// exchanges, queues and bindings (a valid topology either way).
import { fromBroker, SUPER_STREAM_FIELD } from '../format/parameter-fields.js';
import { PARTITION_ORDER_ARGUMENT, SUPER_STREAM_ARGUMENT } from '../model/super-stream-partitions.js';
import type { BindingSpec, ExchangeSpec, QueueSpec, SuperStreamSpec } from '../format/topology-schema.js';

const ARGUMENT_FIELD = new Map(
  Object.entries(SUPER_STREAM_FIELD).map(([field, facts]) => [facts.key, [field, facts] as const]),
);

export function foldSuperStreams(
  exchanges: Map<string, ExchangeSpec>,
  queues: Map<string, QueueSpec>,
  bindings: BindingSpec[],
): { superStreams: Map<string, SuperStreamSpec>; bindings: BindingSpec[] } {
  const superStreams = new Map<string, SuperStreamSpec>();
  let remaining = bindings;
  for (const [name, x] of exchanges) {
    const found = superStream(name, x, queues, remaining);
    if (!found) continue;
    superStreams.set(name, found.spec);
    exchanges.delete(name);
    for (const q of found.streams) queues.delete(q);
    remaining = remaining.filter((b) => b.from !== name);
  }
  return { superStreams, bindings: remaining };
}

function superStream(
  name: string,
  x: ExchangeSpec,
  queues: Map<string, QueueSpec>,
  bindings: BindingSpec[],
): { spec: SuperStreamSpec; streams: string[] } | undefined {
  const args = x.arguments ?? {};
  if ((x.type ?? 'direct') !== 'direct' || x.durable === false || x.autoDelete || x.internal) return undefined;
  if (Object.keys(args).length !== 1 || args[SUPER_STREAM_ARGUMENT] !== true) return undefined;
  const own = bindings.filter((b) => b.from === name);
  const parts: { key: string; stream: string; order: number }[] = [];
  for (const b of own) {
    const bargs = b.arguments ?? {};
    const order = bargs[PARTITION_ORDER_ARGUMENT];
    if (b.to === undefined || Object.keys(bargs).length !== 1 || !Number.isSafeInteger(order)) return undefined;
    parts.push({ key: b.key ?? '', stream: b.to, order: order as number });
  }
  parts.sort((a, b) => a.order - b.order);
  if (parts.length === 0 || parts.some((p, i) => p.order !== i || p.stream !== `${name}-${p.key}`)) return undefined;
  // Every partition declared alike, as a stream with only the super stream's arguments.
  const first = queues.get(parts[0]!.stream);
  const same = JSON.stringify(first);
  if (!first || parts.some((p) => JSON.stringify(queues.get(p.stream)) !== same)) return undefined;
  const { type, arguments: streamArgs = {}, ...others } = first;
  if (type !== 'stream' || Object.keys(others).length > 0) return undefined;
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(streamArgs)) {
    const row = ARGUMENT_FIELD.get(key);
    const read = row ? fromBroker(row[1], value) : undefined;
    if (!row || read === undefined) return undefined;
    fields[row[0]] = read;
  }
  const counted = parts.every((p, i) => p.key === String(i));
  const spec = {
    ...(counted ? { partitions: parts.length } : { routingKeys: parts.map((p) => p.key) }),
    ...fields,
  } as SuperStreamSpec;
  return { spec, streams: parts.map((p) => p.stream) };
}
