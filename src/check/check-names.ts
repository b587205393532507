// Names: non-empty and at most 255 bytes (AMQP short strings); exchanges and
// queues may not start with `amq.`, which the broker reserves for itself.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import type { TopologyModel } from '../model/topology-model.js';

const MAX_BYTES = 255;

export function checkNames(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values()) {
    for (const src of vhost.sources) checkName(out, 'vhost', vhost.name, src);
    for (const [kind, map] of [['exchange', vhost.exchanges], ['queue', vhost.queues]] as const) {
      for (const o of map.values()) {
        checkName(out, kind, o.name, o.src);
        if (o.name.startsWith('amq.')) out.push(finding('reserved-name', o.src, `${kind} name \`${o.name}\` starts with \`amq.\`, which the broker reserves`, { target: 'key' }));
      }
    }
    for (const o of [...vhost.policies.values(), ...vhost.operatorPolicies.values()]) checkName(out, 'policy', o.name, o.src);
  }
  for (const user of model.users.values()) checkName(out, 'user', user.name, user.src);
  return out;
}

function checkName(out: Finding[], kind: string, name: string, src: Source): void {
  if (name === '') out.push(finding('invalid-name', src, `${kind} name is empty`, { target: 'key' }));
  else if (Buffer.byteLength(name) > MAX_BYTES) out.push(finding('invalid-name', src, `${kind} name is ${Buffer.byteLength(name)} bytes; at most ${MAX_BYTES}`, { target: 'key' }));
}

/** A routing or binding key longer than AMQP allows. */
export function checkKeyLength(key: string | undefined, src: Source, token: string): Finding[] {
  if (key === undefined || Buffer.byteLength(key) <= MAX_BYTES) return [];
  return [finding('key-too-long', at(src, ...token.split('/')), `key is ${Buffer.byteLength(key)} bytes; at most ${MAX_BYTES}`)];
}
