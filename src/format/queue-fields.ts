// The one table of queue fields: for each field of a queue and of its
// deadLetter, its declaration argument, the policy key through which it
// changes on a live queue (none: it is fixed when the queue is declared), how
// its value goes to the broker and comes back, the queue types that apply it,
// and its description. Every list of queue fields is derived from here: the
// JSON Schema's descriptions (describe-queue-field.ts), the settings policy
// and the declaration arguments (plan/queue-settings.ts), the policy's fold
// back into fields (import/fold-settings.ts) and the fixed fields read from
// x-arguments (import/import-queues.ts), the checks of queues and of their raw
// x-arguments (check/check-queues.ts, read-queue-arguments.ts), the queue keys
// of the policy-key table (check/policy-keys.ts), the limits whose lowering
// loses messages (diff/assess-settings.ts) and the table in docs/format.md.
//
// Typed by QueueSpec's fields: a field of the schema missing here, or one here
// that the schema lacks, fails the build; test/format/queue-fields.test.ts
// fails when a copy elsewhere drifts.
import { DEAD_LETTER_STRATEGIES, LEADER_LOCATORS, OVERFLOW_MODES, QUEUE_TYPES } from './format-constants.js';
import type { QueueType } from './format-constants.js';
import type { DeadLetterSpec, QueueSpec } from './queue-spec.js';
import { formatDuration, formatSize } from '../units/format-units.js';
import { parseDuration, parseSize } from '../units/parse-units.js';
import { readMaxAge } from './read-max-age.js';

/**
 * A field of the queue itself; `deadLetter` stands here as its fields, `arguments` is the raw rest, and `replaces`
 * is no setting of the queue's but a move (plan/queue-migrations.ts).
 */
type OwnField = Exclude<keyof QueueSpec, 'deadLetter' | 'arguments' | 'replaces'>;
export type DeadLetterField = keyof DeadLetterSpec;
/** A field as the contract's table names it: `messageTtl`, `deadLetter.routingKey`. */
export type QueueFieldName = OwnField | `deadLetter.${DeadLetterField}`;

type ValueOf<K extends QueueFieldName> = K extends `deadLetter.${infer S extends DeadLetterField}`
  ? NonNullable<DeadLetterSpec[S]>
  : K extends OwnField
    ? NonNullable<QueueSpec[K]>
    : never;

/** A value as RabbitMQ takes it: a declaration argument or a policy definition value. */
export type BrokerValue = string | number | boolean;

/** Durations and sizes, with the bounds RabbitMQ sets. */
export type Unit =
  | {
      readonly kind: 'duration';
      /** 1 where 0 means nothing to RabbitMQ. */
      readonly min: 0 | 1;
      /** `expiry`: at most RabbitMQ's expiry limit (MAX_EXPIRY_MS); `seconds`: whole seconds (streams keep seconds). */
      readonly within: 'expiry' | 'seconds';
    }
  | { readonly kind: 'size' };

/**
 * A limit on what a queue keeps: a new or lower one can drop or expire
 * messages the queue already holds (a data-losing change).
 */
export type Limit = 'ttl' | 'expiry' | 'length' | 'age';

interface CommonFacts<V> {
  /** What the field means, in the contract's words where it has some; the schema adds types and changeability. */
  readonly description: string;
  /** The queue types that apply it (for a policy key: those RabbitMQ applies the key to). */
  readonly types: readonly QueueType[];
  readonly unit?: Unit;
  /** The x-argument that declares it; none for `durable` and `autoDelete` (declaration properties). */
  readonly argument?: string;
  /** The value as RabbitMQ takes it (argument or policy value); undefined when nothing is written. */
  toBroker?(value: V): BrokerValue | undefined;
  /** A value the broker holds, as the field's; undefined when it cannot be the field. */
  fromBroker?(value: unknown): V | undefined;
  /** The argument's value in the field's form, where RabbitMQ writes it differently. */
  readArgument?(value: unknown): unknown;
}

interface FixedFacts<V> extends CommonFacts<V> {
  /** Fixed at declaration: changing it re-declares the queue. */
  readonly immutable: true;
  readonly policyKey?: undefined;
  readonly limit?: undefined;
}

interface ChangeableFacts<V> extends CommonFacts<V> {
  /** The contract marks it changeable later without losing messages: it goes through a policy. */
  readonly immutable: false;
  readonly argument: string;
  readonly policyKey: string;
  readonly limit?: Limit;
  toBroker(value: V): BrokerValue | undefined;
  fromBroker(value: unknown): V | undefined;
}

