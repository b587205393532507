// The inverse of plan/queue-settings.ts: a `warren.queue.<name>` policy found
// on a broker becomes the queue's changeable fields again. That policy holds
// the user policy that would otherwise apply, overlaid with the queue's own
// settings, so keys equal to the inherited user policy are left out: compiling
// the imported topology writes the same policy back.
import { CHANGEABLE_FIELDS, POLICY_KEY_FIELD } from '../format/queue-fields.js';
import { own } from '../base/own-keys.js';
import type { JsonMap } from '../plan/plan-types.js';
import type { QueueSpec } from '../format/topology-schema.js';

const DEAD_LETTER = CHANGEABLE_FIELDS.filter((f) => f.field === 'deadLetter');

/**
 * The queue's own settings from its warren policy, given the user policy
 * definition it inherited; undefined when some key cannot be expressed as a
 * field (then the caller keeps the policy as it is).
 */
export function foldSettings(policy: JsonMap, inherited: JsonMap): Partial<QueueSpec> | undefined {
  const mine = Object.entries(policy).filter(([k, v]) => JSON.stringify(own(inherited, k)) !== JSON.stringify(v));
  const spec: Record<string, unknown> = {};
  let deadLetter = false;
  for (const [key, value] of mine) {
    const field = POLICY_KEY_FIELD.get(key);
    if (!field) return undefined;
    if (field.sub) {
      deadLetter = true;
      continue;
    }
    const read = field.fromBroker(value);
    if (read === undefined) return undefined;
    spec[field.field] = read;
  }
  if (deadLetter) {
    // deadLetter needs its exchange even when only the key or strategy is the queue's own.
    const dl: Record<string, unknown> = {};
    for (const field of DEAD_LETTER) {
      const value = policy[field.policyKey];
      if (value === undefined && field.sub !== 'exchange') continue;
      const read = field.fromBroker(value);
      if (read === undefined) return undefined;
      dl[field.sub!] = read;
    }
    spec.deadLetter = dl;
  }
  return spec as Partial<QueueSpec>;
}
