// Which policy changes can drop or expire messages a live queue already holds.
// The changeable settings reach a queue through policies: warren's own
// `warren.queue.<name>` (above every user policy) or else the user policy that
// matches it, and an operator policy. So for every queue that stays (declared
// the same on both sides; a new or re-declared queue holds nothing to lose
// here), the settings in effect are worked out on each side as RabbitMQ does,
// compared, and each risk is charged to the changed policy entries that were
// or become in effect for that queue.
//
// What counts, in the settings in effect (RabbitMQ applies the lower of the
// policy's, the operator policy's and the queue argument's value):
// - the limits of the queue-field table (format/queue-fields.ts: message-ttl,
//   expires, max-length, max-length-bytes, max-age) newly set or lowered.
//   A lower length limit counts whatever the overflow: with drop-head (the
//   default) the queue drops messages from its head; with reject-publish(-dlx)
//   it discards what is published beyond the limit (RabbitMQ's words) — the
//   contract lists every shorter length limit, and the reason says which it is;
// - overflow going from reject-publish(-dlx) to drop-head, set or by being
//   unset (drop-head is the default, so unset → drop-head changes nothing). It
//   counts even when the topology sets no length limit: an operator policy
//   made outside the topology may set one.
// Not counted: delivery-limit and dead-letter changes (messages go only when
// consumers reject them again, or expire under a TTL counted above).
//
// Which policy applies is model/applying-policy.ts's answer. Where warren
// cannot know whether a policy applies to a queue (a pattern it does not
// evaluate, a key whose effect depends on the broker's version), every
// combination of those unknowns is weighed, the same on both sides (a pattern
// that matches a name before matches it after): a risk in any of them counts,
// and its reason says on what it depends. The change is then data-losing,
// never safe: warren cannot rule the loss out.
import {
  applyingPolicy,
  type Assumptions,
  policyApplies,
  unknownFacts,
  type PolicyObject,
} from '../model/applying-policy.js';
import type { PolicyTarget } from '../format/policy-targets.js';
import { CHANGEABLE_FIELDS, type ChangeableEntry, type Limit } from '../format/queue-fields.js';
import { maxAgeSeconds } from '../format/read-max-age.js';
import type { JsonValue, Plan, PlanEntry, PolicyEntry, QueueEntry } from '../plan/plan-types.js';
import { fingerprintRefusal } from '../plan/queue-migrations.js';

/** The stack allows the queue's change of declaration as a migration, and it can be one: its messages stay. */
function isMigration(old: QueueEntry, next: QueueEntry): boolean {
  return next.migrate === true && !fingerprintRefusal(old.fingerprint, next.fingerprint);
}

export interface SettingsRisk {
  /** Queues of the entry's vhost whose messages the change can drop or expire. */
  readonly queues: string[];
  /** What happens, e.g. "a shorter message TTL can expire messages the queue already holds". */
  readonly text: string;
}

type LimitField = ChangeableEntry & { readonly limit: Limit };
const LIMITS = CHANGEABLE_FIELDS.filter((f): f is LimitField => f.limit !== undefined);
const OVERFLOW = CHANGEABLE_FIELDS.find((f) => f.field === 'overflow')!;

interface Settings {
  /** The lowest value in effect, by policy key. */
  readonly limits: Partial<Record<string, number>>;
  overflow?: string;
}

interface InEffect {
  readonly settings: Settings;
  /** Ids of the policy and the operator policy in effect. */
  readonly from: (string | undefined)[];
}

/** How many queues a policy's reason names before "and N more". */
const NAMED = 3;

/** Unknown facts beyond this many for one queue are not enumerated (2^n cases): every policy they concern counts as a risk. */
const MAX_FACTS = 8;