export type QueueFieldFacts<V = unknown> = FixedFacts<V> | ChangeableFacts<V>;

/** RabbitMQ refuses TTLs and expiries beyond ten years (rabbit_misc:check_expiry/1, from 3.10.8). */
export const MAX_EXPIRY_MS = 315_360_000_000;

export { MAX_DELIVERY_LIMIT } from './format-constants.js';

const ALL = QUEUE_TYPES;
const QUEUES = ['classic', 'quorum'] as const;

const wholeNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const count = (v: unknown) => (wholeNumber(v) ? v : undefined);
const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
const same = <V extends BrokerValue>(v: V) => v;
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): T | undefined =>
    (values as readonly unknown[]).includes(v) ? (v as T) : undefined;
// RabbitMQ takes durations in whole milliseconds; imports write them with a unit where exact.
const milliseconds = {
  toBroker: (v: number | string) => parseDuration(v),
  fromBroker: (v: unknown) => (wholeNumber(v) ? formatDuration(v) : undefined),
};

export const QUEUE_FIELD: { readonly [K in QueueFieldName]: QueueFieldFacts<ValueOf<K>> } = {
  type: {
    description: "classic, quorum or stream; defaults to the vhost's defaultQueueType, else classic",
    types: ALL,
    argument: 'x-queue-type',
    immutable: true,
    toBroker: same,
    fromBroker: oneOf(QUEUE_TYPES),
  },
  durable: {
    description: 'Whether the queue survives a broker restart; quorum queues and streams always do',
    types: ALL,
    immutable: true,
  },
  autoDelete: {
    description:
      'Whether the broker deletes the queue when its last consumer goes away; quorum queues and streams cannot be',
    types: ALL,
    immutable: true,
  },
  messageTtl: {
    description: 'How long a message may stay in the queue before it expires',
    types: QUEUES,
    unit: { kind: 'duration', min: 0, within: 'expiry' },
    argument: 'x-message-ttl',
    immutable: false,
    policyKey: 'message-ttl',
    limit: 'ttl',
    ...milliseconds,
  },
  expires: {
    description: 'How long the queue may go unused before the broker deletes it, with its messages',
    types: QUEUES,
    unit: { kind: 'duration', min: 1, within: 'expiry' },
    argument: 'x-expires',
    immutable: false,
    policyKey: 'expires',
    limit: 'expiry',
    ...milliseconds,
  },
  maxLength: {
    description: 'The most messages the queue holds; `overflow` says what happens beyond',
    types: QUEUES,
    argument: 'x-max-length',
    immutable: false,
    policyKey: 'max-length',
    limit: 'length',
    toBroker: same,
    fromBroker: count,
  },
  maxLengthBytes: {
    description: 'The most message body bytes the queue holds',
    types: ALL,
    unit: { kind: 'size' },
    argument: 'x-max-length-bytes',
    immutable: false,
    policyKey: 'max-length-bytes',
    limit: 'length',
    toBroker: (v) => parseSize(v),
    fromBroker: (v) => (wholeNumber(v) ? formatSize(v) : undefined),
  },
  overflow: {
    description:
      'What happens beyond a length limit: drop-head drops the oldest messages (the broker default), reject-publish refuses new ones, reject-publish-dlx refuses and dead-letters them',
    types: QUEUES,
    argument: 'x-overflow',
    immutable: false,
    policyKey: 'overflow',
    toBroker: same,
    fromBroker: oneOf(OVERFLOW_MODES),
  },
  'deadLetter.exchange': {
    description: 'Exchange in the same vhost that dead letters go to; "" is the default exchange',
    types: QUEUES,
    argument: 'x-dead-letter-exchange',
    immutable: false,
    policyKey: 'dead-letter-exchange',
    toBroker: same,
    fromBroker: text,
  },
  'deadLetter.routingKey': {
    description: 'Routing key of dead letters; without it they keep their original key',
    types: QUEUES,
    argument: 'x-dead-letter-routing-key',
    immutable: false,
    policyKey: 'dead-letter-routing-key',
    toBroker: same,
    fromBroker: text,
  },
  'deadLetter.strategy': {
    description: 'at-most-once (the broker default) or at-least-once, which needs `overflow: reject-publish`',
    types: ['quorum'],
    argument: 'x-dead-letter-strategy',
    immutable: false,
    policyKey: 'dead-letter-strategy',
    toBroker: same,
    fromBroker: oneOf(DEAD_LETTER_STRATEGIES),
  },
  deliveryLimit: {
    description: 'How many times a message is delivered before it is dead-lettered or dropped',
    types: ['quorum'],
    argument: 'x-delivery-limit',
    immutable: false,
    policyKey: 'delivery-limit',
    toBroker: same,
    fromBroker: count,
  },
  maxPriority: {
    description: 'The highest message priority the queue orders by, 1..255',
    types: ['classic'],
    argument: 'x-max-priority',
    immutable: true,
    toBroker: same,
    fromBroker: (v) => (wholeNumber(v) && v >= 1 && v <= 255 ? v : undefined),
  },
  singleActiveConsumer: {
    description: 'Whether one consumer at a time receives the messages, the others standing by',
    types: QUEUES,
    argument: 'x-single-active-consumer',
    immutable: true,
    // Declared only when on: applications declare the default by leaving the argument out.
    toBroker: (v) => (v ? true : undefined),
    fromBroker: (v) => (v === true ? true : undefined),
  },
  leaderLocator: {
    description: "Where the queue's leader is placed: client-local or balanced (the broker default)",
    // Classic queues take it from RabbitMQ 4.0 only: 3.10 to 3.13 refuse the
    // argument, and apply no policy holding the key to a classic queue at all.
    types: ['quorum', 'stream'],
    argument: 'x-queue-leader-locator',
    immutable: false,
    policyKey: 'queue-leader-locator',
    toBroker: same,
    fromBroker: oneOf(LEADER_LOCATORS),
  },
  maxAge: {
    description: 'How long the stream keeps messages',
    types: ['stream'],
    unit: { kind: 'duration', min: 1, within: 'seconds' },
    argument: 'x-max-age',
    immutable: false,
    policyKey: 'max-age',
    limit: 'age',
    readArgument: readMaxAge,
    // warren writes whole seconds, and reads back only what it writes.
    toBroker: (v) => {
      const ms = parseDuration(v);
      return ms === undefined ? undefined : `${Math.round(ms / 1000)}s`;
    },
    fromBroker: (v) => {
      const seconds = typeof v === 'string' ? /^(\d+)s$/.exec(v)?.[1] : undefined;
      return seconds === undefined ? undefined : formatDuration(Number(seconds) * 1000);
    },
  },
};

