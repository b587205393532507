// The part of a RabbitMQ definitions document (`rabbitmqctl export_definitions`,
// or GET /api/definitions) that `warren import` reads, as a typed schema: the
// TypeScript types come from it. Loose on purpose: exports of other broker
// versions carry fields warren does not need, and those are allowed.
import { Type, type Static } from '@sinclair/typebox';

const Args = Type.Record(Type.String(), Type.Unknown());
const Named = { name: Type.String() };
const InVhost = { vhost: Type.String() };

const VHostDef = Type.Object({
  ...Named,
  description: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Union([Type.Array(Type.String()), Type.String()])),
  default_queue_type: Type.Optional(Type.String()),
  metadata: Type.Optional(
    Type.Object({
      description: Type.Optional(Type.String()),
      tags: Type.Optional(Type.Union([Type.Array(Type.String()), Type.String()])),
      default_queue_type: Type.Optional(Type.String()),
    }),
  ),
});

const UserDef = Type.Object({
  ...Named,
  password_hash: Type.Optional(Type.String()),
  hashing_algorithm: Type.Optional(Type.String()),
  tags: Type.Optional(Type.Union([Type.Array(Type.String()), Type.String()])),
  limits: Type.Optional(Type.Record(Type.String(), Type.Integer())),
});

const PermissionDef = Type.Object({
  user: Type.String(),
  ...InVhost,
  configure: Type.String(),
  write: Type.String(),
  read: Type.String(),
});
const TopicPermissionDef = Type.Object({
  user: Type.String(),
  ...InVhost,
  exchange: Type.String(),
  write: Type.String(),
  read: Type.String(),
});

const PolicyBody = {
  pattern: Type.String(),
  'apply-to': Type.Optional(Type.String()),
  priority: Type.Optional(Type.Integer()),
  definition: Args,
};
const PolicyDef = Type.Object({ ...Named, ...InVhost, ...PolicyBody });

const QueueDef = Type.Object({
  ...Named,
  ...InVhost,
  durable: Type.Boolean(),
  auto_delete: Type.Boolean(),
  arguments: Args,
});
const ExchangeDef = Type.Object({
  ...Named,
  ...InVhost,
  type: Type.String(),
  durable: Type.Boolean(),
  auto_delete: Type.Boolean(),
  internal: Type.Optional(Type.Boolean()),
  arguments: Args,
});
const BindingDef = Type.Object({
  source: Type.String(),
  ...InVhost,
  destination: Type.String(),
  destination_type: Type.Union([Type.Literal('queue'), Type.Literal('exchange')]),
  routing_key: Type.String(),
  arguments: Args,
});
/** Runtime parameters: vhost limits and operator policies are read; others (federation, shovels) are reported as skipped. */
const ParameterDef = Type.Object({ ...Named, ...InVhost, component: Type.String(), value: Type.Unknown() });

export const DefinitionsSchema = Type.Object({
  vhosts: Type.Optional(Type.Array(VHostDef)),
  users: Type.Optional(Type.Array(UserDef)),
  permissions: Type.Optional(Type.Array(PermissionDef)),
  topic_permissions: Type.Optional(Type.Array(TopicPermissionDef)),
  policies: Type.Optional(Type.Array(PolicyDef)),
  queues: Type.Optional(Type.Array(QueueDef)),
  exchanges: Type.Optional(Type.Array(ExchangeDef)),
  bindings: Type.Optional(Type.Array(BindingDef)),
  parameters: Type.Optional(Type.Array(ParameterDef)),
});

export type Definitions = Static<typeof DefinitionsSchema>;
export type VHostDef = Static<typeof VHostDef>;
export type UserDef = Static<typeof UserDef>;
export type QueueDef = Static<typeof QueueDef>;
export type ExchangeDef = Static<typeof ExchangeDef>;
export type BindingDef = Static<typeof BindingDef>;
export type PolicyDef = Static<typeof PolicyDef>;
export type ParameterDef = Static<typeof ParameterDef>;
