// Exchange rules: types, delayed-message settings and alternate exchanges.
import { at, finding, type Finding } from '../diagnostics/diagnostic.js';
import { hasExchange, type TopologyModel } from '../model/topology-model.js';

const KNOWN_TYPES = new Set(['direct', 'fanout', 'topic', 'headers', 'x-delayed-message', 'x-consistent-hash']);

export function checkExchanges(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values()) {
    for (const { name, spec, src, ok } of vhost.exchanges.values()) {
      if (!ok) continue;
      const type = spec.type ?? 'direct';
      if (!KNOWN_TYPES.has(type) && !type.startsWith('x-')) {
        out.push(
          finding(
            'unknown-exchange-type',
            at(src, 'type'),
            `exchange type \`${type}\` is not built in, and plugin types start with \`x-\``,
          ),
        );
      }
      if (type === 'x-delayed-message' && spec.delayedType === undefined) {
        out.push(
          finding(
            'delayed-type-required',
            at(src, 'type'),
            `x-delayed-message exchange \`${name}\` needs \`delayedType\` (direct, fanout, topic or headers)`,
          ),
        );
      }
      if (type !== 'x-delayed-message' && spec.delayedType !== undefined) {
        out.push(
          finding(
            'delayed-type-unexpected',
            at(src, 'delayedType'),
            `\`delayedType\` has no effect on a ${type} exchange`,
            { target: 'key' },
          ),
        );
      }
      if (spec.alternateExchange !== undefined && !hasExchange(vhost, spec.alternateExchange)) {
        out.push(
          finding(
            'unknown-exchange',
            at(src, 'alternateExchange'),
            `alternate exchange \`${spec.alternateExchange}\` is not declared in vhost \`${vhost.name}\``,
          ),
        );
      }
    }
  }
  return out;
}
