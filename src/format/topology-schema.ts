// The topology format v1 (shared/topology-format.md) as a typed JSON Schema.
// This file is the single source of truth: the TypeScript types below are
// derived from it with `Static`, and `topology.schema.json` (for editors) is
// written from it at build time. Unions are avoided on purpose: ajv reports
// every branch of an anyOf, which buries the one error a user needs to see.
import { Type, type Static, type TInteger, type TOptional, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { describeQueueField } from './describe-queue-field.js';
import { queueSpecs } from './queue-spec.js';
import { AnyKeys, AnyValue, Arguments, Closed, Duration, NameMap, Size, StringEnum } from './schema-parts.js';
import { USER_LIMITS, VHOST_LIMITS, type Limit } from './limits.js';
import {
  ACK_MODES,
  DELETE_AFTER_WORDS,
  ENDPOINT_FIELD,
  SHOVEL_FIELD,
  SUPER_STREAM_FIELD,
  UPSTREAM_FIELD,
  UPSTREAM_QUEUE_TYPES,
  type FieldFacts,
  type KindValue,
} from './parameter-fields.js';
import { describeTargets } from './policy-targets.js';
import {
  DELAYED_TYPES,
  MATCH_MODES,
  OPERATOR_POLICY_TARGETS,
  POLICY_TARGETS,
  QUEUE_TYPES,
  TAG_PATTERN,
} from './format-constants.js';

/** `limits` of a vhost or a user: an optional count per row of the table in format/limits.ts. */
function LimitsSpec<const T extends readonly Limit[]>(table: T, whose: string) {
  const fields = Object.fromEntries(
    table.map((l) => [
      l.field,
      Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: l.description })),
    ]),
  );
  const keys = table.map((l) => l.key).join(', ');
  return Type.Object(fields as { [F in T[number]['field']]: TOptional<TInteger> }, {
    ...Closed,
    description: `Resource limits of the ${whose} (the broker's ${keys}); a limit left out is no limit`,
  });
}

/**
 * A user's or vhost's tag. RabbitMQ splits the tags it is sent at commas,
 * trims each and keeps it as an Erlang atom (at most 255 characters): a tag
 * holding a comma or surrounding whitespace would be stored as other tags.
 */
const Tag = (description: string) =>
  Type.String({
    pattern: TAG_PATTERN,
    description: `${description}: 1 to 255 characters, no comma, no leading or trailing whitespace`,
  });

const ExchangeSpec = Type.Object(
  {
    type: Type.Optional(
      Type.String({
        description: 'direct, fanout, topic, headers, x-delayed-message, x-consistent-hash or a plugin type',
        default: 'direct',
      }),
    ),
    durable: Type.Optional(
      Type.Boolean({ default: true, description: 'Whether the exchange survives a broker restart' }),
    ),
    autoDelete: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Whether the broker deletes the exchange once the last binding from it is removed',
      }),
    ),
    internal: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'Whether clients cannot publish to the exchange: only exchanges bound to it route messages there',
      }),
    ),
    alternateExchange: Type.Optional(
      Type.String({ description: 'Exchange in the same vhost that receives unroutable messages' }),
    ),
    delayedType: Type.Optional(StringEnum(DELAYED_TYPES, 'Routing type of an x-delayed-message exchange')),
    arguments: Type.Optional(Arguments),
  },
  Closed,
);

// Each queue field's description comes from the queue-field table, by name: a name the table lacks throws where
// the schema is compiled (`npm run build`), and a test compares every description.
const { DeadLetterSpec, QueueSpec } = queueSpecs(describeQueueField);

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
    key: Type.Optional(
      Type.String({
        default: '',
        description:
          'Binding key: the routing key that matches (a topic exchange reads * and # in it); fanout and headers exchanges ignore it',
      }),
    ),
    match: Type.Optional(
      StringEnum(
        MATCH_MODES,
        'How a headers exchange matches `headers`: all of them (all, the default when headers are given) or any; with -with-x, headers named x-… count too',
      ),
    ),
    headers: Type.Optional(
      AnyKeys(HeaderValue, {
        description: 'Header values a message must carry to match, on a headers exchange (the binding arguments)',
      }),
    ),
    arguments: Type.Optional(Arguments),
  },
  Closed,
);

function policySpec(targets: readonly string[], [what, whats]: readonly [string, string], definition: string) {
  const reach = targets.map((t) => `${t}: ${describeTargets(t)}`).join('; ');
  return Type.Object(
    {
      pattern: Type.String({ description: 'Regular expression (Erlang/PCRE) matched against object names' }),
      applyTo: Type.Optional(
        StringEnum(targets as readonly (typeof POLICY_TARGETS)[number][], `What the ${what} applies to. ${reach}`),
      ),
      priority: Type.Optional(
        Type.Integer({
          minimum: -Number.MAX_SAFE_INTEGER,
          maximum: Number.MAX_SAFE_INTEGER,
          default: 0,
          description: `Of the ${whats} matching an object, the one with the highest priority applies (negative priorities too)`,
        }),
      ),
      definition: AnyKeys(AnyValue, { description: definition }),
    },
    Closed,
  );
}
const PolicySpec = policySpec(
  POLICY_TARGETS,
  ['policy', 'policies'],
  'Policy keys (as RabbitMQ names them) and their values; a key that does not apply to what applyTo reaches is an error',
);
const OperatorPolicySpec = policySpec(
  OPERATOR_POLICY_TARGETS,
  ['operator policy', 'operator policies'],
  'Operator policy keys (as RabbitMQ names them) and their values; where a policy sets a numeric key too, the broker applies the lower value',
);

