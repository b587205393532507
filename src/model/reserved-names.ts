// The names a topology cannot hold, in one place. Two kinds:
// - reserved prefixes: names the broker or warren give objects of their own
//   (`amq.` exchanges and server-named queues; warren's per-queue settings
//   policies). A declared object under one would collide with theirs: two
//   resources writing one policy, or an import folding a foreign policy into
//   a queue's fields. `validate` refuses them (`reserved-name`), `import`
//   leaves them out (`import-skipped`).
// - stack settings: the `warren:<key>` config values warren's program reads
//   itself. A secret the topology names (`password: { secret: KEY }`, a URI's)
//   is read from `warren:KEY` too, so naming a setting would make a user's
//   password, or a URI, of it (`warren:kubeconfig`, `warren:topology`).
// - unaddressable names: `.` and `..`. The broker accepts them, but its
//   management API cannot be asked about them: its router (cowboy_router,
//   split_path) percent-decodes each path segment and then removes `.` and
//   `..` segments, so `/api/queues/shop/%2E%2E` is `/api/queues` whatever the
//   encoding (and WHATWG URLs, fetch's, remove `%2e` segments already in the
//   client). A read would answer for another object, and a delete would miss
//   its object or hit another. `validate` refuses them (`unaddressable-name`),
//   `import` leaves them out, and no request is built with one (apiPath).
// Plain data and pure functions: the Pulumi dynamic providers capture them.
import { STACK_SETTINGS } from '../format/stack-settings.js';

/** What a name belongs to, as messages say it. */
export type NamedKind =
  | 'vhost'
  | 'exchange'
  | 'queue'
  | 'super stream'
  | 'policy'
  | 'operator policy'
  | 'federation upstream'
  | 'federation upstream set'
  | 'shovel'
  | 'user';

export interface ReservedPrefix {
  readonly prefix: string;
  /** The kinds of object that may not have a name starting with it. */
  readonly kinds: readonly NamedKind[];
  /** Who keeps it, and for what (ends a message: "…, which <owner>"). */
  readonly owner: string;
}

/** The prefix of the policy warren writes for each queue with changeable settings (`warren.queue.orders`). */
export const SETTINGS_POLICY_PREFIX = 'warren.queue.';

/**
 * The prefix of the temporary queue a queue migration moves messages through (`warren.migrate.orders`): a
 * topology may not declare one, and `import` leaves them out, so that no deployment deletes the messages it holds.
 */
export const MIGRATION_QUEUE_PREFIX = 'warren.migrate.';

export const RESERVED_PREFIXES: readonly ReservedPrefix[] = [
  // A super stream is an exchange of that name.
  { prefix: 'amq.', kinds: ['exchange', 'queue', 'super stream'], owner: 'the broker reserves' },
  // Operator policies live apart from policies on the broker, but warren reads every `warren.queue.` name
  // as its own (import folds them back into queues): a user's may not have one either.
  {
    prefix: SETTINGS_POLICY_PREFIX,
    kinds: ['policy', 'operator policy'],
    owner: 'warren reserves for the settings policy it writes for each queue',
  },
  {
    prefix: MIGRATION_QUEUE_PREFIX,
    kinds: ['queue', 'super stream'],
    owner: 'warren reserves for the temporary queue of a queue migration',
  },
];

/** The reserved prefix `name` starts with, for an object of `kind`. */
export function reservedPrefix(kind: NamedKind, name: string): ReservedPrefix | undefined {
  return RESERVED_PREFIXES.find((r) => r.kinds.includes(kind) && name.startsWith(r.prefix));
}

/** The stack setting a secret key names (`kubeconfig`, `warren:kubeconfig`), when it may not be a secret's. */
export function reservedSecretKey(key: string): string | undefined {
  // `managementPassword` is a password: a topology may name it for the user it declares for the deploying user.
  const setting = key.startsWith('warren:') ? key.slice('warren:'.length) : key.includes(':') ? undefined : key;
  return setting !== undefined && setting !== 'managementPassword' && Object.hasOwn(STACK_SETTINGS, setting)
    ? setting
    : undefined;
}

/** Names the management API cannot address in a path (see above). */
export const UNADDRESSABLE_NAMES: readonly string[] = ['.', '..'];

export function isUnaddressable(name: string): boolean {
  return UNADDRESSABLE_NAMES.includes(name);
}

/** Why such a name cannot be used, for messages. */
export const UNADDRESSABLE_WHY =
  "the management API cannot address it: RabbitMQ's router removes `.` and `..` path segments, however they are encoded";
