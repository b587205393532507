// The queue declaration arguments RabbitMQ checks (3.10): which queue types
// take each (each type's capabilities, `queue_arguments`) and the values it
// accepts (rabbit_amqqueue:declare_args/0). RabbitMQ refuses a queue that
// carries a known argument its type does not list ("invalid arg … of queue
// type …") or a value the argument's check refuses ("invalid arg …"), on
// every path: AMQP, the management API and a definitions import alike. It
// stores unknown x-arguments as declared.
//
// The arguments a queue field stands for are named by the queue-field table
// (queue-fields.ts), which gives their queue types too; their checks are
// keyed by field here. The rest are listed by name.
import { DEAD_LETTER_STRATEGIES, LEADER_LOCATORS, OVERFLOW_MODES, QUEUE_TYPES } from '../format/format-constants.js';
import type { QueueType } from '../format/topology-schema.js';
import { maxAgeRefusal } from '../format/read-max-age.js';
import {
  MAX_DELIVERY_LIMIT,
  MAX_EXPIRY_MS,
  QUEUE_FIELD,
  QUEUE_FIELDS,
  type QueueFieldName,
} from '../format/queue-fields.js';

/** Why RabbitMQ refuses an argument's value among the queue's arguments; undefined when it accepts it. */
export type ArgumentCheck = (value: unknown, args: Readonly<Record<string, unknown>>) => string | undefined;

export interface ArgumentFacts {
  readonly name: string;
  readonly types: readonly QueueType[];
  readonly check: ArgumentCheck;
  /** The queue field it stands for, if any. */
  readonly field?: QueueFieldName;
}

/** The largest stream segment RabbitMQ takes (MAX_STREAM_MAX_SEGMENT_SIZE, rabbit_stream_queue:declare/2). */
export const MAX_STREAM_SEGMENT_BYTES = 3_000_000_000;

/** Leader locators RabbitMQ accepts: the format's two and the older names it reads as `balanced`. */
export const ACCEPTED_LEADER_LOCATORS = [...LEADER_LOCATORS, 'random', 'least-leaders'] as const;

// The management API and a definitions import give JSON integers the AMQP
// type `long` and other numbers `double` (rabbit_misc:to_amqp_table/1): only
// the first is an integer to RabbitMQ.
const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): ArgumentCheck =>
  (v) =>
    !Number.isSafeInteger(v)
      ? 'must be a whole number'
      : (v as number) < min || (v as number) > max
        ? max === Number.MAX_SAFE_INTEGER
          ? `must be at least ${min}`
          : `must be from ${min} to ${max}`
        : undefined;
const oneOf =
  (...values: readonly (string | number)[]): ArgumentCheck =>
  (v) =>
    values.includes(v as string) ? undefined : `must be one of: ${values.join(', ')}`;
const text: ArgumentCheck = (v) => (typeof v === 'string' ? undefined : 'must be a string');
const bool: ArgumentCheck = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');

type FieldWithArgument = {
  [K in QueueFieldName]: (typeof QUEUE_FIELD)[K] extends { argument: string } ? K : never;
}[QueueFieldName];

const BY_FIELD: { readonly [K in Exclude<FieldWithArgument, 'durable' | 'autoDelete'>]: ArgumentCheck } = {
  type: oneOf(...QUEUE_TYPES),
  messageTtl: integer(0, MAX_EXPIRY_MS),
  expires: integer(1, MAX_EXPIRY_MS),
  maxLength: integer(0),
  maxLengthBytes: integer(0),
  overflow: oneOf(...OVERFLOW_MODES),
  'deadLetter.exchange': text,
  'deadLetter.routingKey': text,
  'deadLetter.strategy': oneOf(...DEAD_LETTER_STRATEGIES),
  // RabbitMQ 3.10 does not check it at all (a value that is no count only
  // breaks the queue); warren takes what the field takes.
  deliveryLimit: integer(0, MAX_DELIVERY_LIMIT),
  // 0 too: the contract's maxPriority starts at 1, the argument as RabbitMQ takes it at 0.
  maxPriority: integer(0, 255),
  singleActiveConsumer: bool,
  leaderLocator: oneOf(...ACCEPTED_LEADER_LOCATORS),
  maxAge: maxAgeRefusal,
};

const OTHERS: readonly Omit<ArgumentFacts, 'field'>[] = [
  { name: 'x-max-in-memory-length', types: ['quorum'], check: integer(0) },
  { name: 'x-max-in-memory-bytes', types: ['quorum'], check: integer(0) },
  { name: 'x-quorum-initial-group-size', types: ['quorum'], check: integer(1) },
  { name: 'x-queue-mode', types: ['classic'], check: oneOf('default', 'lazy') },
  { name: 'x-queue-version', types: ['classic'], check: oneOf(1, 2) },
  // Not in declare_args, but a classic queue's declaration fails on an unknown locator (rabbit_queue_master_location_misc).
  { name: 'x-queue-master-locator', types: ['classic'], check: oneOf('min-masters', 'client-local', 'random') },
  { name: 'x-stream-max-segment-size-bytes', types: ['stream'], check: integer(0, MAX_STREAM_SEGMENT_BYTES) },
  { name: 'x-initial-cluster-size', types: ['stream'], check: integer(1) },
];

/** Every argument RabbitMQ checks, by name. */
export const QUEUE_ARGUMENT: ReadonlyMap<string, ArgumentFacts> = new Map([
  ...QUEUE_FIELDS.flatMap((f) => {
    const check = (BY_FIELD as Record<string, ArgumentCheck>)[f.name];
    return f.argument && check
      ? [[f.argument, { name: f.argument, types: f.types, check, field: f.name }] as const]
      : [];
  }),
  ...OTHERS.map((a) => [a.name, a] as const),
]);

/**
 * Arguments RabbitMQ refuses in combination: a dead-letter routing key
 * without a dead-letter exchange (rabbit_amqqueue's check_dlxrk_arg/2). The
 * argument to report at, with why.
 */
export function argumentCombinations(args: Readonly<Record<string, unknown>>): { name: string; problem: string }[] {
  const key = QUEUE_FIELD['deadLetter.routingKey'].argument!;
  const exchange = QUEUE_FIELD['deadLetter.exchange'].argument!;
  return Object.hasOwn(args, key) && !Object.hasOwn(args, exchange)
    ? [{ name: key, problem: `\`${key}\` needs \`${exchange}\`: RabbitMQ refuses a dead-letter routing key alone` }]
    : [];
}
