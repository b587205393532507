// Which policy RabbitMQ applies to a queue or an exchange, as
// rabbit_policy:match/2 decides it: of the vhost's policies whose `apply-to`
// reaches the object, whose definition the queue's type takes
// (model/policy-applicability.ts) and whose pattern matches the name
// (model/match-names.ts), the one of highest priority. Operator policies are
// chosen the same way, among themselves.
//
// Where warren cannot know, it says so instead of guessing:
// - a pattern it cannot evaluate, or a key whose effect depends on the
//   broker's version, leaves it unknown whether that policy applies;
// - among policies of equal priority that all apply, the broker's pick is
//   not knowable either: it sorts (stably) a list read from a Mnesia `set`
//   table, whose order is a hash order, not the names'. Validation refuses
//   that for declared objects (`policy-ambiguous`); every other answer is
//   `known: false`, never a tie broken by name.
//
// Each unknown is a fact about the object (`pattern …` or `key …`); callers
// that weigh every possibility (diff) pass assumptions for them.
import { applicability } from './policy-applicability.js';
import { targetsOf, type PolicyTarget } from '../format/policy-targets.js';
import { compileForMatching, unknownWhy } from './match-names.js';

export interface PolicyView {
  readonly name: string;
  readonly pattern: string;
  readonly applyTo?: string;
  readonly priority?: number;
  readonly definition: Readonly<Record<string, unknown>>;
}

/** A queue (by its type) or an exchange, by name. */
export interface PolicyObject {
  readonly name: string;
  readonly target: PolicyTarget;
}

/** Assumed answers to the facts warren cannot know (see policyApplies). */
export type Assumptions = ReadonlyMap<string, boolean>;

export interface Verdict {
  readonly applies: boolean | 'unknown';
  /** The facts left unknown (empty when `applies` is known). */
  readonly facts: readonly string[];
  /** Why it is unknown, in words. */
  readonly why?: string;
}

/** Whether one policy applies to the object, if that can be known. */
export function policyApplies(p: PolicyView, o: PolicyObject, assume?: Assumptions): Verdict {
  if (!targetsOf(p.applyTo ?? 'all').includes(o.target)) return { applies: false, facts: [] };
  const facts: string[] = [];
  const whys: string[] = [];
  const fit = applicability(Object.keys(p.definition), o.target);
  if (fit.applies === false) return { applies: false, facts: [] };
  if (fit.applies === 'unknown') {
    const fact = `key ${fit.key}`;
    const assumed = assume?.get(fact);
    if (assumed === false) return { applies: false, facts: [] };
    if (assumed === undefined) {
      facts.push(fact);
      whys.push(`${fit.versions} apply no policy holding \`${fit.key}\` to ${o.target} queues, later ones do`);
    }
  }
  const fact = `pattern ${p.pattern}`;
  const assumed = assume?.get(fact);
  if (assumed === false) return { applies: false, facts: [] };
  if (assumed === undefined) {
    const matcher = compileForMatching(p.pattern);
    const answer = matcher.match(o.name);
    if (answer === 'nomatch') return { applies: false, facts: [] };
    if (answer === 'unknown') {
      facts.push(fact);
      whys.push(unknownWhy(matcher));
    }
  }
  if (facts.length === 0) return { applies: true, facts };
  return {
    applies: 'unknown',
    facts,
    why: `warren cannot tell whether policy \`${p.name}\` applies to ${o.target === 'exchange' ? 'exchange' : 'queue'} \`${o.name}\`: ${whys.join('; ')}`,
  };
}

export type Applying<P> =
  | { readonly known: true; readonly policy: P | undefined }
  /** The policies that may be the one (undefined: possibly none), and why warren cannot tell. */
  | { readonly known: false; readonly candidates: readonly (P | undefined)[]; readonly why: string };

/** The policy that applies to the object: known, or the candidates. */
export function applyingPolicy<P extends PolicyView>(
  policies: Iterable<P>,
  o: PolicyObject,
  assume?: Assumptions,
): Applying<P> {
  const byPriority = new Map<number, { policy: P; verdict: Verdict }[]>();
  for (const policy of policies) {
    const verdict = policyApplies(policy, o, assume);
    if (verdict.applies === false) continue;
    const priority = policy.priority ?? 0;
    const group = byPriority.get(priority);
    if (group) group.push({ policy, verdict });
    else byPriority.set(priority, [{ policy, verdict }]);
  }
  const candidates: P[] = [];
  let why: string | undefined;
  for (const priority of [...byPriority.keys()].sort((a, b) => b - a)) {
    const group = byPriority.get(priority)!;
    const sure = group.filter((g) => g.verdict.applies === true);
    const unsure = group.filter((g) => g.verdict.applies === 'unknown');
    if (sure.length === 1 && unsure.length === 0 && candidates.length === 0)
      return { known: true, policy: sure[0]!.policy };
    why ??=
      sure.length >= 2
        ? `policies \`${sure[0]!.policy.name}\` and \`${sure[1]!.policy.name}\` both apply with priority ${priority}, and which one RabbitMQ picks is not knowable`
        : unsure[0]?.verdict.why;
    candidates.push(...sure.map((g) => g.policy), ...unsure.map((g) => g.policy));
    // A policy that surely applies outranks every lower one.
    if (sure.length > 0) return { known: false, candidates, why: why! };
  }
  if (candidates.length === 0) return { known: true, policy: undefined };
  return { known: false, candidates: [...candidates, undefined], why: why! };
}

/** The facts left unknown for the object among these policies (to weigh each possibility). */
export function unknownFacts(policies: Iterable<PolicyView>, o: PolicyObject): Set<string> {
  const out = new Set<string>();
  for (const p of policies) for (const f of policyApplies(p, o).facts) out.add(f);
  return out;
}
