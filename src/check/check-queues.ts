// Queue rules: what each queue type supports, durations and sizes that name
// whole units, dead-letter exchanges that exist, and raw x-arguments that
// shadow typed fields.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { hasExchange, queueType, type Declared, type TopologyModel, type VHostModel } from '../model/topology-model.js';
import type { QueueSpec, QueueType } from '../schema/topology-schema.js';
import { parseDuration, parseSize } from '../units/parse-units.js';
import { checkKeyLength } from './check-names.js';

type Field = keyof QueueSpec;

// Fields a queue type does not support, and why it matters to the user.
const UNSUPPORTED: Record<QueueType, readonly Field[]> = {
  classic: ['deliveryLimit', 'maxAge'],
  quorum: ['maxPriority', 'maxAge'],
  stream: ['messageTtl', 'expires', 'maxLength', 'overflow', 'deadLetter', 'deliveryLimit', 'maxPriority', 'singleActiveConsumer'],
};

// Raw x-arguments that have a typed field. Typed fields that the contract
// marks changeable are applied so they can change later; a raw argument is
// fixed at declaration.
const RAW_ARGUMENTS: Record<string, Field> = {
  'x-queue-type': 'type', 'x-message-ttl': 'messageTtl', 'x-expires': 'expires', 'x-max-length': 'maxLength',
  'x-max-length-bytes': 'maxLengthBytes', 'x-overflow': 'overflow', 'x-dead-letter-exchange': 'deadLetter',
  'x-dead-letter-routing-key': 'deadLetter', 'x-dead-letter-strategy': 'deadLetter', 'x-delivery-limit': 'deliveryLimit',
  'x-max-priority': 'maxPriority', 'x-single-active-consumer': 'singleActiveConsumer', 'x-queue-leader-locator': 'leaderLocator',
  'x-max-age': 'maxAge',
};
const IMMUTABLE: ReadonlySet<Field> = new Set(['type', 'maxPriority', 'singleActiveConsumer']);

export function checkQueues(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values()) {
    for (const queue of vhost.queues.values()) {
      if (!queue.ok) continue;
      checkTypeSupport(out, queueType(vhost, queue.spec), queue);
      checkUnits(out, queue.spec, queue.src);
      checkDeadLetter(out, vhost, queue.spec, queue.src);
      checkArguments(out, queue.spec, queue.src);
    }
  }
  return out;
}

function checkTypeSupport(out: Finding[], type: QueueType, { spec, src }: Declared<QueueSpec>): void {
  const unsupported = (field: string, what: string) => out.push(finding('queue-type-unsupported', at(src, ...field.split('/')), `${type} queues do not support ${what}`, { target: 'key' }));
  for (const field of UNSUPPORTED[type]) if (spec[field] !== undefined) unsupported(field, `\`${field}\``);
  if (type === 'classic') {
    if (spec.deadLetter?.strategy === 'at-least-once') unsupported('deadLetter/strategy', 'at-least-once dead-lettering (quorum only)');
    return;
  }
  if (spec.durable === false) unsupported('durable', 'non-durable declaration (they are always durable)');
  if (spec.autoDelete === true) unsupported('autoDelete', 'auto-delete');
  if (type === 'quorum' && spec.overflow === 'reject-publish-dlx') unsupported('overflow', '`overflow: reject-publish-dlx`');
  if (type === 'quorum' && spec.deadLetter?.strategy === 'at-least-once' && spec.overflow !== 'reject-publish') {
    out.push(finding('dead-letter-strategy', at(src, 'deadLetter', 'strategy'), 'at-least-once dead-lettering needs `overflow: reject-publish`; without it RabbitMQ falls back to at-most-once'));
  }
}

function checkUnits(out: Finding[], spec: QueueSpec, src: Source): void {
  for (const field of ['messageTtl', 'expires', 'maxAge'] as const) {
    const value = spec[field];
    if (value === undefined) continue;
    const ms = parseDuration(value);
    if (ms === undefined) out.push(finding('invalid-duration', at(src, field), `\`${field}\` must come to whole milliseconds`));
    else if (field !== 'messageTtl' && ms === 0) out.push(finding('invalid-duration', at(src, field), `\`${field}\` must be at least 1ms`));
    else if (field === 'maxAge' && ms % 1000 !== 0) out.push(finding('invalid-duration', at(src, field), '`maxAge` must be whole seconds (streams keep it in seconds)'));
  }
  if (spec.maxLengthBytes !== undefined && parseSize(spec.maxLengthBytes) === undefined) {
    out.push(finding('invalid-size', at(src, 'maxLengthBytes'), '`maxLengthBytes` must come to whole bytes'));
  }
}

function checkDeadLetter(out: Finding[], vhost: VHostModel, spec: QueueSpec, src: Source): void {
  const dl = spec.deadLetter;
  if (!dl) return;
  if (dl.exchange !== '' && !hasExchange(vhost, dl.exchange)) {
    out.push(finding('unknown-exchange', at(src, 'deadLetter', 'exchange'), `dead-letter exchange \`${dl.exchange}\` is not declared in vhost \`${vhost.name}\``));
  }
  out.push(...checkKeyLength(dl.routingKey, src, 'deadLetter/routingKey'));
}

function checkArguments(out: Finding[], spec: QueueSpec, src: Source): void {
  for (const name of Object.keys(spec.arguments ?? {})) {
    const field = RAW_ARGUMENTS[name];
    if (!field) continue;
    const here = at(src, 'arguments', name);
    if (spec[field] !== undefined) {
      out.push(finding('argument-conflict', here, `raw argument \`${name}\` and field \`${field}\` both set the same thing; keep \`${field}\``, { target: 'key' }));
    } else {
      const why = IMMUTABLE.has(field) ? 'it says the same, and is checked' : 'as a raw argument it can never change without re-creating the queue';
      out.push(finding('prefer-field', here, `use \`${field}\` instead of raw argument \`${name}\`: ${why}`, { target: 'key' }));
    }
  }
}
