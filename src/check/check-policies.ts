// Policy rules, as RabbitMQ checks a policy when it is set
// (rabbit_policy:validation/3 and each key's validator, check/policy-keys.ts):
// patterns compile, the definition holds at least one key, every key is one
// RabbitMQ knows with a value it takes, keys that exclude or need each other
// come right, and operator policies hold only keys they take. Beyond the
// broker: keys that have no effect on what the policy applies to, keys
// that only some RabbitMQ versions take or that RabbitMQ 4 removed, and no two
// policies of equal priority both applying to a declared object (RabbitMQ
// applies exactly one policy to an object, so one would be ignored).
// Which policy applies is model/applying-policy.ts's answer.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { applyingPolicy, policyApplies, type PolicyObject, type PolicyView } from '../model/applying-policy.js';
import { own } from '../base/own-keys.js';
import { applicability } from '../model/policy-applicability.js';
import { targetsOf, type PolicyTarget } from '../format/policy-targets.js';
import { CHANGEABLE_FIELDS, pointerOf, valueIn } from '../format/queue-fields.js';
import { queueType, type Declared, type TopologyModel, type VHostModel } from '../model/topology-model.js';
import type { PolicySpec, QueueSpec, QueueType } from '../format/topology-schema.js';
import { checkRegex } from './check-regex.js';
import { definitionConflicts, OPERATOR_KEYS, POLICY_KEYS, REMOVED_KEYS } from './policy-keys.js';

// `applyTo` values RabbitMQ 3.10 and 3.11 refuse (rabbit_policy:apply_to_validation/2 takes queues, exchanges, all).
const APPLY_TO_SINCE: Readonly<Record<string, string>> = {
  classic_queues: '3.12',
  quorum_queues: '3.12',
  streams: '3.12',
};

export function checkPolicies(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const vhost of model.vhosts.values()) {
    for (const [map, operator] of [
      [vhost.policies, false],
      [vhost.operatorPolicies, true],
    ] as const) {
      const ok = [...map.values()].filter((p) => p.ok);
      const valid: Declared<PolicySpec>[] = [];
      for (const policy of ok) if (checkPolicy(out, policy, operator)) valid.push(policy);
      // A policy the broker refuses (its pattern does not compile) applies to nothing.
      checkAmbiguity(out, vhost, valid);
    }
    checkSettingsPolicies(out, vhost);
  }
  return out;
}

