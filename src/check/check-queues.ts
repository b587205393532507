// Queue rules: what each queue type supports, durations and sizes that name
// whole units, dead-letter exchanges that exist, and raw x-arguments that
// shadow typed fields. Known raw x-arguments are read as the fields they stand
// for (model/queue-fields.ts) and go through the same checks, reported at the argument.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { ARGUMENT_FIELD, MAX_TIMER_MS, pointerOf, QUEUE_FIELDS, valueIn } from '../model/queue-fields.js';
import { argumentsAsFields } from '../model/read-queue-arguments.js';
import { hasExchange, queueType, type TopologyModel, type VHostModel } from '../model/topology-model.js';
import { QUEUE_TYPES } from '../schema/format-constants.js';
import type { QueueSpec, QueueType } from '../schema/topology-schema.js';
import { parseDuration, parseSize } from '../units/parse-units.js';
import { checkKeyLength } from './check-names.js';
import { checkQueueFields } from './check-schema.js';

type Field = keyof QueueSpec;

// Fields a queue type does not support: those none of whose table entries it
// applies (deadLetter as a whole, as it is written).
const FIELDS = [...new Set(QUEUE_FIELDS.map((f) => f.field))];
const UNSUPPORTED = new Map(
  QUEUE_TYPES.map((type) => [
    type,
    FIELDS.filter((field) => !QUEUE_FIELDS.some((f) => f.field === field && f.types.includes(type))),
  ]),
);

export function checkQueues(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values()) {
    for (const queue of vhost.queues.values()) {
      if (!queue.ok) continue;
      const { spec, where } = effectiveSpec(out, queue.spec, queue.src);
      checkTypeSupport(out, queueType(vhost, spec), spec, where);
      checkUnits(out, spec, where);
      checkDeadLetter(out, vhost, spec, where);
    }
  }
  return out;
}

/** Where a field of the effective spec was written: `field` or `deadLetter/routingKey`. */
type Where = (field: string) => Source;

function checkTypeSupport(out: Finding[], type: QueueType, spec: QueueSpec, where: Where): void {
  for (const { field, what } of unsupportedByType(type, spec))
    out.push(
      finding('queue-type-unsupported', where(field), `${type} queues do not support ${what}`, { target: 'key' }),
    );
  if (type === 'quorum' && spec.deadLetter?.strategy === 'at-least-once' && spec.overflow !== 'reject-publish') {
    out.push(
      finding(
        'dead-letter-strategy',
        where('deadLetter/strategy'),
        'at-least-once dead-lettering needs `overflow: reject-publish`; without it RabbitMQ falls back to at-most-once',
      ),
    );
  }
}

/**
 * What `spec` sets that its queue type does not support: the field (as a pointer below the queue) and how to say it.
 * Also what `warren import` asks of a settings policy it folds back (a policy setting more is not warren's).
 */
export function unsupportedByType(type: QueueType, spec: QueueSpec): { field: string; what: string }[] {
  const out: { field: string; what: string }[] = [];
  const unsupported = (field: string, what: string) => out.push({ field, what });
  for (const field of UNSUPPORTED.get(type)!) if (spec[field] !== undefined) unsupported(field, `\`${field}\``);
  if (type === 'classic') {
    if (spec.deadLetter?.strategy === 'at-least-once')
      unsupported('deadLetter/strategy', 'at-least-once dead-lettering (quorum only)');
    return out;
  }
  if (spec.durable === false) unsupported('durable', 'non-durable declaration (they are always durable)');
  if (spec.autoDelete === true) unsupported('autoDelete', 'auto-delete');
  if (type === 'quorum' && spec.overflow === 'reject-publish-dlx')
    unsupported('overflow', '`overflow: reject-publish-dlx`');
  return out;
}