// Format 1.1: federation upstreams, upstream sets, shovels, super streams.
// Each field's schema comes from its kind and description in the table
// (format/parameter-fields.ts).
function kindSchema(facts: FieldFacts): TSchema {
  const description = facts.description;
  switch (facts.kind) {
    case 'text':
      return Type.String({ description });
    case 'boolean':
      return Type.Boolean({ description });
    case 'count':
      return Type.Integer({ minimum: facts.min ?? 0, maximum: Number.MAX_SAFE_INTEGER, description });
    case 'ackMode':
      return StringEnum(ACK_MODES, description);
    case 'queueType':
      return StringEnum(UPSTREAM_QUEUE_TYPES, description);
    case 'seconds':
    case 'age':
      return Duration(`${description} (whole seconds).`);
    case 'milliseconds':
      return Duration(`${description}.`);
    case 'size':
      return Size(`${description}.`);
    case 'deleteAfter':
      return Type.Unsafe({
        type: ['integer', 'string'],
        minimum: 1,
        maximum: Number.MAX_SAFE_INTEGER,
        pattern: `^(${DELETE_AFTER_WORDS.join('|')})$`,
        description,
      });
  }
}

type FieldsOf<T extends Record<string, FieldFacts>> = {
  [K in keyof T]: TOptional<TUnsafe<KindValue[T[K]['kind']]>>;
};

/** The optional fields of a table, each with its kind's schema. */
function tableFields<T extends Record<string, FieldFacts>>(table: T): FieldsOf<T> {
  return Object.fromEntries(
    Object.entries(table).map(([field, facts]) => [field, Type.Optional(kindSchema(facts))]),
  ) as FieldsOf<T>;
}

const SecretRef = Type.Object(
  {
    secret: Type.String({
      pattern: '^[A-Za-z0-9_.:-]+$',
      description: 'Name of a secret config value of the Pulumi stack (warren:<name>)',
    }),
  },
  { ...Closed, description: 'A secret config value of the stack' },
);

// One schema for the three forms (no anyOf): `properties` only applies to
// objects. Which object form it is, is a cross-check (`uri-form`).
const UriSpec = Type.Unsafe<string | { secret?: string; uri?: string; password?: { secret: string } }>({
  type: ['string', 'object'],
  properties: {
    secret: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.:-]+$',
      description: 'The whole URI is this secret config value of the stack',
    },
    uri: { type: 'string', description: 'The URI with a user and without its password' },
    password: SecretRef,
  },
  additionalProperties: false,
  description:
    'An AMQP URI (amqp:// or amqps://) without a password; { secret: KEY } (the whole URI is a stack secret); or { uri, password: { secret: KEY } }. A URI without a host is this broker.',
});
const UriList = Type.Array(UriSpec, {
  minItems: 1,
  maxItems: 64,
  description: 'Several URIs of the upstream, tried in turn',
});

const UpstreamSpec = Type.Object(
  {
    uri: Type.Optional(UriSpec),
    uris: Type.Optional(UriList),
    ...tableFields(UPSTREAM_FIELD),
  },
  { ...Closed, description: 'A federation upstream: where federated exchanges and queues take messages from' },
);

// A member of an upstream set: an upstream's name, or `{ upstream, ...overrides }`.
const UpstreamSetMember = Type.Unsafe<string | ({ upstream: string } & Partial<Record<string, unknown>>)>({
  type: ['string', 'object'],
  properties: {
    upstream: { type: 'string', description: 'An upstream of the same vhost' },
    ...Object.fromEntries(Object.entries(UPSTREAM_FIELD).map(([f, facts]) => [f, kindSchema(facts)])),
  },
  required: ['upstream'],
  additionalProperties: false,
  description: 'An upstream of the same vhost, by name, or { upstream, ...the settings it overrides in this set }',
});
const UpstreamSetSpec = Type.Array(UpstreamSetMember, {
  maxItems: 1000,
  description: 'The upstreams of the set',
});

const endpointSpec = (description: string) =>
  Type.Object({ uri: UriSpec, ...tableFields(ENDPOINT_FIELD) }, { ...Closed, description });
const EndpointSpec = endpointSpec('A shovel end: a URI and a queue, or an exchange (with a key)');

const ShovelSpec = Type.Object(
  {
    source: endpointSpec('Where the shovel takes messages from: a URI and a queue, or an exchange (with a key)'),
    destination: endpointSpec('Where the shovel publishes messages: a URI and a queue, or an exchange (with a key)'),
    ...tableFields(SHOVEL_FIELD),
  },
  { ...Closed, description: 'A dynamic shovel (AMQP 0-9-1): moves messages from its source to its destination' },
);