/** Risks by plan entry id, for the policy entries that add, change or remove them. */
export function assessSettings(base: Plan, head: Plan): Map<string, SettingsRisk> {
  const before = new Map(base.entries.map((e) => [e.id, e]));
  const after = new Map(head.entries.map((e) => [e.id, e]));
  const [oldIndex, newIndex] = [indexPolicies(base), indexPolicies(head)];
  const found = new Map<string, { queue: string; texts: string[] }[]>();
  const charge = (id: string, queue: string, texts: string[]) => {
    const hits = found.get(id) ?? [];
    const hit = hits.find((h) => h.queue === queue);
    if (hit) for (const t of texts) if (!hit.texts.includes(t)) hit.texts.push(t);
    if (!hit) found.set(id, [...hits, { queue, texts }]);
  };
  for (const next of head.entries) {
    const old = before.get(next.id);
    if (next.kind !== 'queue' || old?.kind !== 'queue') continue;
    // A queue migrated to another declaration keeps its messages too (plan/queue-migrations.ts): what is in effect
    // on it after, for its new type, against what was before, for its old one; a risk is the migration's own.
    const migrated = old.fingerprint !== next.fingerprint && isMigration(old, next);
    if (old.fingerprint !== next.fingerprint && !migrated) continue;
    const o: PolicyObject = { name: next.name, target: next.queueType as PolicyTarget };
    const oOld: PolicyObject = { name: old.name, target: old.queueType as PolicyTarget };
    const sides = [oldIndex.get(old.vhost), newIndex.get(next.vhost)];
    const facts = new Set<string>();
    for (const [i, v] of sides.entries())
      for (const f of unknownFacts([...(v?.user ?? []), ...(v?.operator ?? [])], i === 0 ? oOld : o)) facts.add(f);
    if (facts.size > MAX_FACTS) {
      // Too many unknowns to weigh: each changed policy that may apply to the queue counts.
      for (const v of sides)
        for (const e of [...(v?.user ?? []), ...(v?.operator ?? [])]) {
          const verdict = policyApplies(e, o);
          if (verdict.applies === 'unknown' && changedKeys(before.get(e.id), after.get(e.id)).size > 0)
            charge(e.id, next.name, [`it may apply to the queue and change what is in effect there (${verdict.why})`]);
        }
      continue;
    }
    const list = [...facts];
    // Risk texts by entry id, with how many of the 2^n cases have them.
    const seen = new Map<string, Map<string, number>>();
    for (let bits = 0; bits < 2 ** list.length; bits++) {
      const assume: Assumptions = new Map(list.map((f, i) => [f, (bits & (1 << i)) !== 0]));
      const here = new Map<string, Set<string>>();
      for (const a of inEffect(oldIndex, old, oOld, assume))
        for (const b of inEffect(newIndex, next, o, assume)) {
          const risks = compareSettings(a.settings, b.settings, next.queueType);
          if (migrated && risks.length > 0)
            here.set(next.id, new Set([...(here.get(next.id) ?? []), ...risks.map((r) => r.text)]));
          for (const id of new Set([...a.from, ...b.from])) {
            if (id === undefined || risks.length === 0) continue;
            const keys = changedKeys(before.get(id), after.get(id));
            for (const r of risks) if (keys.has(r.key)) here.set(id, (here.get(id) ?? new Set()).add(r.text));
          }
        }
      for (const [id, texts] of here) {
        const counts = seen.get(id) ?? seen.set(id, new Map()).get(id)!;
        for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
      }
    }
    const why = list.length > 0 ? unknownWhys(list, sides, o) : '';
    for (const [id, counts] of seen)
      charge(
        id,
        next.name,
        [...counts].map(([text, n]) => (n === 2 ** list.length ? text : `${text} (possibly: ${why})`)),
      );
  }
  const out = new Map<string, SettingsRisk>();
  for (const [id, hits] of found) {
    const entry = (after.get(id) ?? before.get(id)) as PolicyEntry | QueueEntry;
    const text =
      entry.kind === 'queue' || entry.settingsOf !== undefined
        ? hits.flatMap((h) => h.texts).join('; ')
        : hits
            .slice(0, NAMED)
            .map((h) => `queue ${h.queue}: ${h.texts.join('; ')}`)
            .join('; ') + (hits.length > NAMED ? `; and ${hits.length - NAMED} more queues` : '');
    out.set(id, { queues: hits.map((h) => h.queue), text });
  }
  return out;
}

interface VhostPolicies {
  readonly own: Map<string, PolicyEntry>;
  readonly user: PolicyEntry[];
  readonly operator: PolicyEntry[];
}

/** Per vhost: warren's settings policies by queue, the user and the operator policies. */
function indexPolicies(plan: Plan): Map<string, VhostPolicies> {
  const out = new Map<string, VhostPolicies>();
  for (const e of plan.entries) {
    if (e.kind !== 'policy' && e.kind !== 'operator-policy') continue;
    const v = out.get(e.vhost) ?? out.set(e.vhost, { own: new Map(), user: [], operator: [] }).get(e.vhost)!;
    if (e.settingsOf !== undefined) v.own.set(e.settingsOf, e);
    else (e.kind === 'policy' ? v.user : v.operator).push(e);
  }
  return out;
}

/** Why the facts are unknown, in words (from the policies they concern). */
function unknownWhys(facts: string[], sides: (VhostPolicies | undefined)[], o: PolicyObject): string {
  const whys = new Set<string>();
  for (const v of sides)
    for (const e of [...(v?.user ?? []), ...(v?.operator ?? [])]) {
      const verdict = policyApplies(e, o);
      if (verdict.why && verdict.facts.some((f) => facts.includes(f))) whys.add(verdict.why);
    }
  return [...whys].join('; ');
}

