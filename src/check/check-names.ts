// Names: non-empty and at most 255 bytes (AMQP short strings); exchanges and
// queues may not hold a line break, which the broker strips from their names.
// Names under a reserved prefix, and `.` and `..`, are check-reserved-names.ts's.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import type { TopologyModel } from '../model/topology-model.js';

const MAX_BYTES = 255;

export function checkNames(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values()) {
    for (const src of vhost.sources) checkName(out, 'vhost', vhost.name, src);
    for (const [kind, map] of [
      ['exchange', vhost.exchanges],
      ['queue', vhost.queues],
      ['super stream', vhost.superStreams],
    ] as const) {
      for (const o of map.values()) {
        checkName(out, kind, o.name, o.src);
        if (LINE_BREAK.test(o.name))
          out.push(
            finding(
              'invalid-name',
              o.src,
              `${kind} name holds a line break (CR or LF): RabbitMQ strips those from the names it is given over AMQP and the management API (rabbit_channel:strip_cr_lf/1), so the object would get another name`,
              { target: 'key' },
            ),
          );
      }
    }
    for (const o of [...vhost.policies.values(), ...vhost.operatorPolicies.values()])
      checkName(out, 'policy', o.name, o.src);
    for (const [kind, map] of [
      ['federation upstream', vhost.federationUpstreams],
      ['federation upstream set', vhost.federationUpstreamSets],
      ['shovel', vhost.shovels],
    ] as const)
      for (const o of map.values()) checkName(out, kind, o.name, o.src);
  }
  for (const user of model.users.values()) checkName(out, 'user', user.name, user.src);
  return out;
}

function checkName(out: Finding[], kind: string, name: string, src: Source): void {
  if (name === '') out.push(finding('invalid-name', src, `${kind} name is empty`, { target: 'key' }));
  else if (LONE_SURROGATE.test(name))
    out.push(
      finding('invalid-name', src, `${kind} name holds a lone UTF-16 surrogate, which has no UTF-8 form`, {
        target: 'key',
      }),
    );
  else if (Buffer.byteLength(name) > MAX_BYTES)
    out.push(
      finding('invalid-name', src, `${kind} name is ${Buffer.byteLength(name)} bytes in UTF-8; at most ${MAX_BYTES}`, {
        target: 'key',
      }),
    );
}

const LINE_BREAK = /[\r\n]/;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A queue or exchange named by a shovel or an upstream: RabbitMQ refuses a
 * shovel's destination queue longer than an AMQP short string
 * (rabbit_parameter_validation:amqp091_queue_name/2), and a link names the
 * others over AMQP, which cannot carry a longer one.
 */
export function checkReferencedName(name: string | undefined, src: Source, kind: 'queue' | 'exchange'): Finding[] {
  if (name === undefined || Buffer.byteLength(name) <= MAX_BYTES) return [];
  return [
    finding('invalid-name', src, `${kind} name is ${Buffer.byteLength(name)} bytes in UTF-8; at most ${MAX_BYTES}`),
  ];
}

/** A routing or binding key longer than AMQP allows (counted in UTF-8 bytes, as the broker does). */
export function checkKeyLength(key: string | undefined, src: Source, token?: string): Finding[] {
  if (key === undefined) return [];
  const here = token === undefined ? src : at(src, ...token.split('/'));
  // UTF-8 would carry U+FFFD instead: the broker would see another key.
  if (LONE_SURROGATE.test(key))
    return [finding('invalid-value', here, 'key holds a lone UTF-16 surrogate, which has no UTF-8 form')];
  if (Buffer.byteLength(key) <= MAX_BYTES) return [];
  return [finding('key-too-long', here, `key is ${Buffer.byteLength(key)} bytes; at most ${MAX_BYTES}`)];
}
