// Queue rules: what each queue type supports, durations and sizes that name
// whole units, dead-letter exchanges that exist, and raw x-arguments that
// shadow typed fields. Known raw x-arguments are checked as RabbitMQ checks
// them when the queue is declared (model/queue-arguments.ts), then read as the
// fields they stand for (format/queue-fields.ts) for the checks that look
// across objects, reported at the argument.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { QUEUE_ARGUMENT, argumentCombinations } from '../model/queue-arguments.js';
import { MAX_EXPIRY_MS, pointerOf, QUEUE_FIELD, QUEUE_FIELDS, valueIn } from '../format/queue-fields.js';
import { argumentsAsFields } from '../model/read-queue-arguments.js';
import { partitionsOf } from '../model/super-stream-partitions.js';
import { hasExchange, queueType, type TopologyModel, type VHostModel } from '../model/topology-model.js';
import { QUEUE_TYPES } from '../format/format-constants.js';
import type { QueueSpec, QueueType } from '../format/topology-schema.js';
import { parseDuration, parseSize } from '../units/parse-units.js';
import { checkArgumentValues } from './check-arguments.js';
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
    checkQueueLimit(out, vhost);
    for (const queue of vhost.queues.values()) {
      if (!queue.ok) continue;
      const type = queueType(vhost, queue.spec);
      const { spec, where } = effectiveSpec(out, queue.spec, queue.src, type);
      checkTypeSupport(out, type, spec, where);
      checkUnits(out, spec, where);
      checkDeadLetter(out, vhost, spec, where);
    }
  }
  return out;
}

/**
 * RabbitMQ refuses to declare a queue beyond the vhost's queue limit
 * (rabbit_channel:check_vhost_queue_limit/2; a definitions import refuses the
 * whole chunk, rabbit_definitions:validate_limits/2), but counts only queues
 * it creates: a limit set below queues that already exist is taken. Whether
 * they exist is the broker's to know, so this is a warning.
 */
function checkQueueLimit(out: Finding[], vhost: VHostModel): void {
  const max = vhost.settings.limits?.maxQueues;
  if (max === undefined) return;
  let count = vhost.queues.size;
  for (const ss of vhost.superStreams.values()) if (ss.ok) count += partitionsOf(ss.name, ss.spec).length;
  if (count <= max) return;
  const src = vhost.settingSources.get('limits') ?? vhost.sources[0];
  if (!src) return;
  out.push(
    finding(
      'vhost-limit-exceeded',
      at(src, 'maxQueues'),
      `vhost \`${vhost.name}\` declares ${count} queues (super stream partitions included), but RabbitMQ declares none beyond its maxQueues (${max}): applying fails where they do not exist yet`,
    ),
  );
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
    else if (unit.within === 'expiry' && ms > MAX_EXPIRY_MS)
      out.push(
        finding(
          'invalid-duration',
          where(pointerOf(entry)),
          `\`${field}\` must be at most ${MAX_EXPIRY_MS}ms (ten years), RabbitMQ's expiry limit`,
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
 * x-arguments read as the fields they stand for. Each known raw argument is
 * checked first as RabbitMQ checks it when the queue is declared
 * (model/queue-arguments.ts): a queue type that does not take it, a value it
 * refuses, and arguments it refuses together. A raw argument next to its typed
 * field is an `argument-conflict`; alone, a `prefer-field`.
 */
function effectiveSpec(
  out: Finding[],
  typed: QueueSpec,
  src: Source,
  type: QueueType,
): { spec: QueueSpec; where: Where } {
  if (typed.arguments === undefined) return { spec: typed, where: (field) => at(src, ...field.split('/')) };
  const args = typed.arguments;
  const argumentAt = (name: string) => at(src, 'arguments', name);
  out.push(...checkArgumentValues(args, at(src, 'arguments')));
  const accepted: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(args)) {
    const known = QUEUE_ARGUMENT.get(name);
    if (!known || raw === null) continue;
    const field = known.field === undefined ? undefined : (known.field.split('.')[0] as Field);
    if (field !== undefined && typed[field] !== undefined) {
      out.push(
        finding(
          'argument-conflict',
          argumentAt(name),
          `raw argument \`${name}\` and field \`${field}\` both set the same thing; keep \`${field}\``,
          { target: 'key' },
        ),
      );
      continue;
    }
    if (field !== undefined) {
      const why = QUEUE_FIELD[known.field!].immutable
        ? 'it says the same, and is checked'
        : 'as a raw argument it can never change without re-creating the queue';
      out.push(
        finding('prefer-field', argumentAt(name), `use \`${field}\` instead of raw argument \`${name}\`: ${why}`, {
          target: 'key',
        }),
      );
    }
    if (!known.types.includes(type)) {
      out.push(
        finding('queue-type-unsupported', argumentAt(name), `${type} queues do not take argument \`${name}\``, {
          target: 'key',
        }),
      );
      continue;
    }
    const problem = known.check(raw, args);
    if (problem) out.push(finding('invalid-value', argumentAt(name), `\`${name}\` ${problem}`));
    else accepted[name] = raw;
  }
  // Only among the arguments the type takes: RabbitMQ refuses the others first.
  for (const { name, problem } of argumentCombinations(args))
    if (QUEUE_ARGUMENT.get(name)?.types.includes(type))
      out.push(finding('argument-combination', argumentAt(name), problem, { target: 'key' }));
  return readArguments(typed, accepted, argumentAt, src);
}

/**
 * The accepted raw arguments as the fields they stand for, laid under the
 * typed fields. A value RabbitMQ takes that the field cannot hold (such as
 * `x-max-priority: 0`) is left out: it sets nothing warren checks further.
 */
function readArguments(
  typed: QueueSpec,
  accepted: Readonly<Record<string, unknown>>,
  argumentAt: (name: string) => Source,
  src: Source,
): { spec: QueueSpec; where: Where } {
  const fromArgs = argumentsAsFields(accepted);
  const taken = new Map(fromArgs.from);
  const where: Where = (field) => {
    // `deadLetter` as a whole stands where any of its arguments does.
    const name =
      taken.get(field) ??
      [...taken].find(([f]) => f.startsWith(`${field}/`) || field.startsWith(`${f.split('/')[0]}/`))?.[1];
    return name !== undefined ? argumentAt(name) : at(src, ...field.split('/'));
  };
  if (taken.size === 0) return { spec: typed, where };
  const broken = new Set(checkQueueFields(fromArgs.spec, where).broken.map((b) => b.split('/')[0]));
  const usable = Object.fromEntries(Object.entries(fromArgs.spec).filter(([field]) => !broken.has(field)));
  return { spec: { ...usable, ...typed } as QueueSpec, where };
}
