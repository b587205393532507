// What a policy reaches: the queue types and exchanges its `applyTo` names,
// less the queue types that refuse one of its definition keys. Below the
// checks and the plan, which both match policies to objects.
import type { QueueType } from '../schema/topology-schema.js';
import { own } from './own-keys.js';

export type PolicyTarget = QueueType | 'exchange';

const TARGETS: Record<string, readonly PolicyTarget[]> = {
  queues: ['classic', 'quorum', 'stream'],
  classic_queues: ['classic'],
  quorum_queues: ['quorum'],
  streams: ['stream'],
  exchanges: ['exchange'],
  all: ['classic', 'quorum', 'stream', 'exchange'],
};

/**
 * The policy keys each queue type lists as unsupported (`unsupported_policies`
 * in rabbit_classic_queue, rabbit_quorum_queue and rabbit_stream_queue's
 * capabilities, 3.10 through 3.13: a key counts when any of them lists it).
 * RabbitMQ does not apply a policy holding such a key to a queue of that type
 * at all, not even its other keys (rabbit_queue_type:is_policy_applicable/2):
 * the next matching policy applies instead. Exchanges refuse no key.
 * RabbitMQ 4.0 takes `queue-leader-locator` off the classic list; warren keeps
 * it, as the 3.x brokers skip such policies.
 */
export const UNSUPPORTED_POLICY_KEYS: Readonly<Record<QueueType, readonly string[]>> = {
  classic: [
    'max-age',
    'stream-max-segment-size-bytes',
    'queue-leader-locator',
    'initial-cluster-size',
    'delivery-limit',
    'dead-letter-strategy',
    // From 3.12:
    'max-in-memory-length',
    'max-in-memory-bytes',
    'target-group-size',
  ],
  quorum: [
    'queue-mode',
    'ha-mode',
    'ha-params',
    'ha-sync-mode',
    'ha-promote-on-shutdown',
    'ha-promote-on-failure',
    'queue-master-locator',
    'max-age',
    'stream-max-segment-size-bytes',
    'initial-cluster-size',
  ],
  stream: [
    'expires',
    'message-ttl',
    'dead-letter-exchange',
    'dead-letter-routing-key',
    'max-length',
    'max-in-memory-length',
    'max-in-memory-bytes',
    'overflow',
    'queue-mode',
    'delivery-limit',
    'ha-mode',
    'ha-params',
    'ha-sync-mode',
    'ha-promote-on-shutdown',
    'ha-promote-on-failure',
    'queue-master-locator',
    'dead-letter-strategy',
    // From 3.12:
    'target-group-size',
  ],
};

const UNSUPPORTED = new Map(Object.entries(UNSUPPORTED_POLICY_KEYS).map(([type, keys]) => [type, new Set(keys)]));

/** The first definition key that keeps the policy off objects of `target`; undefined when it applies to them. */
export function refusingKey(definition: Readonly<Record<string, unknown>>, target: PolicyTarget): string | undefined {
  const refused = UNSUPPORTED.get(target);
  return refused ? Object.keys(definition).find((key) => refused.has(key)) : undefined;
}

/**
 * What a policy applies to: what `applyTo` names (`all` when absent or
 * unknown), and, given its definition, only the queue types that take every
 * key of it.
 */
export function targetsOf(applyTo: string, definition?: Readonly<Record<string, unknown>>): readonly PolicyTarget[] {
  // An export's apply-to may be any string, `constructor` too.
  const named = own(TARGETS, applyTo) ?? TARGETS.all!;
  return definition === undefined ? named : named.filter((t) => refusingKey(definition, t) === undefined);
}

/** What an `applyTo` value reaches, in words (the schema's description): "classic and quorum queues, streams". */
export function describeTargets(applyTo: string): string {
  const reach = targetsOf(applyTo);
  const queues = reach.filter((t) => t === 'classic' || t === 'quorum');
  return [
    ...(queues.length > 0 ? [`${queues.join(' and ')} queues`] : []),
    ...(reach.includes('stream') ? ['streams'] : []),
    ...(reach.includes('exchange') ? ['exchanges'] : []),
  ].join(', ');
}
