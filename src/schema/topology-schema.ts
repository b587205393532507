// The topology format v1 (shared/topology-format.md) as a typed JSON Schema.
// This file is the single source of truth: the TypeScript types below are
// derived from it with `Static`, and `topology.schema.json` (for editors) is
// written from it at build time. Unions are avoided on purpose: ajv reports
// every branch of an anyOf, which buries the one error a user needs to see.
import { Type, type Static, type TInteger, type TOptional, type TSchema } from '@sinclair/typebox';
import { describeQueueField } from '../model/describe-queue-field.js';
import { USER_LIMITS, VHOST_LIMITS, type Limit } from '../model/limits.js';
import {
  DEAD_LETTER_STRATEGIES,
  DELAYED_TYPES,
  DURATION_PATTERN,
  LEADER_LOCATORS,
  MATCH_MODES,
  OPERATOR_POLICY_TARGETS,
  OVERFLOW_MODES,
  POLICY_TARGETS,
  QUEUE_TYPES,
  SIZE_PATTERN,
} from './format-constants.js';

/** A string restricted to `values`, emitted as a plain JSON Schema `enum`. */
function StringEnum<const T extends readonly string[]>(values: T, description?: string) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
}

/**
 * A map with any keys. TypeBox writes `Record` as `patternProperties: { "^(.*)$" }`,
 * whose `.` does not match a line break: an entry keyed `"a\nb"` was not
 * checked at all. `additionalProperties` applies to every key.
 */
function AnyKeys<T extends TSchema>(value: T, options: { description?: string } = {}) {
  return Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value, ...options });
}

/** A map keyed by object name (vhost, exchange, queue, policy, user). */
function NameMap<T extends TSchema>(value: T, description: string) {
  return AnyKeys(value, { description });
}

// Integers and strings share one schema (no anyOf): `minimum` only applies to
// numbers and `pattern` only to strings, so each value meets exactly one rule.
// Their descriptions say the field's meaning (model/queue-fields.ts), then the units.
const Duration = (meaning: string) =>
  Type.Unsafe<number | string>({
    type: ['integer', 'string'],
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    pattern: DURATION_PATTERN,
    description: `${meaning} Milliseconds, or a number with unit ms, s, m, h or d (e.g. 60s, 1.5h).`,
  });
const Size = (meaning: string) =>
  Type.Unsafe<number | string>({
    type: ['integer', 'string'],
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    pattern: SIZE_PATTERN,
    description: `${meaning} Bytes, or a number with unit B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024).`,
  });
// Integers past 2^53 are not exact in JavaScript (YAML's 10^23 reads as
// 1e+23): every integer is bounded to the safe range, some tighter below.
// Any value; numbers only in the range where integers are exact.
const AnyValue = Type.Unsafe<unknown>({
  type: ['string', 'number', 'boolean', 'object', 'array', 'null'],
  minimum: -Number.MAX_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
});
const Arguments = AnyKeys(AnyValue, { description: 'Raw arguments, passed through as declared' });
const Closed = { additionalProperties: false } as const;

/** `limits` of a vhost or a user: an optional count per row of the table in model/limits.ts. */
function LimitsSpec<const T extends readonly Limit[]>(table: T) {
  const fields = Object.fromEntries(
    table.map((l) => [
      l.field,
      Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: l.description })),
    ]),
  );
  return Type.Object(fields as { [F in T[number]['field']]: TOptional<TInteger> }, Closed);
}

const ExchangeSpec = Type.Object(
  {
    type: Type.Optional(
      Type.String({
        description: 'direct, fanout, topic, headers, x-delayed-message, x-consistent-hash or a plugin type',
        default: 'direct',
      }),
    ),
    durable: Type.Optional(Type.Boolean({ default: true })),
    autoDelete: Type.Optional(Type.Boolean({ default: false })),
    internal: Type.Optional(Type.Boolean({ default: false })),
    alternateExchange: Type.Optional(
      Type.String({ description: 'Exchange in the same vhost that receives unroutable messages' }),
    ),
    delayedType: Type.Optional(StringEnum(DELAYED_TYPES, 'Routing type of an x-delayed-message exchange')),
    arguments: Type.Optional(Arguments),
  },
  Closed,
);

// Each queue field's description comes from the queue-field table, by name as
// a string: naming it by the table's key type would make QueueSpec's type
// depend on itself. A name the table lacks throws where the schema is
// compiled (`npm run build`), and a test compares every description.
const about = describeQueueField;
const described = (field: string) => ({ description: about(field) });

const DeadLetterSpec = Type.Object(
  {
    exchange: Type.String(described('deadLetter.exchange')),
    routingKey: Type.Optional(Type.String(described('deadLetter.routingKey'))),
    strategy: Type.Optional(StringEnum(DEAD_LETTER_STRATEGIES, about('deadLetter.strategy'))),
  },
  { ...Closed, description: 'Where the broker republishes messages that are rejected, expire or overflow' },
);

