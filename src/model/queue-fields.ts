// The queue fields that RabbitMQ also takes as a declaration argument: one
// table, from which the prefer-field and argument-conflict checks, the
// checking of raw x-arguments (as strictly as the typed field) and the
// immutable/changeable split are derived.
import type { DeadLetterSpec, QueueSpec } from '../schema/topology-schema.js';

export type QueueField = keyof QueueSpec;

export interface ArgumentField {
  readonly argument: string;
  readonly field: QueueField;
  /** For `deadLetter`: which of its fields. */
  readonly sub?: keyof DeadLetterSpec;
  /** Fixed at declaration; the contract marks every other field changeable. */
  readonly immutable: boolean;
  /** The argument's value in the typed field's form (where RabbitMQ writes it differently). */
  readonly read?: (value: unknown) => unknown;
}

// RabbitMQ writes x-max-age as a count and a unit Y, M, D, h, m or s.
const MAX_AGE_UNITS: Record<string, string | number> = {
  Y: 365 * 86_400,
  M: 30 * 86_400,
  D: 'd',
  h: 'h',
  m: 'm',
  s: 's',
};

function readMaxAge(value: unknown): unknown {
  const parts = typeof value === 'string' ? /^(\d+)([YMDhms])$/.exec(value) : null;
  if (!parts) return value;
  const unit = MAX_AGE_UNITS[parts[2]!]!;
  return typeof unit === 'number' ? `${Number(parts[1]) * unit}s` : `${parts[1]}${unit}`;
}

export const ARGUMENT_FIELDS: readonly ArgumentField[] = [
  { argument: 'x-queue-type', field: 'type', immutable: true },
  { argument: 'x-message-ttl', field: 'messageTtl', immutable: false },
  { argument: 'x-expires', field: 'expires', immutable: false },
  { argument: 'x-max-length', field: 'maxLength', immutable: false },
  { argument: 'x-max-length-bytes', field: 'maxLengthBytes', immutable: false },
  { argument: 'x-overflow', field: 'overflow', immutable: false },
  { argument: 'x-dead-letter-exchange', field: 'deadLetter', sub: 'exchange', immutable: false },
  { argument: 'x-dead-letter-routing-key', field: 'deadLetter', sub: 'routingKey', immutable: false },
  { argument: 'x-dead-letter-strategy', field: 'deadLetter', sub: 'strategy', immutable: false },
  { argument: 'x-delivery-limit', field: 'deliveryLimit', immutable: false },
  { argument: 'x-max-priority', field: 'maxPriority', immutable: true },
  { argument: 'x-single-active-consumer', field: 'singleActiveConsumer', immutable: true },
  { argument: 'x-queue-leader-locator', field: 'leaderLocator', immutable: false },
  { argument: 'x-max-age', field: 'maxAge', immutable: false, read: readMaxAge },
];

export const ARGUMENT_FIELD = new Map(ARGUMENT_FIELDS.map((a) => [a.argument, a]));

/**
 * The typed fields that a queue's known raw arguments stand for, in the
 * typed fields' form, with the argument each came from.
 */
export function argumentsAsFields(args: Readonly<Record<string, unknown>> | undefined): {
  spec: Partial<Record<QueueField, unknown>>;
  from: Map<string, string>;
} {
  const spec: Record<string, unknown> = {};
  const from = new Map<string, string>();
  for (const [name, raw] of Object.entries(args ?? {})) {
    const known = ARGUMENT_FIELD.get(name);
    if (!known) continue;
    const value = known.read ? known.read(raw) : raw;
    if (known.sub) {
      // deadLetter needs its exchange; a key or strategy alone still reads as one.
      spec.deadLetter ??= { exchange: '' };
      const dl = spec.deadLetter as Record<string, unknown>;
      dl[known.sub] = value;
      from.set(`deadLetter/${known.sub}`, name);
    } else {
      spec[known.field] = value;
      from.set(known.field, name);
    }
  }
  return { spec, from };
}
