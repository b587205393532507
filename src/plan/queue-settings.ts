// The queue fields the contract marks "changeable later without losing
// messages" cannot be declaration arguments: RabbitMQ refuses to re-declare a
// live queue with other arguments, and the provider would delete and re-create
// it. RabbitMQ changes such settings on live queues through policies, but only
// one policy applies to a queue at a time. So warren writes one policy per
// queue that has such settings, above every user policy of the vhost, whose
// definition is the user policy that would otherwise apply, overlaid with the
// queue's own settings (the queue's own setting wins: it is more specific).
import { compileForMatching } from '../model/match-names.js';
import { targetsOf } from '../model/policy-targets.js';
import { CHANGEABLE_FIELDS, QUEUE_FIELDS, valueIn } from '../model/queue-fields.js';
import { queueType, type Declared, type VHostModel } from '../model/topology-model.js';
import type { PolicySpec, QueueSpec } from '../schema/topology-schema.js';
import type { JsonMap } from './plan-types.js';

// The policy's name: SETTINGS_POLICY_PREFIX and the queue's (a reserved prefix: model/reserved-names.ts).
export { SETTINGS_POLICY_PREFIX } from '../model/reserved-names.js';

/** The queue's changeable settings as policy definition keys. */
export function changeableSettings(spec: QueueSpec): JsonMap {
  const out: JsonMap = {};
  for (const field of CHANGEABLE_FIELDS) {
    const value = valueIn(spec, field);
    const broker = value === undefined ? undefined : field.toBroker(value);
    if (broker !== undefined) out[field.policyKey] = broker;
  }
  return out;
}

/**
 * The declaration arguments of the queue's fixed fields (those of the
 * queue-field table that are immutable and have an argument, such as
 * maxPriority); `spec.type` is the type to declare, if any.
 */
export function fixedArguments(spec: QueueSpec): JsonMap {
  const out: JsonMap = {};
  for (const field of QUEUE_FIELDS) {
    if (!field.immutable || !field.argument) continue;
    const value = valueIn(spec, field);
    const broker = value === undefined ? undefined : field.toBroker?.(value);
    if (broker !== undefined) out[field.argument] = broker;
  }
  return out;
}

/**
 * The user policy RabbitMQ would apply to this queue: highest priority, then
 * name, of those whose keys its type takes all of (RabbitMQ skips the others,
 * see model/policy-targets.ts; overlaid into the settings policy, one of them
 * would keep that policy off the queue too).
 */
export function userPolicyFor(vhost: VHostModel, queue: Declared<QueueSpec>): Declared<PolicySpec> | undefined {
  const type = queueType(vhost, queue.spec);
  const matching = [...vhost.policies.values()].filter(
    (p) =>
      p.ok &&
      targetsOf(p.spec.applyTo ?? 'all', p.spec.definition).includes(type) &&
      compileForMatching(p.spec.pattern)?.test(queue.name),
  );
  return matching.sort((a, b) => (b.spec.priority ?? 0) - (a.spec.priority ?? 0) || (a.name < b.name ? -1 : 1))[0];
}

/** A priority above every user policy of the vhost. */
export function settingsPriority(vhost: VHostModel): number {
  return Math.max(0, ...[...vhost.policies.values()].map((p) => p.spec.priority ?? 0)) + 1;
}

/** A PCRE pattern that matches exactly this name (bytes ≥ 0x80 are literal there). */
export function exactPattern(name: string): string {
  return `^${name.replace(/[^A-Za-z0-9_\u0080-\uffff]/g, '\\$&')}$`;
}
