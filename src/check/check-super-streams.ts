// Super stream rules: a partition count or routing keys (one of them); the
// stream fields in the units RabbitMQ keeps; and the exchange and partition
// streams it creates take no name a declared exchange or queue, or another
// super stream's partition, already has (reported at both places).
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { SUPER_STREAM_FIELD, rows, toBroker } from '../format/parameter-fields.js';
import { QUEUE_ARGUMENT } from '../model/queue-arguments.js';
import { partitionsOf } from '../model/super-stream-partitions.js';
import type { TopologyModel, VHostModel } from '../model/topology-model.js';
import { checkKeyLength } from './check-names.js';

const MAX_NAME_BYTES = 255;

export function checkSuperStreams(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values()) {
    const streams = new Map<string, Source>();
    for (const ss of vhost.superStreams.values()) {
      if (!ss.ok) continue;
      const { spec, src } = ss;
      const malformed = ss.dropped?.some((f) => f === 'partitions' || f === 'routingKeys');
      if (!malformed && (spec.partitions === undefined) === (spec.routingKeys === undefined))
        out.push(
          finding(
            'field-choice',
            spec.partitions !== undefined ? at(src, 'routingKeys') : src,
            spec.partitions !== undefined
              ? 'a super stream has `partitions` or `routingKeys`, not both'
              : 'a super stream needs `partitions` (a count) or `routingKeys`',
            { target: 'key' },
          ),
        );
      if (spec.maxAge !== undefined && toBroker(SUPER_STREAM_FIELD.maxAge, spec.maxAge) === undefined)
        out.push(
          finding('invalid-value', at(src, 'maxAge'), 'a stream keeps its maximum age in whole seconds, at least 1s'),
        );
      for (const field of ['maxLengthBytes', 'maxSegmentSize'] as const) {
        const value = spec[field];
        if (value !== undefined && toBroker(SUPER_STREAM_FIELD[field], value) === undefined)
          out.push(finding('invalid-size', at(src, field), 'not a whole number of bytes'));
      }
      // Each partition stream is declared with the fields' arguments: what RabbitMQ refuses there.
      for (const { field, key } of rows(SUPER_STREAM_FIELD)) {
        const value = spec[field] === undefined ? undefined : toBroker(SUPER_STREAM_FIELD[field], spec[field]);
        const problem = value === undefined ? undefined : QUEUE_ARGUMENT.get(key)?.check(value, {});
        if (problem) out.push(finding('invalid-value', at(src, field), `as \`${key}\` it ${problem}`));
      }
      (spec.routingKeys ?? []).forEach((key, i) => {
        out.push(...checkKeyLength(key, at(src, 'routingKeys', i)));
      });
      const exchange = vhost.exchanges.get(ss.name);
      if (exchange) conflict(out, `exchange \`${ss.name}\` is both declared and`, src, exchange.src, vhost);
      for (const p of partitionsOf(ss.name, spec)) {
        if (Buffer.byteLength(p.stream) > MAX_NAME_BYTES) {
          out.push(
            finding('invalid-name', src, `partition stream \`${p.stream}\` is longer than ${MAX_NAME_BYTES} bytes`, {
              target: 'key',
            }),
          );
          break;
        }
        const queue = vhost.queues.get(p.stream);
        if (queue) conflict(out, `queue \`${p.stream}\` is both declared and`, src, queue.src, vhost);
        const other = streams.get(p.stream);
        if (other) conflict(out, `partition stream \`${p.stream}\` is`, src, other, vhost, 'by two super streams');
        else streams.set(p.stream, src);
      }
    }
  }
  return out;
}

function conflict(
  out: Finding[],
  what: string,
  first: Source,
  second: Source,
  vhost: VHostModel,
  by = 'by a super stream',
): void {
  const message = `${what} made ${by} in vhost \`${vhost.name}\``;
  out.push(finding('super-stream-conflict', first, message, { target: 'key', related: { ...second, target: 'key' } }));
  out.push(finding('super-stream-conflict', second, message, { target: 'key', related: { ...first, target: 'key' } }));
}
