// The one table of the fields of format 1.1's objects (federation upstreams,
// upstream sets, shovels, super streams): for each field its RabbitMQ key, the
// kind of value (which gives its schema, its parse to RabbitMQ's value and its
// read back), and its description. Every list of these fields is derived from
// here: the JSON Schema (format/topology-schema.ts), the plan's parameter
// values and super stream arguments (plan/compile-parameters.ts), `warren
// import` (import/import-parameters.ts) and the tables of docs/format.md
// (test/docs.test.ts keeps them in step).
import { formatDuration, formatSize } from '../units/format-units.js';
import { parseDuration, parseSize } from '../units/parse-units.js';
import { QUEUE_FIELD } from './queue-fields.js';
import { maxAgeSeconds } from './read-max-age.js';

export const ACK_MODES = ['on-confirm', 'on-publish', 'no-ack'] as const;
export const UPSTREAM_QUEUE_TYPES = ['classic', 'quorum'] as const;
export const DELETE_AFTER_WORDS = ['never', 'queue-length'] as const;

/** The kinds of value a field takes, each with its schema (format/topology-schema.ts) and conversions. */
export type FieldKind =
  | 'text'
  | 'count'
  | 'boolean'
  | 'ackMode'
  | 'queueType'
  /** A duration RabbitMQ keeps in whole seconds (a number). */
  | 'seconds'
  /** A duration RabbitMQ keeps in milliseconds (a number). */
  | 'milliseconds'
  /** A duration RabbitMQ keeps as a count and a unit (x-max-age, e.g. 7D). */
  | 'age'
  | 'size'
  /** never, queue-length or a count of messages (`src-delete-after`). */
  | 'deleteAfter';

/** The YAML value of each kind. */
export interface KindValue {
  text: string;
  count: number;
  boolean: boolean;
  ackMode: (typeof ACK_MODES)[number];
  queueType: (typeof UPSTREAM_QUEUE_TYPES)[number];
  seconds: number | string;
  milliseconds: number | string;
  age: number | string;
  size: number | string;
  deleteAfter: (typeof DELETE_AFTER_WORDS)[number] | number;
}

export interface FieldFacts {
  /** The key of RabbitMQ's parameter value (or the queue argument, for super streams). */
  readonly key: string;
  readonly kind: FieldKind;
  /** Smallest count (`count` kind). */
  readonly min?: number;
  readonly description: string;
}

export const UPSTREAM_FIELD = {
  exchange: {
    key: 'exchange',
    kind: 'text',
    description: "The upstream's exchange to federate from; by default the federated exchange's own name",
  },
  queue: {
    key: 'queue',
    kind: 'text',
    description: "The upstream's queue to federate from; by default the federated queue's own name",
  },
  prefetchCount: {
    key: 'prefetch-count',
    kind: 'count',
    min: 1,
    description: 'The most unacknowledged messages a federation link has in flight',
  },
  reconnectDelay: {
    key: 'reconnect-delay',
    kind: 'seconds',
    description: 'How long a federation link waits before it reconnects after a failure',
  },
  ackMode: {
    key: 'ack-mode',
    kind: 'ackMode',
    description:
      'When the link acknowledges to the upstream: on-confirm (after the downstream confirms, the default), on-publish (after publishing), no-ack (on delivery: messages in flight can be lost)',
  },
  trustUserId: {
    key: 'trust-user-id',
    kind: 'boolean',
    description: 'Whether messages keep a user-id the downstream did not authenticate (otherwise it is stripped)',
  },
  maxHops: {
    key: 'max-hops',
    kind: 'count',
    min: 1,
    description: 'How many federation links a message may pass through (exchange federation)',
  },
  expires: {
    key: 'expires',
    kind: 'milliseconds',
    description:
      "How long the upstream keeps the link's queue when the link is down (exchange federation); without it, forever",
  },
  messageTtl: {
    key: 'message-ttl',
    kind: 'milliseconds',
    description: "How long messages may wait in the link's upstream queue (exchange federation)",
  },
  queueType: {
    key: 'queue-type',
    kind: 'queueType',
    description:
      "The type of the link's upstream queue (exchange federation): classic or quorum; RabbitMQ 3.10 does not know this key",
  },
} as const satisfies Record<string, FieldFacts>;

export const SHOVEL_FIELD = {
  ackMode: {
    key: 'ack-mode',
    kind: 'ackMode',
    description:
      'When the shovel acknowledges at the source: on-confirm (after the destination confirms, the default), on-publish (after publishing), no-ack (on delivery: messages in flight can be lost)',
  },
  prefetchCount: {
    key: 'src-prefetch-count',
    kind: 'count',
    min: 1,
    description: 'The most unacknowledged messages the shovel has in flight',
  },
  reconnectDelay: {
    key: 'reconnect-delay',
    kind: 'seconds',
    description: 'How long the shovel waits before it reconnects after a failure',
  },
  srcDeleteAfter: {
    key: 'src-delete-after',
    kind: 'deleteAfter',
    description:
      'When the shovel deletes itself: never (the default), queue-length (after moving the messages the source queue held when it started) or after a number of messages',
  },
  addForwardHeaders: {
    key: 'dest-add-forward-headers',
    kind: 'boolean',
    description: 'Whether the shovel adds an x-shovelled header saying where each message came from',
  },
} as const satisfies Record<string, FieldFacts>;

