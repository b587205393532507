// What a policy's `applyTo` reaches: the queue types and exchanges RabbitMQ
// applies it to. Below the checks and the plan, which both match policies to
// objects.
import type { QueueType } from './format-constants.js';
import { own } from '../base/own-keys.js';

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
 * What a policy's `applyTo` names (`all` when absent or unknown). Which of
 * those queue types take the policy at all, given its definition's keys, is
 * model/policy-applicability.ts's answer.
 */
export function targetsOf(applyTo: string): readonly PolicyTarget[] {
  // An export's apply-to may be any string, `constructor` too.
  return own(TARGETS, applyTo) ?? TARGETS.all!;
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