const QueueSpec = Type.Object(
  {
    type: Type.Optional(StringEnum(QUEUE_TYPES, about('type'))),
    durable: Type.Optional(Type.Boolean({ default: true, ...described('durable') })),
    autoDelete: Type.Optional(Type.Boolean({ default: false, ...described('autoDelete') })),
    messageTtl: Type.Optional(Duration(about('messageTtl'))),
    expires: Type.Optional(Duration(about('expires'))),
    maxLength: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, ...described('maxLength') })),
    maxLengthBytes: Type.Optional(Size(about('maxLengthBytes'))),
    overflow: Type.Optional(StringEnum(OVERFLOW_MODES, about('overflow'))),
    deadLetter: Type.Optional(DeadLetterSpec),
    // Delivery counts travel as a 32-bit signed AMQP integer (x-delivery-count).
    deliveryLimit: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, ...described('deliveryLimit') })),
    maxPriority: Type.Optional(Type.Integer({ minimum: 1, maximum: 255, ...described('maxPriority') })),
    singleActiveConsumer: Type.Optional(Type.Boolean({ default: false, ...described('singleActiveConsumer') })),
    leaderLocator: Type.Optional(StringEnum(LEADER_LOCATORS, about('leaderLocator'))),
    maxAge: Type.Optional(Duration(about('maxAge'))),
    arguments: Type.Optional(Arguments),
  },
  Closed,
);

const HeaderValue = Type.Unsafe<string | number | boolean>({
  type: ['string', 'number', 'boolean'],
  minimum: -Number.MAX_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
});

const BindingSpec = Type.Object(
  {
    from: Type.String({ description: 'Source exchange in the same vhost' }),
    to: Type.Optional(Type.String({ description: 'Destination queue' })),
    toExchange: Type.Optional(Type.String({ description: 'Destination exchange' })),
    key: Type.Optional(Type.String({ default: '' })),
    match: Type.Optional(StringEnum(MATCH_MODES)),
    headers: Type.Optional(AnyKeys(HeaderValue)),
    arguments: Type.Optional(Arguments),
  },
  Closed,
);

function policySpec(targets: readonly string[]) {
  return Type.Object(
    {
      pattern: Type.String({ description: 'Regular expression (Erlang/PCRE) matched against object names' }),
      applyTo: Type.Optional(StringEnum(targets as readonly (typeof POLICY_TARGETS)[number][])),
      priority: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 })),
      definition: AnyKeys(AnyValue),
    },
    Closed,
  );
}
const PolicySpec = policySpec(POLICY_TARGETS);
const OperatorPolicySpec = policySpec(OPERATOR_POLICY_TARGETS);

const VHostSpec = Type.Object(
  {
    description: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(Type.String())),
    defaultQueueType: Type.Optional(StringEnum(QUEUE_TYPES)),
    limits: Type.Optional(LimitsSpec(VHOST_LIMITS)),
    exchanges: Type.Optional(NameMap(ExchangeSpec, 'Exchanges keyed by name')),
    queues: Type.Optional(NameMap(QueueSpec, 'Queues keyed by name')),
    bindings: Type.Optional(Type.Array(BindingSpec)),
    policies: Type.Optional(NameMap(PolicySpec, 'Policies keyed by name')),
    operatorPolicies: Type.Optional(NameMap(OperatorPolicySpec, 'Operator policies keyed by name')),
  },
  Closed,
);

// One object, not a union of the three forms: exclusivity is a cross-check
// (`password-form`), which yields one clear diagnostic instead of three.
const PasswordSpec = Type.Object(
  {
    secret: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9_.:-]+$', description: 'Name of a secret config value of the Pulumi stack' }),
    ),
    hash: Type.Optional(
      Type.String({ description: 'Base64 salted password hash, as rabbitmqctl hash_password prints it' }),
    ),
    algorithm: Type.Optional(StringEnum(['sha256', 'sha512'] as const)),
  },
  Closed,
);

const PermissionSpec = Type.Object({ configure: Type.String(), write: Type.String(), read: Type.String() }, Closed);
const TopicPermissionSpec = Type.Object({ write: Type.String(), read: Type.String() }, Closed);

const UserSpec = Type.Object(
  {
    tags: Type.Optional(Type.Array(Type.String())),
    password: Type.Optional(PasswordSpec),
    limits: Type.Optional(LimitsSpec(USER_LIMITS)),
    permissions: Type.Optional(NameMap(PermissionSpec, 'Permissions keyed by vhost')),
    topicPermissions: Type.Optional(NameMap(NameMap(TopicPermissionSpec, 'Keyed by exchange'), 'Keyed by vhost')),
  },
  Closed,
);

export const TopologyFileSchema = Type.Object(
  {
    version: Type.Literal(1),
    vhosts: Type.Optional(NameMap(VHostSpec, 'Virtual hosts keyed by name')),
    users: Type.Optional(NameMap(UserSpec, 'Users keyed by name')),
  },
  { ...Closed, $id: 'https://warren.dev/topology.schema.json', title: 'warren topology, version 1' },
);

export type TopologyFile = Static<typeof TopologyFileSchema>;
export type VHostSpec = Static<typeof VHostSpec>;
export type ExchangeSpec = Static<typeof ExchangeSpec>;
export type QueueSpec = Static<typeof QueueSpec>;
export type DeadLetterSpec = Static<typeof DeadLetterSpec>;
export type BindingSpec = Static<typeof BindingSpec>;
export type PolicySpec = Static<typeof PolicySpec>;
export type UserSpec = Static<typeof UserSpec>;
export type PasswordSpec = Static<typeof PasswordSpec>;
export type PermissionSpec = Static<typeof PermissionSpec>;
export type TopicPermissionSpec = Static<typeof TopicPermissionSpec>;
export type QueueType = (typeof QUEUE_TYPES)[number];