/** A shovel end's fields; the key is prefixed with `src-` or `dest-`. */
export const ENDPOINT_FIELD = {
  queue: {
    key: 'queue',
    kind: 'text',
    description: 'The queue at this end (exactly one of queue and exchange at the source)',
  },
  exchange: { key: 'exchange', kind: 'text', description: 'The exchange at this end' },
  key: {
    key: 'exchange-key',
    kind: 'text',
    description:
      "With an exchange: at the source, the binding key of the shovel's queue on it; at the destination, the routing key messages are published with (by default their own)",
  },
} as const satisfies Record<string, FieldFacts>;

// The arguments streams share with queues come from the queue-field table.
export const SUPER_STREAM_FIELD = {
  maxAge: {
    key: QUEUE_FIELD.maxAge.argument!,
    kind: 'age',
    description: 'How long each partition stream keeps messages',
  },
  maxLengthBytes: {
    key: QUEUE_FIELD.maxLengthBytes.argument!,
    kind: 'size',
    description: 'The most bytes each partition stream keeps',
  },
  maxSegmentSize: {
    key: 'x-stream-max-segment-size-bytes',
    kind: 'size',
    description: "The size of each partition stream's segment files",
  },
  initialClusterSize: {
    key: 'x-initial-cluster-size',
    kind: 'count',
    min: 1,
    description: 'How many nodes each partition stream is replicated on when created',
  },
} as const satisfies Record<string, FieldFacts>;

export type UpstreamField = keyof typeof UPSTREAM_FIELD;
export type ShovelField = keyof typeof SHOVEL_FIELD;
export type SuperStreamField = keyof typeof SUPER_STREAM_FIELD;

/** The table's rows as a list, in its order (the order warren writes fields in). */
export function rows<T extends Record<string, FieldFacts>>(table: T): (FieldFacts & { field: keyof T & string })[] {
  return Object.entries(table).map(([field, facts]) => ({ ...facts, field }));
}

/** RabbitMQ's units of x-max-age that the format's durations can say exactly, largest first. */
const AGE_UNITS: [number, string][] = [
  [86_400, 'D'],
  [3600, 'h'],
  [60, 'm'],
  [1, 's'],
];

/** A declared value as RabbitMQ stores it; undefined when it cannot be (the checks report why). */
export function toBroker(facts: FieldFacts, value: unknown): string | number | boolean | undefined {
  switch (facts.kind) {
    case 'text':
    case 'ackMode':
    case 'queueType':
      return typeof value === 'string' ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'count':
      return Number.isSafeInteger(value) ? (value as number) : undefined;
    case 'deleteAfter':
      return typeof value === 'string' || Number.isSafeInteger(value) ? (value as string | number) : undefined;
    case 'size':
      return typeof value === 'number' || typeof value === 'string' ? parseSize(value) : undefined;
    case 'milliseconds':
      return typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : undefined;
    case 'seconds': {
      const ms = typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : undefined;
      return ms !== undefined && ms % 1000 === 0 ? ms / 1000 : undefined;
    }
    case 'age': {
      const ms = typeof value === 'number' || typeof value === 'string' ? parseDuration(value) : undefined;
      if (ms === undefined || ms % 1000 !== 0 || ms === 0) return undefined;
      const seconds = ms / 1000;
      const [size, unit] = AGE_UNITS.find(([s]) => seconds % s === 0)!;
      return `${seconds / size}${unit}`;
    }
  }
}

/** A value RabbitMQ holds, in the field's form; undefined when it cannot be the field. */
export function fromBroker(facts: FieldFacts, value: unknown): KindValue[FieldKind] | undefined {
  const whole = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  switch (facts.kind) {
    case 'text':
      return typeof value === 'string' ? value : undefined;
    case 'ackMode':
      return (ACK_MODES as readonly unknown[]).includes(value) ? (value as KindValue['ackMode']) : undefined;
    case 'queueType':
      return (UPSTREAM_QUEUE_TYPES as readonly unknown[]).includes(value)
        ? (value as KindValue['queueType'])
        : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'count':
      return whole(value) && value >= (facts.min ?? 0) ? value : undefined;
    case 'deleteAfter':
      return (DELETE_AFTER_WORDS as readonly unknown[]).includes(value) || (whole(value) && value >= 1)
        ? (value as KindValue['deleteAfter'])
        : undefined;
    case 'size':
      return whole(value) ? formatSize(value) : undefined;
    case 'milliseconds':
      return whole(value) ? formatDuration(value) : undefined;
    case 'seconds':
      return whole(value) && value * 1000 <= Number.MAX_SAFE_INTEGER ? formatDuration(value * 1000) : undefined;
    case 'age': {
      const seconds = maxAgeSeconds(value);
      return seconds === undefined || seconds === 0 ? undefined : formatDuration(seconds * 1000);
    }
  }
}

/** Whether a duration (as the schema took it) is whole seconds; undefined when it is no duration at all (the schema said so). */
export function wholeSeconds(value: unknown): boolean | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined;
  const ms = parseDuration(value);
  return ms === undefined ? undefined : ms % 1000 === 0;
}

/** The kind's type as the tables of docs/format.md say it. */
export function kindText(facts: FieldFacts): string {
  switch (facts.kind) {
    case 'text':
      return 'string';
    case 'count':
      return `integer >= ${facts.min ?? 0}`;
    case 'boolean':
      return 'bool';
    case 'ackMode':
      return ACK_MODES.join(', ');
    case 'queueType':
      return UPSTREAM_QUEUE_TYPES.join(', ');
    case 'seconds':
      return 'duration, whole seconds';
    case 'milliseconds':
      return 'duration';
    case 'age':
      return 'duration, whole seconds';
    case 'size':
      return 'size';
    case 'deleteAfter':
      return 'never, queue-length, or integer >= 1';
  }
}