/**
 * The settings in effect on the queue under the assumptions: one, unless
 * which policy applies is still unknown (equal priorities, which validation
 * refuses), then one per candidate.
 */
function inEffect(index: Map<string, VhostPolicies>, q: QueueEntry, o: PolicyObject, assume: Assumptions): InEffect[] {
  const v = index.get(q.vhost);
  const own = v?.own.get(q.name);
  const policies = own ? [own] : candidates(applyingPolicy(v?.user ?? [], o, assume));
  const operators = candidates(applyingPolicy(v?.operator ?? [], o, assume));
  const out: InEffect[] = [];
  for (const policy of policies) for (const operator of operators) out.push(settingsOf(q, policy, operator));
  return out;
}

function candidates<P>(
  applying: { known: true; policy: P | undefined } | { known: false; candidates: readonly (P | undefined)[] },
) {
  return applying.known ? [applying.policy] : applying.candidates;
}

function settingsOf(q: QueueEntry, policy: PolicyEntry | undefined, operator: PolicyEntry | undefined): InEffect {
  const applies = (field: ChangeableEntry) => field.types.includes(q.queueType as never);
  const settings: Settings = { limits: {} };
  for (const field of LIMITS) {
    if (!applies(field)) continue;
    const key = field.policyKey;
    const values = [policy?.definition[key], operator?.definition[key], q.arguments[field.argument]]
      .map((x) => amount(field, x))
      .filter((n) => n !== undefined);
    if (values.length > 0) settings.limits[key] = Math.min(...values);
  }
  // A queue argument wins over a policy for overflow; operator policies cannot set it.
  const overflow = q.arguments[OVERFLOW.argument] ?? policy?.definition[OVERFLOW.policyKey];
  if (applies(OVERFLOW) && typeof overflow === 'string') settings.overflow = overflow;
  return { settings, from: [policy?.id, operator?.id] };
}

/** A limit as a number: a max age ("7D") in seconds, the others as given. */
function amount(field: LimitField, value: JsonValue | undefined): number | undefined {
  if (field.limit === 'age' && typeof value === 'string') return maxAgeSeconds(value);
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

interface Risk {
  readonly key: string;
  readonly text: string;
}

function compareSettings(a: Settings, b: Settings, queueType: string): Risk[] {
  const out: Risk[] = [];
  for (const field of LIMITS) {
    const was = a.limits[field.policyKey];
    const now = b.limits[field.policyKey];
    if (now === undefined || (was !== undefined && now >= was)) continue;
    out.push({
      key: field.policyKey,
      text: consequence(
        field,
        was === undefined ? 'a new' : field.limit === 'length' ? 'a lower' : 'a shorter',
        b.overflow,
        queueType,
      ),
    });
  }
  const wasOverflow = a.overflow ?? 'drop-head';
  if (wasOverflow !== 'drop-head' && (b.overflow ?? 'drop-head') === 'drop-head') {
    out.push({
      key: OVERFLOW.policyKey,
      text: `overflow ${wasOverflow} → drop-head${b.overflow ? '' : ' (the default)'}: over a length limit the queue drops messages from its head`,
    });
  }
  return out;
}

function consequence(field: LimitField, which: string, overflow: string | undefined, queueType: string): string {
  const key = field.policyKey;
  switch (field.limit) {
    case 'ttl':
      return `${which} message TTL can expire messages the queue already holds`;
    case 'expiry':
      return `${which} queue expiry deletes the queue, with its messages, once it is unused that long`;
    case 'age':
      return `${which} ${key} discards the stream's older messages`;
    case 'length':
      if (queueType === 'stream') return `${which} ${key} discards the stream's oldest messages beyond it`;
      if (overflow === 'reject-publish' || overflow === 'reject-publish-dlx')
        return `${which} ${key} discards messages published beyond it (overflow ${overflow})`;
      return `${which} ${key} drops messages beyond it from the queue's head`;
  }
}

/**
 * The definition keys an entry's change touches: all of them when it is
 * added, removed or re-targeted. A key added or removed re-targets it too: a
 * queue type refuses a policy with one key it does not take.
 */
function changedKeys(old: PlanEntry | undefined, next: PlanEntry | undefined): Set<string> {
  const o = old as PolicyEntry | undefined;
  const n = next as PolicyEntry | undefined;
  const keys = new Set([...Object.keys(o?.definition ?? {}), ...Object.keys(n?.definition ?? {})]);
  const sameKeys = o && n && [...keys].every((k) => Object.hasOwn(o.definition, k) && Object.hasOwn(n.definition, k));
  if (!o || !n || !sameKeys || o.pattern !== n.pattern || o.applyTo !== n.applyTo || o.priority !== n.priority)
    return keys;
  return new Set([...keys].filter((k) => JSON.stringify(o.definition[k]) !== JSON.stringify(n.definition[k])));
}
