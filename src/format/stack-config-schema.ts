// The shape of every `warren:*` stack setting as a typed JSON Schema, compiled
// at build time (validator-file.ts, 'config'). One entry per setting of
// stack-settings.ts; values as the program reads them (decodeSetting in
// check/check-stack-config.ts: booleans from Pulumi's text). Three settings
// have their own checks, run after this one: `overrides` (the topology's
// schema, check-schema.ts), `cluster` (cluster-schema.ts, with defaults) and
// the secrets, whose values are never checked or shown.
import { type Static, type TOptional, type TSchema, Type } from '@sinclair/typebox';
import type { StackSetting } from './stack-settings.js';

const Closed = { additionalProperties: false } as const;
const Path = Type.String({ minLength: 1 });
const QueueIds = (what: string) =>
  Type.Array(Type.String({ minLength: 1 }), { description: `queue ids (VHOST/queue/NAME) ${what}` });

const SETTINGS = {
  topology: Type.Array(Path, { minItems: 1, description: 'topology files, directories and globs' }),
  overrides: Type.Unknown({ description: 'per-environment differences: checked by the topology schema' }),
  allow: Type.Object(
    {
      recreate: Type.Optional(QueueIds('that may be deleted and declared again with other fixed fields')),
      delete: Type.Optional(QueueIds('that may be deleted')),
      migrate: Type.Optional(QueueIds('(`*` for any characters) whose fixed fields may change by a migration')),
      destroyNonEmpty: Type.Optional(Type.Boolean()),
      scaleDownTo: Type.Optional(Type.Integer({ minimum: 1, description: 'the replicas a cluster may scale down to' })),
      replaceCluster: Type.Optional(Type.Boolean()),
      upgradeTo: Type.Optional(
        Type.String({
          pattern: '^[0-9]+\\.[0-9]+$',
          description: 'the RabbitMQ release series (e.g. 3.12) whose upgrade prerequisites the stack confirms are met',
        }),
      ),
    },
    Closed,
  ),
  protectQueues: Type.Boolean(),
  // An enum, not a union of literals: one problem (`must be one of: vhost, object`), not one per literal.
  granularity: Type.Unsafe<'vhost' | 'object'>({ type: 'string', enum: ['vhost', 'object'] }),
  adopt: Type.Boolean(),
  managementUrl: Type.String({ minLength: 1 }),
  managementUser: Type.String({ minLength: 1 }),
  managementPassword: Type.Unknown({ description: 'secret' }),
  managementTls: Type.Object(
    {
      caFile: Type.Optional(Path),
      certFile: Type.Optional(Path),
      keyFile: Type.Optional(Path),
      insecure: Type.Optional(Type.Boolean()),
    },
    Closed,
  ),
  cluster: Type.Unknown({ description: 'RabbitMQ on Kubernetes: checked by the cluster schema' }),
  kubeconfig: Type.Unknown({ description: 'secret' }),
  syncTopology: Type.Boolean(),
} satisfies Record<StackSetting, TSchema>;

type Settings = typeof SETTINGS;
type Keyed = { [K in keyof Settings as `warren:${K}`]: TOptional<Settings[K]> };

/** The stack's config (its `config:` mapping): the `warren:*` settings; other keys (secrets, other namespaces) pass. */
export const StackConfigSchema = Type.Object(
  Object.fromEntries(
    Object.entries(SETTINGS).map(([name, schema]) => [`warren:${name}`, Type.Optional(schema)]),
  ) as Keyed,
);

export type StackConfig = Static<typeof StackConfigSchema>;
