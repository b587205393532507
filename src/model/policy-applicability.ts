// Which policies a queue type takes at all. RabbitMQ applies a policy to a
// queue only when no key of its definition is among the queue type's
// `unsupported_policies` (rabbit_policy:matches/2 → rabbit_queue_type:
// is_policy_applicable/2): a policy with `max-age` and `message-ttl` applies
// to no queue, and one with `queue-leader-locator` to no classic queue before
// RabbitMQ 4.0. The lists below are those of the queue types' capabilities/0
// from 3.10.8 to 4.2 (rabbit_classic_queue, rabbit_quorum_queue,
// rabbit_stream_queue); a key refused by some of those versions only makes
// the answer depend on the broker's version, which warren does not know.
// Exchanges take every policy.
import { own } from '../base/own-keys.js';
import type { PolicyTarget } from '../format/policy-targets.js';

interface Unsupported {
  /** Keys every version from 3.10 to 4.2 refuses for the type. */
  readonly always: readonly string[];
  /** Keys some of those versions refuse, with the versions that do. */
  readonly some: Readonly<Record<string, string>>;
}

const HA = ['ha-mode', 'ha-params', 'ha-sync-mode', 'ha-promote-on-shutdown', 'ha-promote-on-failure'];

const UNSUPPORTED: Readonly<Record<Exclude<PolicyTarget, 'exchange'>, Unsupported>> = {
  classic: {
    always: [
      'max-age',
      'stream-max-segment-size-bytes',
      'initial-cluster-size',
      'delivery-limit',
      'dead-letter-strategy',
    ],
    some: {
      'queue-leader-locator': 'RabbitMQ 3.10 to 3.13',
      'max-in-memory-length': 'RabbitMQ 3.12 and later',
      'max-in-memory-bytes': 'RabbitMQ 3.12 and later',
      'target-group-size': 'RabbitMQ 3.12 and later',
    },
  },
  quorum: {
    always: [
      'max-priority',
      'queue-mode',
      ...HA,
      'queue-master-locator',
      'max-age',
      'stream-max-segment-size-bytes',
      'initial-cluster-size',
    ],
    some: { 'single-active-consumer': 'RabbitMQ 3.10 to 4.1' },
  },
  stream: {
    always: [
      'expires',
      'message-ttl',
      'dead-letter-exchange',
      'dead-letter-routing-key',
      'max-length',
      'max-in-memory-length',
      'max-in-memory-bytes',
      'max-priority',
      'overflow',
      'queue-mode',
      'delivery-limit',
      ...HA,
      'queue-master-locator',
      'dead-letter-strategy',
    ],
    some: {
      'single-active-consumer': 'RabbitMQ 3.10 to 4.1',
      'target-group-size': 'RabbitMQ 3.12 and later',
    },
  },
};

export type Applicability =
  | { readonly applies: true }
  | { readonly applies: false; readonly key: string }
  /** Depends on the broker's version: `key` is refused by `versions`. */
  | { readonly applies: 'unknown'; readonly key: string; readonly versions: string };

/** Whether a policy with these definition keys can apply to the target at all. */
export function applicability(keys: Iterable<string>, target: PolicyTarget): Applicability {
  if (target === 'exchange') return { applies: true };
  const table = UNSUPPORTED[target];
  let unknown: Applicability | undefined;
  for (const key of keys) {
    if (table.always.includes(key)) return { applies: false, key };
    const versions = own(table.some, key);
    if (versions !== undefined) unknown ??= { applies: 'unknown', key, versions };
  }
  return unknown ?? { applies: true };
}

/** Every key some queue type refuses, in some version (for tests of the table). */
export const UNSUPPORTED_POLICY_KEYS: readonly string[] = [
  ...new Set(Object.values(UNSUPPORTED).flatMap((u) => [...u.always, ...Object.keys(u.some)])),
];
