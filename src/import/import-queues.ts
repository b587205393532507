// Queues from a definitions export. Declaration arguments that have a typed
// field which never changes on a live queue (the queue-field table's immutable
// fields, such as maxPriority) become that field; every other argument stays a raw
// argument, because that is how the live queue was declared: turning it into
// a changeable field would make warren re-declare the queue. The queue's
// `warren.queue.<name>` policy, if the broker has one and it is what warren
// writes, becomes its changeable fields again.
import { unsupportedByType } from '../check/check-queues.js';
import { applyingPolicy } from '../model/applying-policy.js';
import { POLICY_KEY_FIELD, QUEUE_FIELDS } from '../format/queue-fields.js';
import type { JsonMap } from '../plan/plan-types.js';
import { exactPattern, SETTINGS_POLICY_PREFIX } from '../plan/queue-settings.js';
import type { PolicySpec, QueueSpec, QueueType } from '../format/topology-schema.js';
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

/** What became of the policies under warren's settings prefix. */
export interface SettingsFold {
  /** Folded into their queues' fields. */
  readonly folded: Set<string>;
  /** Not what warren writes (a foreign policy with a matching name), by name, with why: left out. */
  readonly foreign: Map<string, string>;
}

/**
 * Folds each queue's warren settings policy into the queue, when it is
 * exactly what compiling the queue back writes (plan/queue-settings.ts):
 * named `warren.queue.<queue>` after a queue of the vhost, the queue's exact
 * pattern, applied to queues, one above every user policy of the vhost, the
 * user policy it merged whole, and on top of it only settings the queue's type
 * takes, as fields can state them. Any other policy under the prefix is
 * foreign: folding it would give the queue settings warren never wrote, and
 * it cannot stay a policy of that name (the prefix is reserved); it is left
 * out, with why.
 */
export function foldSettingsPolicies(
  queues: Map<string, Mutable<QueueSpec>>,
  policies: Map<string, PolicySpec>,
  defaultType: QueueType,
): SettingsFold {
  const folded = new Set<string>();
  const foreign = new Map<string, string>();
  const userPolicies = [...policies].filter(([name]) => !name.startsWith(SETTINGS_POLICY_PREFIX));
  // As settingsPriority (plan/queue-settings.ts): one above every user policy of the vhost.
  const priority = userPolicies.reduce((highest, [, p]) => Math.max(highest, p.priority ?? 0), 0) + 1;
  for (const [name, policy] of policies) {
    if (!name.startsWith(SETTINGS_POLICY_PREFIX)) continue;
    const queueName = name.slice(SETTINGS_POLICY_PREFIX.length);
    const queue = queues.get(queueName);
    const fold = queue
      ? settingsOf(policy, queueName, queue.type ?? defaultType, priority, userPolicies, queues.has(`${queueName}\n`))
      : { why: `the vhost has no queue \`${queueName}\` (imported) for it to belong to` };
    if ('why' in fold) {
      foreign.set(name, `not the settings policy warren writes for queue \`${queueName}\`: ${fold.why}`);
      continue;
    }
    queues.set(queueName, inFieldOrder({ ...queue!, ...fold.settings }));
    folded.add(name);
  }
  return { folded, foreign };
}

/** The queue's own settings in its settings policy, or why the policy is not one warren writes. */
function settingsOf(
  policy: PolicySpec,
  queue: string,
  type: QueueType,
  priority: number,
  userPolicies: [string, PolicySpec][],
  twinDeclared: boolean,
): { settings: Partial<QueueSpec> } | { why: string } {
  const expected = exactPattern(queue, twinDeclared);
  if (policy.pattern !== expected)
    return { why: `its pattern is ${JSON.stringify(policy.pattern)}, warren's ${JSON.stringify(expected)}` };
  if ((policy.applyTo ?? 'all') !== 'queues') return { why: `it applies to ${policy.applyTo ?? 'all'}, not queues` };
  if ((policy.priority ?? 0) !== priority)
    return {
      why: `its priority is ${policy.priority ?? 0}, not ${priority} (one above every other policy of the vhost)`,
    };
  const definition = policy.definition as JsonMap;
  const user = userPolicyMatching(userPolicies, queue, type);
  if (!user.known) return { why: `the user policy it carries cannot be known: ${user.why}` };
  const [inheritedName, inheritedSpec] = user.policy ?? [];
  const inherited = (inheritedSpec?.definition ?? {}) as JsonMap;
  const lacking = Object.keys(inherited).filter((k) => !(k in definition));
  if (lacking.length > 0)
    return { why: `it lacks ${lacking.join(', ')} of policy \`${inheritedName}\`, which warren merges in whole` };
  const own = Object.keys(definition).filter((k) => JSON.stringify(inherited[k]) !== JSON.stringify(definition[k]));
  const unknown = own.filter((k) => !POLICY_KEY_FIELD.has(k));
  if (unknown.length > 0) return { why: `it sets ${unknown.join(', ')}, which no queue field states` };
  // The queue's own settings may all equal the user policy's: which were its own cannot be told then, and taking
  // every setting a field states as its own writes the same policy back.
  const settings =
    own.length > 0 ? foldSettings(definition, inherited) : foldSettings(pick(definition, POLICY_KEY_FIELD), {});
  if (settings && Object.keys(settings).length === 0)
    return { why: 'it holds no setting a queue field states (warren writes none then)' };
  if (!settings) return { why: 'it holds values no queue field states' };
  // What validation refuses for the queue's type, warren never wrote.
  const unfit = unsupportedByType(type, settings);
  if (unfit.length > 0) return { why: `${type} queues do not support ${unfit.map((u) => u.what).join(', ')}` };
  return { settings };
}

function pick(definition: JsonMap, keys: ReadonlyMap<string, unknown>): JsonMap {
  return Object.fromEntries(Object.entries(definition).filter(([k]) => keys.has(k)));
}

/** The format's field order (the queue-field table's), for files that read like hand-written ones. */
const FIELD_ORDER = [...new Set(QUEUE_FIELDS.map((f) => f.field)), 'arguments'];

function inFieldOrder(spec: Mutable<QueueSpec>): Mutable<QueueSpec> {
  const rank = (k: string) => FIELD_ORDER.indexOf(k);
  return Object.fromEntries(Object.entries(spec).sort(([a], [b]) => rank(a) - rank(b))) as Mutable<QueueSpec>;
}

/**
 * The user policy RabbitMQ applies to the queue (model/applying-policy.ts), or
 * why warren cannot know it (a pattern it does not evaluate, equal priorities):
 * then which keys of a settings policy are the queue's own cannot be told.
 */
function userPolicyMatching(
  policies: [string, PolicySpec][],
  queue: string,
  type: QueueType,
): { known: true; policy?: [string, PolicySpec] } | { known: false; why: string } {
  const views = policies.map(([name, spec]) => ({ ...spec, name, entry: [name, spec] as [string, PolicySpec] }));
  const applying = applyingPolicy(views, { name: queue, target: type });
  return applying.known ? { known: true, policy: applying.policy?.entry } : { known: false, why: applying.why };
}