const SuperStreamSpec = Type.Object(
  {
    partitions: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description: 'The number of partitions: streams <name>-0 … <name>-(n-1), bound with keys 0 … n-1',
      }),
    ),
    routingKeys: Type.Optional(
      Type.Array(Type.String({ pattern: '[\\s\\S]', description: 'A routing key (not empty)' }), {
        minItems: 1,
        maxItems: 1000,
        uniqueItems: true,
        description: 'One partition per key: stream <name>-<key>, bound with that key',
      }),
    ),
    ...tableFields(SUPER_STREAM_FIELD),
  },
  { ...Closed, description: 'A super stream: a direct exchange and its partition streams, as RabbitMQ creates them' },
);

const VHostSpec = Type.Object(
  {
    description: Type.Optional(Type.String({ description: 'What the vhost is for, as the management UI shows it' })),
    tags: Type.Optional(
      Type.Array(Tag('A tag of the vhost'), { description: 'Tags of the vhost, as the management UI shows them' }),
    ),
    defaultQueueType: Type.Optional(
      StringEnum(QUEUE_TYPES, "The type of the vhost's queues that declare none; without it they are classic"),
    ),
    limits: Type.Optional(LimitsSpec(VHOST_LIMITS, 'vhost')),
    exchanges: Type.Optional(NameMap(ExchangeSpec, 'Exchanges keyed by name')),
    queues: Type.Optional(NameMap(QueueSpec, 'Queues keyed by name')),
    bindings: Type.Optional(
      Type.Array(BindingSpec, {
        description:
          'Bindings: from an exchange to a queue (to) or an exchange (toExchange); the same binding twice is an error',
      }),
    ),
    policies: Type.Optional(NameMap(PolicySpec, 'Policies keyed by name')),
    operatorPolicies: Type.Optional(NameMap(OperatorPolicySpec, 'Operator policies keyed by name')),
    federationUpstreams: Type.Optional(NameMap(UpstreamSpec, 'Federation upstreams keyed by name')),
    federationUpstreamSets: Type.Optional(NameMap(UpstreamSetSpec, 'Federation upstream sets keyed by name')),
    shovels: Type.Optional(NameMap(ShovelSpec, 'Dynamic shovels keyed by name')),
    superStreams: Type.Optional(NameMap(SuperStreamSpec, 'Super streams keyed by name')),
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
    algorithm: Type.Optional(
      StringEnum(
        ['sha256', 'sha512'] as const,
        "The algorithm `hash` was made with; sha256 (RabbitMQ's default) when left out",
      ),
    ),
  },
  {
    ...Closed,
    description:
      'The password: { secret } (a stack secret) or { hash, algorithm }. A user without one logs in by other means (e.g. a certificate)',
  },
);

// Permission patterns: regular expressions (Erlang/PCRE) over names or keys; `^$` matches none.
const permission = (what: string) =>
  Type.String({ description: `Regular expression (Erlang/PCRE) of the ${what}; "^$" for none` });
const PermissionSpec = Type.Object(
  {
    configure: permission('queues and exchanges the user may declare and delete'),
    write: permission('exchanges the user may publish to, and queues and exchanges it may bind to'),
    read: permission('queues the user may consume from or purge, and exchanges it may bind from'),
  },
  Closed,
);
const TopicPermissionSpec = Type.Object(
  {
    write: permission('routing keys the user may publish with to the topic exchange'),
    read: permission('binding keys with which the user may bind from the topic exchange'),
  },
  Closed,
);

const UserSpec = Type.Object(
  {
    tags: Type.Optional(
      Type.Array(Tag('A tag of the user'), {
        description:
          'Tags of the user: administrator, monitoring, policymaker, management and impersonator open the management API; plugins and auth backends read others',
      }),
    ),
    password: Type.Optional(PasswordSpec),
    limits: Type.Optional(LimitsSpec(USER_LIMITS, 'user')),
    permissions: Type.Optional(NameMap(PermissionSpec, 'Permissions keyed by vhost')),
    topicPermissions: Type.Optional(NameMap(NameMap(TopicPermissionSpec, 'Keyed by exchange'), 'Keyed by vhost')),
  },
  Closed,
);

export const TopologyFileSchema = Type.Object(
  {
    version: Type.Literal(1, {
      description: 'The topology format version: 1 (format 1.1 adds optional vhost keys and is still version 1)',
    }),
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
export type { QueueType } from './format-constants.js';
export type UriSpec = Static<typeof UriSpec>;
export type UpstreamSpec = Static<typeof UpstreamSpec>;
export type UpstreamSetSpec = Static<typeof UpstreamSetSpec>;
export type UpstreamSetMemberSpec = Static<typeof UpstreamSetMember>;
export type EndpointSpec = Static<typeof EndpointSpec>;
export type ShovelSpec = Static<typeof ShovelSpec>;
export type SuperStreamSpec = Static<typeof SuperStreamSpec>;
