// Queues from a definitions export. Declaration arguments that have a typed
// field which never changes on a live queue (the queue-field table's immutable
// fields, such as maxPriority) become that field; every other argument stays a raw
// argument, because that is how the live queue was declared: turning it into
// a changeable field would make warren re-declare the queue. The queue's
// `warren.queue.<name>` policy, if the broker has one, becomes its changeable
// fields again.
import { applyingPolicy } from '../model/applying-policy.js';
import { QUEUE_FIELDS } from '../model/queue-fields.js';
import type { JsonMap } from '../plan/plan-types.js';
import { SETTINGS_POLICY_PREFIX } from '../plan/queue-settings.js';
import type { PolicySpec, QueueSpec, QueueType } from '../schema/topology-schema.js';
import type { QueueDef } from './definitions-schema.js';
import { foldSettings } from './fold-settings.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function queueSpec(q: QueueDef): Mutable<QueueSpec> {
  const args: Record<string, unknown> = { ...q.arguments };
  const spec: Record<string, unknown> = {};
  if (!q.durable) spec.durable = false;
  if (q.auto_delete) spec.autoDelete = true;
  for (const field of QUEUE_FIELDS) {
    if (!field.immutable || !field.argument || field.sub) continue;
    const value = field.fromBroker?.(args[field.argument]);
    if (value === undefined) continue;
    spec[field.field] = value;
    delete args[field.argument];
  }
  if (Object.keys(args).length > 0) spec.arguments = args;
  return inFieldOrder(spec as Mutable<QueueSpec>);
}

/**
 * Folds each queue's warren settings policy into the queue. Returns the names
 * of the settings policies it consumed; the rest stay policies.
 */
export function foldSettingsPolicies(
  queues: Map<string, Mutable<QueueSpec>>,
  policies: Map<string, PolicySpec>,
  defaultType: QueueType,
): Set<string> {
  const folded = new Set<string>();
  for (const [name, policy] of policies) {
    if (!name.startsWith(SETTINGS_POLICY_PREFIX)) continue;
    const queueName = name.slice(SETTINGS_POLICY_PREFIX.length);
    const queue = queues.get(queueName);
    if (!queue) continue;
    const type = queue.type ?? defaultType;
    const user = userPolicyMatching(policies, queueName, type);
    if (!user.known) continue;
    const inherited = user.policy?.definition ?? {};
    const settings = foldSettings(policy.definition as JsonMap, inherited as JsonMap);
    if (!settings) continue;
    queues.set(queueName, inFieldOrder({ ...queue, ...settings }));
    folded.add(name);
  }
  return folded;
}

/** The format's field order (the queue-field table's), for files that read like hand-written ones. */
const FIELD_ORDER = [...new Set(QUEUE_FIELDS.map((f) => f.field)), 'arguments'];

function inFieldOrder(spec: Mutable<QueueSpec>): Mutable<QueueSpec> {
  const rank = (k: string) => FIELD_ORDER.indexOf(k);
  return Object.fromEntries(Object.entries(spec).sort(([a], [b]) => rank(a) - rank(b))) as Mutable<QueueSpec>;
}

/**
 * The user policy RabbitMQ applies to the queue (model/applying-policy.ts), when
 * warren can know it; otherwise (a pattern it does not evaluate, equal
 * priorities) the settings policy is not folded: which keys are the queue's
 * own cannot be told.
 */
function userPolicyMatching(
  policies: Map<string, PolicySpec>,
  queue: string,
  type: QueueType,
): { known: boolean; policy?: PolicySpec } {
  const user = [...policies]
    .filter(([name]) => !name.startsWith(SETTINGS_POLICY_PREFIX))
    .map(([name, p]) => ({ ...p, name, spec: p }));
  const applying = applyingPolicy(user, { name: queue, target: type });
  return applying.known ? { known: true, policy: applying.policy?.spec } : { known: false };
}