function checkUnits(out: Finding[], spec: QueueSpec, where: Where): void {
  for (const entry of QUEUE_FIELDS) {
    const { name: field, unit } = entry;
    const value = valueIn(spec, entry);
    if (unit?.kind !== 'duration' || value === undefined) continue;
    const ms = parseDuration(value as number | string);
    if (ms === undefined)
      out.push(finding('invalid-duration', where(pointerOf(entry)), `\`${field}\` must come to whole milliseconds`));
    else if (ms < unit.min)
      out.push(finding('invalid-duration', where(pointerOf(entry)), `\`${field}\` must be at least ${unit.min}ms`));
    else if (unit.within === 'seconds' && ms % 1000 !== 0)
      out.push(
        finding(
          'invalid-duration',
          where(pointerOf(entry)),
          `\`${field}\` must be whole seconds (streams keep it in seconds)`,
        ),
      );
    else if (unit.within === 'timer' && ms > MAX_TIMER_MS)
      out.push(
        finding(
          'invalid-duration',
          where(pointerOf(entry)),
          `\`${field}\` must be at most ${MAX_TIMER_MS}ms (about 49 days), RabbitMQ's timer limit`,
        ),
      );
    else if (ms > Number.MAX_SAFE_INTEGER)
      out.push(finding('invalid-duration', where(pointerOf(entry)), `\`${field}\` is too large to be exact`));
  }
  for (const entry of QUEUE_FIELDS) {
    if (entry.unit?.kind !== 'size') continue;
    const value = valueIn(spec, entry);
    const bytes = value === undefined ? 0 : parseSize(value as number | string);
    if (bytes === undefined || bytes > Number.MAX_SAFE_INTEGER) {
      out.push(finding('invalid-size', where(pointerOf(entry)), `\`${entry.name}\` must come to whole bytes`));
    }
  }
}

function checkDeadLetter(out: Finding[], vhost: VHostModel, spec: QueueSpec, where: Where): void {
  const dl = spec.deadLetter;
  if (!dl) return;
  if (dl.exchange !== '' && !hasExchange(vhost, dl.exchange)) {
    out.push(
      finding(
        'unknown-exchange',
        where('deadLetter/exchange'),
        `dead-letter exchange \`${dl.exchange}\` is not declared in vhost \`${vhost.name}\``,
      ),
    );
  }
  out.push(...checkKeyLength(dl.routingKey, where('deadLetter/routingKey')));
}

/**
 * The queue as the broker will have it: its typed fields, plus the known raw
 * x-arguments read as the fields they stand for, each checked by the schema
 * exactly as that field is. A raw argument next to its typed field is an
 * `argument-conflict`; alone, a `prefer-field`.
 */
function effectiveSpec(out: Finding[], typed: QueueSpec, src: Source): { spec: QueueSpec; where: Where } {
  if (typed.arguments === undefined) return { spec: typed, where: (field) => at(src, ...field.split('/')) };
  const fromArgs = argumentsAsFields(typed.arguments);
  const argumentAt = (name: string) => at(src, 'arguments', name);
  const taken = new Map<string, string>();
  for (const [field, name] of fromArgs.from) {
    const top = field.split('/')[0] as Field;
    const known = ARGUMENT_FIELD.get(name)!;
    if (typed[top] !== undefined) {
      out.push(
        finding(
          'argument-conflict',
          argumentAt(name),
          `raw argument \`${name}\` and field \`${top}\` both set the same thing; keep \`${top}\``,
          { target: 'key' },
        ),
      );
      continue;
    }
    const why = known.immutable
      ? 'it says the same, and is checked'
      : 'as a raw argument it can never change without re-creating the queue';
    out.push(
      finding('prefer-field', argumentAt(name), `use \`${top}\` instead of raw argument \`${name}\`: ${why}`, {
        target: 'key',
      }),
    );
    taken.set(field, name);
  }
  const where: Where = (field) => {
    // `deadLetter` as a whole stands where any of its arguments does.
    const name =
      taken.get(field) ??
      [...taken].find(([f]) => f.startsWith(`${field}/`) || field.startsWith(`${f.split('/')[0]}/`))?.[1];
    return name !== undefined ? argumentAt(name) : at(src, ...field.split('/'));
  };
  if (taken.size === 0) return { spec: typed, where };
  const candidate = Object.fromEntries(
    Object.entries(fromArgs.spec).filter(([field]) => typed[field as Field] === undefined),
  );
  const schema = checkQueueFields(candidate, where);
  out.push(...schema.findings);
  const broken = new Set(schema.broken.map((b) => b.split('/')[0]));
  const usable = Object.fromEntries(Object.entries(candidate).filter(([field]) => !broken.has(field)));
  return { spec: { ...usable, ...typed } as QueueSpec, where };
}