/** Checks one policy; false when its pattern is refused. */
function checkPolicy(out: Finding[], { spec, src }: Declared<PolicySpec>, operator: boolean): boolean {
  const regex = checkRegex(spec.pattern, at(src, 'pattern'), 'policy pattern', true);
  out.push(...regex);
  const patternOk = !regex.some((f) => f.code === 'invalid-regex');
  const since = spec.applyTo === undefined ? undefined : own(APPLY_TO_SINCE, spec.applyTo);
  if (since)
    out.push(
      finding(
        'needs-newer-rabbitmq',
        at(src, 'applyTo'),
        `\`applyTo: ${spec.applyTo}\` needs RabbitMQ ${since} or later: earlier versions refuse the policy (they take queues, exchanges or all)`,
      ),
    );
  const definition = spec.definition;
  if (Object.keys(definition).length === 0) {
    out.push(finding('policy-value', at(src, 'definition'), 'a policy definition needs at least one key'));
    return patternOk;
  }
  const targets = targetsOf(spec.applyTo ?? 'all');
  // Each queue type refuses a policy holding one key it does not take: this one may reach none of its targets.
  // RabbitMQ accepts such a policy; it only never applies it.
  const refusals = targets.map((t) => ({ t, fit: applicability(Object.keys(definition), t) }));
  if (refusals.every((r) => r.fit.applies === false)) {
    out.push(
      finding(
        'policy-inapplicable',
        at(src, 'definition'),
        `RabbitMQ applies this policy to nothing: ${refusals.map((r) => `${r.t === 'stream' ? 'streams' : `${r.t} queues`} refuse \`${(r.fit as { key: string }).key}\``).join(', ')}, and a queue type takes no policy holding a key it refuses`,
        { target: 'key' },
      ),
    );
  }
  for (const [key, value] of Object.entries(definition))
    checkKey(out, at(src, 'definition', key), key, value, operator, spec.applyTo ?? 'all', targets);
  for (const { key, problem } of definitionConflicts(definition))
    out.push(finding('policy-key-conflict', at(src, 'definition', key), problem, { target: 'key' }));
  return patternOk;
}

function checkKey(
  out: Finding[],
  here: Source,
  key: string,
  value: unknown,
  operator: boolean,
  applyTo: string,
  targets: readonly PolicyTarget[],
): void {
  const known = own(POLICY_KEYS, key);
  if (!known) {
    out.push(
      finding(
        operator ? 'operator-policy-key' : 'policy-unknown-key',
        here,
        `\`${key}\` is not a policy key RabbitMQ or its plugins know: RabbitMQ refuses the policy`,
        { target: 'key' },
      ),
    );
    return;
  }
  if (operator && !OPERATOR_KEYS.has(key)) {
    const later = known.operatorSince;
    out.push(
      later
        ? finding(
            'needs-newer-rabbitmq',
            here,
            `operator policies take \`${key}\` from RabbitMQ ${later}${known.operatorUntil ? ` until ${known.operatorUntil}` : ''}: other versions refuse the policy`,
            { target: 'key' },
          )
        : finding(
            'operator-policy-key',
            here,
            `operator policies do not accept \`${key}\` (they take ${[...OPERATOR_KEYS].join(', ')})`,
            { target: 'key' },
          ),
    );
    if (!later) return;
  }
  if (REMOVED_KEYS.has(key))
    out.push(
      finding(
        'policy-removed-key',
        here,
        `\`${key}\`: RabbitMQ 4 removed classic queue mirroring and refuses it; move the queues it mirrors to quorum queues with a migration (warren:allow.migrate, docs/pulumi.md, "Migrating queues")`,
        {
          target: 'key',
        },
      ),
    );
  if (known.since)
    out.push(
      finding(
        'needs-newer-rabbitmq',
        here,
        `\`${key}\` needs RabbitMQ ${known.since} or later: earlier versions refuse the policy`,
        { target: 'key' },
      ),
    );
  if (!known.targets.some((t) => targets.includes(t))) {
    out.push(
      finding(
        'policy-key-mismatch',
        here,
        `\`${key}\` applies to ${known.targets.join(', ')}, but this policy applies to ${applyTo}`,
        { target: 'key' },
      ),
    );
  }
  const problem = known.check(value);
  if (problem) out.push(finding('policy-value', here, `\`${key}\` ${problem}`));
  else if (key === 'federation-upstream-pattern')
    out.push(...checkRegex(value as string, here, '`federation-upstream-pattern`'));
}

/** The declared objects of a vhost a policy can apply to, with what each is to `applyTo`. */
function policyObjects(vhost: VHostModel): (PolicyObject & { kind: 'queue' | 'exchange'; spec?: QueueSpec })[] {
  return [
    ...[...vhost.queues.values()]
      .filter((q) => q.ok)
      .map((q) => ({
        kind: 'queue' as const,
        name: q.name,
        target: queueType(vhost, q.spec) as PolicyTarget,
        spec: q.spec,
      })),
    ...[...vhost.exchanges.values()].map((x) => ({
      kind: 'exchange' as const,
      name: x.name,
      target: 'exchange' as PolicyTarget,
    })),
  ];
}

/**
 * Two policies of equal priority that both may apply to a declared object,
 * with none of higher priority surely applying: the broker applies one of
 * them, and which is not knowable. A policy whose match warren cannot
 * evaluate counts as possibly applying.
 */
