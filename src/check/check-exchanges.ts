// Exchange rules: types RabbitMQ knows, delayed-message settings, alternate
// exchanges that exist, raw arguments RabbitMQ takes, and what the
// consistent-hash plugin checks (rabbit_exchange_type_consistent_hash:validate/1).
import { at, finding, type Finding } from '../diagnostics/diagnostic.js';
import { hasExchange, type TopologyModel } from '../model/topology-model.js';
import type { ExchangeSpec } from '../format/topology-schema.js';
import type { Source } from '../diagnostics/diagnostic.js';
import { checkArgumentValues } from './check-arguments.js';

// Built in, and the plugins warren knows; any other plugin type starts with `x-`
// (RabbitMQ refuses a type no plugin registers: rabbit_exchange:check_type/1).
const KNOWN_TYPES = new Set(['direct', 'fanout', 'topic', 'headers', 'x-delayed-message', 'x-consistent-hash']);

/** The message properties a consistent-hash exchange can hash (its PROPERTIES). */
const HASH_PROPERTIES = ['correlation_id', 'message_id', 'timestamp'];

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
            `exchange type \`${type}\` is not built in, and plugin types start with \`x-\`: RabbitMQ refuses it`,
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
      out.push(...checkArgumentValues(spec.arguments, at(src, 'arguments')));
      // AMQP and the management API check the raw argument (rabbit_channel's exchange.declare).
      const ae = spec.arguments?.['alternate-exchange'];
      if (ae !== undefined && ae !== null && typeof ae !== 'string')
        out.push(
          finding(
            'invalid-value',
            at(src, 'arguments', 'alternate-exchange'),
            '`alternate-exchange` must be a string (an exchange name): RabbitMQ refuses another type',
          ),
        );
      if (type === 'x-consistent-hash') checkHashArguments(out, spec, src);
      // The plan writes these fields as these arguments, over a raw one.
      for (const [field, argument] of [
        ['alternateExchange', 'alternate-exchange'],
        ['delayedType', 'x-delayed-type'],
      ] as const)
        if (spec[field] !== undefined && spec.arguments !== undefined && Object.hasOwn(spec.arguments, argument))
          out.push(
            finding(
              'argument-conflict',
              at(src, 'arguments', argument),
              `raw argument \`${argument}\` and field \`${field}\` both set the same thing; keep \`${field}\``,
              { target: 'key' },
            ),
          );
    }
  }
  return out;
}

function checkHashArguments(out: Finding[], spec: ExchangeSpec, src: Source): void {
  const args = spec.arguments ?? {};
  const header = args['hash-header'];
  const property = args['hash-property'];
  if (header !== undefined && header !== null && typeof header !== 'string')
    out.push(finding('invalid-value', at(src, 'arguments', 'hash-header'), '`hash-header` must be a string'));
  if (property !== undefined && property !== null && !HASH_PROPERTIES.includes(property as string))
    out.push(
      finding(
        'invalid-value',
        at(src, 'arguments', 'hash-property'),
        `\`hash-property\` must be one of: ${HASH_PROPERTIES.join(', ')}`,
      ),
    );
  if (header !== undefined && property !== undefined)
    out.push(
      finding(
        'argument-combination',
        at(src, 'arguments', 'hash-property'),
        'a consistent-hash exchange hashes `hash-header` or `hash-property`, not both: RabbitMQ refuses the two together',
        { target: 'key' },
      ),
    );
}

/**
 * A consistent-hash exchange's binding key is the binding's weight: RabbitMQ
 * refuses a key that is not a whole number of at least 1, as Erlang's
 * list_to_integer/1 reads it (a sign, then digits).
 */
export function consistentHashKeyProblem(key: string): string | undefined {
  const weight = /^[+-]?[0-9]+$/.test(key) ? Number(key) : undefined;
  return weight !== undefined && weight >= 1
    ? undefined
    : 'a consistent-hash exchange reads the binding key as its weight: a whole number of at least 1';
}
