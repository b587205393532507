// What RabbitMQ policy definitions may hold (3.10 through 4.x): the objects
// each key applies to and the shape of its value.
import type { PolicyTarget } from '../model/policy-targets.js';

interface KeyInfo {
  readonly targets: readonly PolicyTarget[];
  /** A problem with the value, or undefined when it fits. */
  readonly check: (value: unknown) => string | undefined;
}

const intAtLeast = (min: number) => (v: unknown) =>
  Number.isInteger(v) && (v as number) >= min ? undefined : `must be a whole number of at least ${min}`;
const oneOf =
  (...values: string[]) =>
  (v: unknown) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of: ${values.join(', ')}`;
const text = (v: unknown) => (typeof v === 'string' ? undefined : 'must be a string');
const anything = () => undefined;
const QUEUES: PolicyTarget[] = ['classic', 'quorum'];

export const POLICY_KEYS: Readonly<Record<string, KeyInfo>> = {
  'message-ttl': { targets: QUEUES, check: intAtLeast(0) },
  expires: { targets: QUEUES, check: intAtLeast(1) },
  'max-length': { targets: QUEUES, check: intAtLeast(0) },
  'max-length-bytes': { targets: ['classic', 'quorum', 'stream'], check: intAtLeast(0) },
  overflow: { targets: QUEUES, check: oneOf('drop-head', 'reject-publish', 'reject-publish-dlx') },
  'dead-letter-exchange': { targets: QUEUES, check: text },
  'dead-letter-routing-key': { targets: QUEUES, check: text },
  'dead-letter-strategy': { targets: ['quorum'], check: oneOf('at-most-once', 'at-least-once') },
  'delivery-limit': { targets: ['quorum'], check: intAtLeast(-1) },
  'max-in-memory-length': { targets: ['quorum'], check: intAtLeast(0) },
  'max-in-memory-bytes': { targets: ['quorum'], check: intAtLeast(0) },
  'queue-leader-locator': { targets: ['classic', 'quorum', 'stream'], check: oneOf('client-local', 'balanced') },
  'queue-version': { targets: ['classic'], check: (v) => (v === 1 || v === 2 ? undefined : 'must be 1 or 2') },
  'consumer-timeout': { targets: QUEUES, check: intAtLeast(1) },
  'max-age': {
    targets: ['stream'],
    check: (v) =>
      typeof v === 'string' && /^\d+[YMDhms]$/.test(v)
        ? undefined
        : 'must be a number with unit Y, M, D, h, m or s, e.g. 7D',
  },
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
