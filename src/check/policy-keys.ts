// What RabbitMQ policy definitions may hold (3.10 through 4.x): the objects
// each key applies to and the shape of its value. The keys that set a queue
// field take the queue types they apply to from the queue-field table
// (model/queue-fields.ts); here is only how RabbitMQ checks their values.
import type { PolicyTarget } from '../model/policy-targets.js';
import { POLICY_KEY_FIELD } from '../model/queue-fields.js';
import { MAX_AGE_PATTERN } from '../model/read-max-age.js';
import { DEAD_LETTER_STRATEGIES, LEADER_LOCATORS, OVERFLOW_MODES } from '../schema/format-constants.js';

type Check = (value: unknown) => string | undefined;

interface KeyInfo {
  readonly targets: readonly PolicyTarget[];
  /** A problem with the value, or undefined when it fits. */
  readonly check: Check;
}

const intAtLeast = (min: number) => (v: unknown) =>
  Number.isInteger(v) && (v as number) >= min ? undefined : `must be a whole number of at least ${min}`;
const oneOf =
  (...values: readonly string[]) =>
  (v: unknown) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of: ${values.join(', ')}`;
const text = (v: unknown) => (typeof v === 'string' ? undefined : 'must be a string');
const anything = () => undefined;
const QUEUES: PolicyTarget[] = ['classic', 'quorum'];

/** How RabbitMQ checks the value of each key that sets a queue field (a test keeps these and the table's keys equal). */
export const QUEUE_FIELD_KEY_CHECKS: Readonly<Record<string, Check>> = {
  'message-ttl': intAtLeast(0),
  expires: intAtLeast(1),
  'max-length': intAtLeast(0),
  'max-length-bytes': intAtLeast(0),
  overflow: oneOf(...OVERFLOW_MODES),
  'dead-letter-exchange': text,
  'dead-letter-routing-key': text,
  'dead-letter-strategy': oneOf(...DEAD_LETTER_STRATEGIES),
  'delivery-limit': intAtLeast(-1),
  'queue-leader-locator': oneOf(...LEADER_LOCATORS),
  'max-age': (v) =>
    typeof v === 'string' && MAX_AGE_PATTERN.test(v)
      ? undefined
      : 'must be a number with unit Y, M, D, h, m or s, e.g. 7D',
};

const queueFieldKeys = Object.fromEntries(
  Object.entries(QUEUE_FIELD_KEY_CHECKS).map(([key, check]) => [
    key,
    { targets: POLICY_KEY_FIELD.get(key)?.types ?? [], check },
  ]),
);

export const POLICY_KEYS: Readonly<Record<string, KeyInfo>> = {
  ...queueFieldKeys,
  'max-in-memory-length': { targets: ['quorum'], check: intAtLeast(0) },
  'max-in-memory-bytes': { targets: ['quorum'], check: intAtLeast(0) },
  'queue-version': { targets: ['classic'], check: (v) => (v === 1 || v === 2 ? undefined : 'must be 1 or 2') },
  'consumer-timeout': { targets: QUEUES, check: intAtLeast(1) },
  'stream-max-segment-size-bytes': { targets: ['stream'], check: intAtLeast(1) },
  'target-group-size': { targets: ['quorum'], check: intAtLeast(1) },
  'alternate-exchange': { targets: ['exchange'], check: text },
  'federation-upstream': { targets: ['classic', 'quorum', 'exchange'], check: text },
  'federation-upstream-set': { targets: ['classic', 'quorum', 'exchange'], check: text },
  'ha-mode': { targets: ['classic'], check: oneOf('all', 'exactly', 'nodes') },
  'ha-params': { targets: ['classic'], check: anything },
  'ha-sync-mode': { targets: ['classic'], check: oneOf('manual', 'automatic') },
  'ha-sync-batch-size': { targets: ['classic'], check: intAtLeast(1) },
  'ha-promote-on-shutdown': { targets: ['classic'], check: oneOf('when-synced', 'always') },
  'ha-promote-on-failure': { targets: ['classic'], check: oneOf('when-synced', 'always') },
  'queue-mode': { targets: ['classic'], check: oneOf('default', 'lazy') },
  'queue-master-locator': { targets: ['classic'], check: oneOf('min-masters', 'client-local', 'random') },
};

/** Keys RabbitMQ 4 no longer accepts (classic mirroring, lazy mode, master locator). */
export const REMOVED_KEYS: ReadonlySet<string> = new Set([
  'ha-mode',
  'ha-params',
  'ha-sync-mode',
  'ha-sync-batch-size',
  'ha-promote-on-shutdown',
  'ha-promote-on-failure',
  'queue-mode',
  'queue-master-locator',
]);

/** Keys operator policies accept. */
export const OPERATOR_KEYS: ReadonlySet<string> = new Set([
  'expires',
  'message-ttl',
  'max-length',
  'max-length-bytes',
  'max-in-memory-length',
  'max-in-memory-bytes',
  'delivery-limit',
]);
