// The plan: plain data describing every broker object warren manages, with
// stable ids (vhost + kind + name, never list positions) and explicit
// dependencies. It is deterministic for a given topology and environment, is
// tested without Pulumi, and is all the Pulumi layer reads.
import type { UserLimitValues, VHostLimitValues } from '../format/limits.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonMap = Record<string, JsonValue>;

interface Base {
  /** Stable id, also the Pulumi resource name: `vhost/kind/name` with `/` and `%` in names escaped. */
  readonly id: string;
  /** Ids of entries this one needs to exist first. */
  readonly dependsOn: readonly string[];
}

export interface VHostEntry extends Base {
  readonly kind: 'vhost';
  readonly name: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly defaultQueueType?: string;
  readonly limits: VHostLimitValues;
}

export interface ExchangeEntry extends Base {
  readonly kind: 'exchange';
  readonly vhost: string;
  readonly name: string;
  readonly type: string;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly internal: boolean;
  readonly arguments: JsonMap;
}

export interface QueueEntry extends Base {
  readonly kind: 'queue';
  readonly vhost: string;
  readonly name: string;
  readonly queueType: string;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  /** Declaration arguments: only what cannot change on a live queue. */
  readonly arguments: JsonMap;
  /** Canonical text of everything that, when changed, re-declares the queue. */
  readonly fingerprint: string;
  /** The stack allows this queue to be re-declared (its messages are lost). */
  readonly allowRecreate: boolean;
  /** The stack allows a change of its fixed fields as a migration (warren:allow.migrate): its messages move. */
  readonly migrate?: true;
  /** The queue of the same vhost it takes the place of (`replaces:`): its bindings and messages. */
  readonly replaces?: string;
}

export interface BindingEntry extends Base {
  readonly kind: 'binding';
  readonly vhost: string;
  readonly source: string;
  readonly destination: string;
  readonly destinationType: 'queue' | 'exchange';
  /** Plan ids of the two ends when warren manages them (built-in exchanges it does not). */
  readonly sourceId?: string;
  readonly destinationId?: string;
  readonly routingKey: string;
  readonly arguments: JsonMap;
}

export interface PolicyEntry extends Base {
  readonly kind: 'policy' | 'operator-policy';
  readonly vhost: string;
  readonly name: string;
  readonly pattern: string;
  readonly applyTo: string;
  readonly priority: number;
  readonly definition: JsonMap;
  /** Set on the policies warren writes to carry one queue's changeable settings. */
  readonly settingsOf?: string;
}

export type PasswordPlan =
  | { readonly kind: 'secret'; readonly key: string }
  | { readonly kind: 'hash'; readonly hash: string; readonly algorithm: 'sha256' | 'sha512' }
  | { readonly kind: 'none' };

export interface UserEntry extends Base {
  readonly kind: 'user';
  readonly name: string;
  readonly tags: readonly string[];
  readonly password: PasswordPlan;
  readonly limits: UserLimitValues;
}

export interface PermissionsEntry extends Base {
  readonly kind: 'permissions';
  readonly user: string;
  readonly userId: string;
  readonly vhost: string;
  readonly configure: string;
  readonly write: string;
  readonly read: string;
}

export interface TopicPermissionsEntry extends Base {
  readonly kind: 'topic-permissions';
  readonly user: string;
  readonly userId: string;
  readonly vhost: string;
  readonly permissions: readonly { readonly exchange: string; readonly write: string; readonly read: string }[];
}

/**
 * A URI that may carry credentials (federation upstreams, shovels). One with a
 * password is never clear text in the plan: either the whole URI is a secret
 * config value of the stack, or the URI without its password plus the key of
 * the secret that holds the password (inserted, percent-encoded, at apply time).
 */
export type UriPlan =
  | { readonly kind: 'plain'; readonly uri: string }
  | { readonly kind: 'secret'; readonly key: string }
  | { readonly kind: 'password'; readonly uri: string; readonly key: string };

/** The runtime-parameter components warren manages (`/api/parameters/{component}/{vhost}/{name}`). */
export type ParameterComponent = 'federation-upstream' | 'federation-upstream-set' | 'shovel';

/** A federation upstream, an upstream set or a dynamic shovel: one runtime parameter of a vhost. */
export interface ParameterEntry extends Base {
  readonly kind: 'parameter';
  readonly component: ParameterComponent;
  readonly vhost: string;
  readonly name: string;
  /**
   * The parameter's value as RabbitMQ stores it (its keys: `prefetch-count`, `src-queue`…), without the URI fields;
   * an upstream set's is a list (`[{ upstream, …overrides }]`), as RabbitMQ stores it.
   */
  readonly value: JsonMap | JsonMap[];
  /**
   * The URI fields (`uri` of an upstream; `src-uri`, `dest-uri` of a shovel),
   * each one URI or a list, as declared: the value written is `value` plus
   * these, resolved. Empty for an upstream set.
   */
  readonly uris: Readonly<Record<string, UriPlan | readonly UriPlan[]>>;
}

export type PlanEntry =
  | VHostEntry
  | ExchangeEntry
  | QueueEntry
  | BindingEntry
  | PolicyEntry
  | UserEntry
  | PermissionsEntry
  | TopicPermissionsEntry
  | ParameterEntry;

/** What the no-loss guard compares between deployments. */
export interface GuardInputs {
  /** Queue id → fingerprint, for every managed queue. */
  readonly queues: Record<string, string>;
  /** Queue ids the stack allows to be re-declared. */
  readonly allowRecreate: readonly string[];
  /** Queue ids the stack allows to be deleted (removed from the topology). */
  readonly allowDelete: readonly string[];
  /** Queue ids, `*` for any characters, whose fixed fields may change by a migration (absent: none). */
  readonly allowMigrate?: readonly string[];
  /** New queue id → the id of the queue it replaces (`replaces:`; absent: none). */
  readonly replaces?: Readonly<Record<string, string>>;
  /** Set when the stack manages each vhost's objects as one resource (warren:granularity: vhost). */
  readonly granularity?: 'vhost';
}

export interface Plan {
  readonly entries: readonly PlanEntry[];
  readonly guard: GuardInputs;
}

/** What a stack allows beyond the topology itself (warren:allow), which the plan marks on its entries. */
export interface PlanEnvironment {
  /** Queue ids (as the guard prints them) the stack allows to be re-declared. */
  readonly allowRecreate: readonly string[];
  /** Queue ids the stack allows to be deleted. */
  readonly allowDelete: readonly string[];
  /** Queue ids (`*`: any characters) whose fixed fields may change by a migration (warren:allow.migrate). */
  readonly allowMigrate?: readonly string[];
}