function checkAmbiguity(out: Finding[], vhost: VHostModel, policies: Declared<PolicySpec>[]): void {
  // Only policies of equal priority can be ambiguous: without two of them, nothing to match.
  const priorities = policies.map((p) => p.spec.priority ?? 0);
  if (new Set(priorities).size === priorities.length) return;
  const views = policies.map((p) => ({ declared: p, view: viewOf(p) }));
  const reported = new Map<string, { name: string; kind: string; maybe: boolean }>();
  for (const o of policyObjects(vhost)) {
    const byPriority = new Map<number, { i: number; sure: boolean }[]>();
    views.forEach(({ view }, i) => {
      const { applies } = policyApplies(view, o);
      if (applies === false) return;
      const priority = view.priority ?? 0;
      byPriority.set(priority, [...(byPriority.get(priority) ?? []), { i, sure: applies === true }]);
    });
    for (const priority of [...byPriority.keys()].sort((a, b) => b - a)) {
      const group = byPriority.get(priority)!;
      for (let a = 0; a < group.length; a++)
        for (let b = a + 1; b < group.length; b++) {
          const key = `${group[a]!.i} ${group[b]!.i}`;
          const maybe = !group[a]!.sure || !group[b]!.sure;
          const seen = reported.get(key);
          if (!seen || (seen.maybe && !maybe)) reported.set(key, { name: o.name, kind: o.kind, maybe });
        }
      if (group.some((g) => g.sure)) break;
    }
  }
  for (const [key, both] of reported) {
    const [a, b] = key.split(' ').map((i) => views[Number(i)]!.declared);
    const [first, second] = a!.name < b!.name ? [a!, b!] : [b!, a!];
    const priority = first.spec.priority ?? 0;
    out.push(
      finding(
        'policy-ambiguous',
        at(second.src, 'priority' in second.spec ? 'priority' : 'pattern'),
        both.maybe
          ? `policies \`${first.name}\` and \`${second.name}\` have priority ${priority} and may both match ${both.kind} \`${both.name}\` (warren cannot evaluate one of them there); if both do, only one applies: give them different priorities`
          : `policies \`${first.name}\` and \`${second.name}\` have priority ${priority} and both match ${both.kind} \`${both.name}\`; only one applies: give them different priorities`,
        { related: { ...at(first.src, 'pattern'), target: 'value' } },
      ),
    );
  }
}

/**
 * warren writes a settings policy for each queue with changeable settings,
 * above every user policy, carrying the user policy that would otherwise
 * apply (plan/queue-settings.ts). That needs to know which user policy that
 * is, and that the settings policy itself applies to the queue.
 */
function checkSettingsPolicies(out: Finding[], vhost: VHostModel): void {
  const user = [...vhost.policies.values()].filter((p) => p.ok).map(viewOf);
  for (const q of vhost.queues.values()) {
    if (!q.ok) continue;
    const settings = CHANGEABLE_FIELDS.filter((f) => valueIn(q.spec, f) !== undefined);
    if (settings.length === 0) continue;
    const o = { name: q.name, target: queueType(vhost, q.spec) as PolicyTarget };
    // A field the queue's type does not take is queue-type-unsupported already (check-queues.ts).
    for (const field of settings.filter((f) => f.types.includes(o.target as QueueType))) {
      const fit = applicability([field.policyKey], o.target);
      if (fit.applies === 'unknown')
        out.push(
          finding(
            'settings-policy-unknown',
            at(q.src, ...pointerOf(field).split('/')),
            `${fit.versions} apply no policy holding \`${fit.key}\` to ${o.target} queues, so the settings policy warren writes for this queue, and every setting in it, would not apply there`,
            { target: 'key' },
          ),
        );
    }
    const applying = applyingPolicy(user, o);
    if (!applying.known)
      out.push(
        finding(
          'settings-policy-unknown',
          at(q.src, ...pointerOf(settings[0]!).split('/')),
          `${applying.why}; the settings policy warren writes for this queue replaces that policy there and must carry its definition, so warren cannot write it (give the policies patterns warren evaluates, or distinct priorities)`,
          { target: 'key' },
        ),
      );
  }
}

function viewOf(p: Declared<PolicySpec>): PolicyView {
  return { name: p.name, ...p.spec };
}