/** The argument that declares a queue's type, which more than the queue's own fields depend on. */
export const TYPE_ARGUMENT = QUEUE_FIELD.type.argument!;

/** A table entry with where it stands in a queue. */
export type QueueFieldEntry = QueueFieldFacts & {
  readonly name: QueueFieldName;
  readonly field: OwnField | 'deadLetter';
  readonly sub?: DeadLetterField;
};

/** The entries in the contract's order, which is also the order warren writes fields in. */
export const QUEUE_FIELDS: readonly QueueFieldEntry[] = Object.entries(QUEUE_FIELD).map(([name, facts]) => {
  const [field, sub] = name.split('.') as [OwnField | 'deadLetter', DeadLetterField | undefined];
  return { ...(facts as QueueFieldFacts), name: name as QueueFieldName, field, ...(sub ? { sub } : {}) };
});

export type ChangeableEntry = Extract<QueueFieldEntry, { immutable: false }>;

export const CHANGEABLE_FIELDS = QUEUE_FIELDS.filter((f): f is ChangeableEntry => !f.immutable);

export const ARGUMENT_FIELD = new Map(QUEUE_FIELDS.flatMap((f) => (f.argument ? [[f.argument, f] as const] : [])));

export const POLICY_KEY_FIELD = new Map(CHANGEABLE_FIELDS.map((f) => [f.policyKey, f]));

/** Where the entry stands below a queue, as a pointer: `messageTtl`, `deadLetter/routingKey`. */
export function pointerOf(entry: QueueFieldEntry): string {
  return entry.sub ? `${entry.field}/${entry.sub}` : entry.field;
}

/** The entry's value in a queue. */
export function valueIn(spec: QueueSpec, entry: QueueFieldEntry): unknown {
  return entry.sub ? spec.deadLetter?.[entry.sub] : spec[entry.field];
}
