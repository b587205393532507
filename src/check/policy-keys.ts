// What RabbitMQ policy definitions may hold: every key RabbitMQ and its
// shipped plugins register (rabbit_policies, rabbit_mirror_queue_misc,
// rabbit_queue_location_validator, rabbit_federation_parameters,
// rabbit_sharding_policy_validator, rabbit_quorum_queue), the objects each
// key has an effect on, the value RabbitMQ 3.10 accepts, the versions that
// accept it, and whether operator policies take it. RabbitMQ refuses a policy
// holding a key no validator registers ("… are not recognised policy
// settings"). The keys that set a queue field take the queue types they apply
// to from the queue-field table (format/queue-fields.ts); here is only how
// RabbitMQ checks their values.
import type { PolicyTarget } from '../format/policy-targets.js';
import { MAX_EXPIRY_MS, POLICY_KEY_FIELD } from '../format/queue-fields.js';
import { ACCEPTED_LEADER_LOCATORS, MAX_STREAM_SEGMENT_BYTES } from '../model/queue-arguments.js';
import { maxAgeRefusal } from '../format/read-max-age.js';
import { DEAD_LETTER_STRATEGIES, OVERFLOW_MODES } from '../format/format-constants.js';

type Check = (value: unknown) => string | undefined;

/** A RabbitMQ version, as `major.minor`. */
export type Version = '3.10' | '3.11' | '3.12' | '3.13' | '4.0';

interface KeyInfo {
  /** The objects the key has an effect on. */
  readonly targets: readonly PolicyTarget[];
  /** A problem with the value, or undefined when RabbitMQ accepts it. */
  readonly check: Check;
  /** The first version whose policies accept the key; absent: 3.10 already does. */
  readonly since?: Version;
  /** The first version that refuses it again. */
  readonly until?: Version;
  /** The first version whose operator policies accept it; absent: none does. */
  readonly operatorSince?: Version;
  readonly operatorUntil?: Version;
  /** The plugin that registers it: without the plugin, RabbitMQ refuses the key. */
  readonly plugin?: string;
}

const isInteger = (v: unknown): v is number => Number.isSafeInteger(v);
const intBetween = (min: number, max?: number) => (v: unknown) =>
  isInteger(v) && v >= min && (max === undefined || v <= max)
    ? undefined
    : max === undefined
      ? `must be a whole number of at least ${min}`
      : `must be a whole number from ${min} to ${max}`;
