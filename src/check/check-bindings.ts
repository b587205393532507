// Binding rules: both ends resolve, exactly one destination, the default
// exchange stays unbound, headers matching only where it means something,
// raw arguments RabbitMQ takes, and keys the source exchange's type accepts.
import { at, finding, type Finding } from '../diagnostics/diagnostic.js';
import { exchangeType, hasExchange, hasQueue, type TopologyModel, type VHostModel } from '../model/topology-model.js';
import type { BindingSpec } from '../format/topology-schema.js';
import type { Source } from '../diagnostics/diagnostic.js';
import { checkArgumentValues } from './check-arguments.js';
import { consistentHashKeyProblem } from './check-exchanges.js';
import { bindingArguments } from '../model/binding-identity.js';
import { headersMatchMode } from '../route/match-headers.js';
import { MATCH_MODES } from '../format/format-constants.js';
import { checkKeyLength } from './check-names.js';

export function checkBindings(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values()) {
    for (const { spec, src, ok } of vhost.bindings.values()) {
      if (!ok) continue;
      checkEnds(out, vhost, spec, src);
      out.push(...checkKeyLength(spec.key, src, 'key'));
      out.push(...checkArgumentValues(spec.arguments, at(src, 'arguments')));
      checkMatching(out, vhost, spec, src);
      checkArgumentConflicts(out, spec, src);
      if (exchangeType(vhost, spec.from) === 'x-consistent-hash') {
        const problem = consistentHashKeyProblem(spec.key ?? '');
        if (problem) out.push(finding('invalid-value', spec.key === undefined ? src : at(src, 'key'), problem));
      }
    }
  }
  return out;
}

function checkEnds(out: Finding[], vhost: VHostModel, b: BindingSpec, src: Source): void {
  if (b.from === '')
    out.push(finding('default-exchange-binding', at(src, 'from'), 'the default exchange `""` cannot be bound'));
  else if (!hasExchange(vhost, b.from))
    out.push(
      finding('unknown-exchange', at(src, 'from'), `exchange \`${b.from}\` is not declared in vhost \`${vhost.name}\``),
    );
  if ((b.to === undefined) === (b.toExchange === undefined)) {
    const both = b.to !== undefined;
    out.push(
      finding(
        'binding-destination',
        both ? at(src, 'toExchange') : src,
        both
          ? 'a binding has one destination: `to` (a queue) or `toExchange`, not both'
          : 'a binding needs a destination: `to` (a queue) or `toExchange`',
        { target: both ? 'key' : 'value' },
      ),
    );
    return;
  }
  if (b.to !== undefined && !hasQueue(vhost, b.to))
    out.push(finding('unknown-queue', at(src, 'to'), `queue \`${b.to}\` is not declared in vhost \`${vhost.name}\``));
  if (b.toExchange === '')
    out.push(finding('default-exchange-binding', at(src, 'toExchange'), 'the default exchange `""` cannot be bound'));
  else if (b.toExchange !== undefined && !hasExchange(vhost, b.toExchange)) {
    out.push(
      finding(
        'unknown-exchange',
        at(src, 'toExchange'),
        `exchange \`${b.toExchange}\` is not declared in vhost \`${vhost.name}\``,
      ),
    );
  }
}

function checkMatching(out: Finding[], vhost: VHostModel, b: BindingSpec, src: Source): void {
  const type = exchangeType(vhost, b.from);
  if (type === undefined) return;
  const field = b.match !== undefined ? 'match' : b.headers !== undefined ? 'headers' : undefined;
  if (field && type !== 'headers') {
    out.push(
      finding(
        'headers-mismatch',
        at(src, field),
        `\`${field}\` only applies to headers exchanges; \`${b.from}\` is ${type}`,
        { target: 'key' },
      ),
    );
  }
  // rabbit_exchange_type_headers:validate_binding/2 refuses an x-match that is not one of the four strings.
  if (type === 'headers' && headersMatchMode(bindingArguments(b)['x-match']) === undefined) {
    out.push(
      finding(
        'invalid-value',
        at(src, 'arguments', 'x-match'),
        `RabbitMQ refuses a headers binding whose \`x-match\` is ${JSON.stringify(bindingArguments(b)['x-match'])}: it takes ${MATCH_MODES.join(', ')} (or none, which is all)`,
      ),
    );
  }
  if ((b.key ?? '') !== '' && (type === 'fanout' || type === 'headers')) {
    out.push(finding('key-ignored', at(src, 'key'), `${type} exchanges ignore routing keys; this key has no effect`));
  }
}

/**
 * `headers` and `match` are binding arguments too (model/binding-identity.ts): a raw argument of the same name
 * beside them would be silently replaced by theirs, so the broker would get another binding than the one written.
 */
function checkArgumentConflicts(out: Finding[], b: BindingSpec, src: Source): void {
  if (b.arguments === undefined || (b.headers === undefined && b.match === undefined)) return;
  const typed = new Set([...Object.keys(b.headers ?? {}), 'x-match']);
  for (const name of Object.keys(b.arguments)) {
    if (!typed.has(name)) continue;
    const field = name === 'x-match' ? 'match' : 'headers';
    out.push(
      finding(
        'argument-conflict',
        at(src, 'arguments', name),
        `raw argument \`${name}\` and \`${field}\` both set the same binding argument; keep \`${field}\``,
        { target: 'key' },
      ),
    );
  }
}
