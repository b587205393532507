// The queue fields the contract marks "changeable later without losing
// messages" cannot be declaration arguments: RabbitMQ refuses to re-declare a
// live queue with other arguments, and the provider would delete and re-create
// it. RabbitMQ changes such settings on live queues through policies, but only
// one policy applies to a queue at a time. So warren writes one policy per
// queue that has such settings, above every user policy of the vhost, whose
// definition is the user policy that would otherwise apply, overlaid with the
// queue's own settings (the queue's own setting wins: it is more specific).
import { applyingPolicy } from '../model/applying-policy.js';
import { CHANGEABLE_FIELDS, QUEUE_FIELDS, valueIn } from '../format/queue-fields.js';
import { queueType, type Declared, type VHostModel } from '../model/topology-model.js';
import type { PolicySpec, QueueSpec } from '../format/topology-schema.js';
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
 * The user policy RabbitMQ would apply to this queue (model/applying-policy.ts).
 * Validation makes sure warren knows it (`settings-policy-unknown`): a plan is
 * never compiled around a guess.
 */
export function userPolicyFor(vhost: VHostModel, queue: Declared<QueueSpec>): Declared<PolicySpec> | undefined {
  const policies = [...vhost.policies.values()]
    .filter((p) => p.ok)
    .map((p) => ({ ...p.spec, name: p.name, declared: p }));
  const applying = applyingPolicy(policies, { name: queue.name, target: queueType(vhost, queue.spec) });
  if (!applying.known)
    throw new Error(`cannot plan the settings of queue ${queue.name}: ${applying.why} (validate first)`);
  return applying.policy?.declared;
}

/** A priority above every user policy of the vhost. */
export function settingsPriority(vhost: VHostModel): number {
  // A loop, not Math.max(...): a spread of some 150,000 policies exceeds the call stack.
  let highest = 0;
  for (const p of vhost.policies.values()) highest = Math.max(highest, p.spec.priority ?? 0);
  return highest + 1;
}

/**
 * A PCRE pattern that matches this name: `^name$`, every byte literal
 * (bytes ≥ 0x80 are literal there; NUL is written `\x00`, as PCRE would end
 * the pattern at a NUL byte). In PCRE `$` also matches before a final
 * newline, so `^a$` matches the queue `a\n` too: when the vhost declares that
 * twin, the pattern ends in `\z` instead (end of name only). Patterns of
 * queues without such a twin stay as they always were, so existing stacks do
 * not change.
 */
export function exactPattern(name: string, twinDeclared = false): string {
  const literal = name.replace(/[^A-Za-z0-9_\u0080-\uffff]/g, (c) => (c === '\0' ? '\\x00' : `\\${c}`));
  return `^${literal}${twinDeclared ? '\\z' : '$'}`;
}