const intAtLeast = (min: number) => intBetween(min);
const oneOf =
  (...values: readonly string[]) =>
  (v: unknown) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of: ${values.join(', ')}`;
const text = (v: unknown) => (typeof v === 'string' ? undefined : 'must be a string');
const QUEUES: PolicyTarget[] = ['classic', 'quorum'];

/** How RabbitMQ checks the value of each key that sets a queue field (a test keeps these and the table's keys equal). */
export const QUEUE_FIELD_KEY_CHECKS: Readonly<Record<string, Check>> = {
  // RabbitMQ checks no bound here, but a value past its timers' range crashes
  // the queue's process: warren keeps the bound RabbitMQ sets on the arguments.
  'message-ttl': intBetween(0, MAX_EXPIRY_MS),
  expires: intBetween(1, MAX_EXPIRY_MS),
  'max-length': intAtLeast(0),
  'max-length-bytes': intAtLeast(0),
  overflow: oneOf(...OVERFLOW_MODES),
  'dead-letter-exchange': text,
  'dead-letter-routing-key': text,
  'dead-letter-strategy': oneOf(...DEAD_LETTER_STRATEGIES),
  // RabbitMQ 4 also takes a negative limit (none); 3.10 refuses it.
  'delivery-limit': intAtLeast(0),
  'queue-leader-locator': oneOf(...ACCEPTED_LEADER_LOCATORS),
  'max-age': maxAgeRefusal,
};

const queueFieldKeys = Object.fromEntries(
  Object.entries(QUEUE_FIELD_KEY_CHECKS).map(([key, check]) => [
    key,
    { targets: POLICY_KEY_FIELD.get(key)?.types ?? [], check },
  ]),
);

// The keys 3.10's operator policies take (rabbit_policies:register/0), and when later ones came.
const OPERATOR_3_10 = ['expires', 'message-ttl', 'max-length', 'max-length-bytes', 'delivery-limit'];
const mirroring = { targets: ['classic'], until: '4.0' } as const;
const federation = { targets: [...QUEUES, 'exchange'], plugin: 'rabbitmq_federation' } as const;
const sharding = { targets: ['exchange'], plugin: 'rabbitmq_sharding' } as const;

export const POLICY_KEYS: Readonly<Record<string, KeyInfo>> = {
  ...Object.fromEntries(
    Object.entries(queueFieldKeys).map(([key, info]) => [
      key,
      OPERATOR_3_10.includes(key) ? { ...info, operatorSince: '3.10' } : info,
    ]),
  ),
  overflow: { ...queueFieldKeys.overflow!, operatorSince: '3.12' },
  'max-in-memory-length': { targets: ['quorum'], check: intAtLeast(0), operatorSince: '3.10' },
  'max-in-memory-bytes': { targets: ['quorum'], check: intAtLeast(0), operatorSince: '3.10' },
  'queue-version': {
    targets: ['classic'],
    check: (v) => (v === 1 || v === 2 ? undefined : 'must be 1 or 2'),
    operatorSince: '3.11',
  },
  'queue-mode': { targets: ['classic'], check: oneOf('default', 'lazy') },
  'queue-master-locator': {
    targets: ['classic'],
    check: oneOf('min-masters', 'client-local', 'random'),
    operatorSince: '4.0',
  },
  'consumer-timeout': { targets: QUEUES, check: intAtLeast(0), since: '3.12' },
  'stream-max-segment-size-bytes': { targets: ['stream'], check: intBetween(0, MAX_STREAM_SEGMENT_BYTES) },
  'stream-filter-size-bytes': { targets: ['stream'], check: intBetween(16, 255), since: '3.13' },
  'initial-cluster-size': { targets: ['stream'], check: intAtLeast(0) },
  'target-group-size': { targets: ['quorum'], check: intAtLeast(1), since: '3.13', operatorSince: '3.13' },
  'alternate-exchange': { targets: ['exchange'], check: text },
  'federation-upstream': { ...federation, check: text },
  'federation-upstream-set': { ...federation, check: text },
  // A pattern: check-policies checks it as one.
  'federation-upstream-pattern': { ...federation, check: text },
  'ha-mode': { ...mirroring, check: oneOf('all', 'exactly', 'nodes'), operatorSince: '3.11', operatorUntil: '4.0' },
  // Its value depends on ha-mode: checked with it (definitionConflicts).
  'ha-params': { ...mirroring, check: () => undefined, operatorSince: '3.11', operatorUntil: '4.0' },
  'ha-sync-mode': {
    ...mirroring,
    check: oneOf('manual', 'automatic'),
    operatorSince: '3.11',
    operatorUntil: '4.0',
  },
  'ha-sync-batch-size': { ...mirroring, check: intAtLeast(1) },
  'ha-promote-on-shutdown': { ...mirroring, check: oneOf('when-synced', 'always') },
  'ha-promote-on-failure': { ...mirroring, check: oneOf('when-synced', 'always') },
  'shards-per-node': {
    ...sharding,
    check: (v) => (typeof v === 'number' && v >= 0 ? undefined : 'must be a number of at least 0'),
  },
  'routing-key': { ...sharding, check: text },
};

/** A problem RabbitMQ finds in two or more keys of one definition, reported at `key`. */
export interface Conflict {
  readonly key: string;
  readonly problem: string;
}

const FEDERATION = ['federation-upstream', 'federation-upstream-set', 'federation-upstream-pattern'];
const HA_SETTINGS = [
  'ha-params',
  'ha-sync-mode',
  'ha-sync-batch-size',
  'ha-promote-on-shutdown',
  'ha-promote-on-failure',
];

/**
 * What RabbitMQ refuses in keys taken together (each value on its own is
 * POLICY_KEYS' check): the federation keys exclude each other
 * (rabbit_federation_parameters), the ha-* settings need ha-mode and
 * ha-params fits ha-mode (rabbit_mirror_queue_misc, rabbit_mirror_queue_mode_*),
 * and the sharding routing-key needs shards-per-node.
 */
export function definitionConflicts(definition: Readonly<Record<string, unknown>>): Conflict[] {
  const has = (key: string) => Object.hasOwn(definition, key);
  const out: Conflict[] = [];
  const federation = FEDERATION.filter(has);
  for (const key of federation.slice(1))
    out.push({
      key,
      problem: `\`${key}\` and \`${federation[0]}\` exclude each other: a policy names one of ${FEDERATION.join(', ')}`,
    });
  const mode = definition['ha-mode'];
  if (!has('ha-mode')) {
    for (const key of HA_SETTINGS.filter(has)) out.push({ key, problem: `\`${key}\` needs \`ha-mode\`` });
  } else if (typeof mode === 'string') {
    const params = definition['ha-params'];
    const at = has('ha-params') ? 'ha-params' : 'ha-mode';
    if (mode === 'all' && has('ha-params')) out.push({ key: at, problem: '`ha-mode: all` takes no `ha-params`' });
    if (mode === 'exactly' && !(isInteger(params) && params > 0))
      out.push({ key: at, problem: '`ha-mode: exactly` needs `ha-params`: a whole number above 0' });
    if (mode === 'nodes' && !(Array.isArray(params) && params.length > 0 && params.every((n) => typeof n === 'string')))
      out.push({ key: at, problem: '`ha-mode: nodes` needs `ha-params`: a list of node names' });
  }
  if (has('routing-key') && !has('shards-per-node'))
    out.push({ key: 'routing-key', problem: '`routing-key` needs `shards-per-node`' });
  return out;
}

/** Keys RabbitMQ 4 refuses: classic queue mirroring was removed. */
export const REMOVED_KEYS: ReadonlySet<string> = new Set(
  Object.entries(POLICY_KEYS).flatMap(([key, info]) => (info.until ? [key] : [])),
);

/** Keys every operator policy from 3.10 on takes. */
export const OPERATOR_KEYS: ReadonlySet<string> = new Set(
  Object.entries(POLICY_KEYS).flatMap(([key, info]) => (info.operatorSince === '3.10' ? [key] : [])),
);
