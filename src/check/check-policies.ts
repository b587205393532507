// Policy rules, as RabbitMQ checks a policy when it is set
// (rabbit_policy:validation/3 and each key's validator, check/policy-keys.ts):
// patterns compile, the definition holds at least one key, every key is one
// RabbitMQ knows with a value it takes, keys that exclude or need each other
// come right, and operator policies hold only keys they take. Beyond the
// broker: keys that have no effect on what the policy applies to, keys
// that only some RabbitMQ versions take or that RabbitMQ 4 removed, and no two
// policies of equal priority both applying to a declared object (RabbitMQ
// applies exactly one policy to an object, so one would be ignored).
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { queueType, type Declared, type TopologyModel, type VHostModel } from '../model/topology-model.js';
import type { PolicySpec } from '../schema/topology-schema.js';
import { compileForMatching } from '../model/match-names.js';
import { refusingKey, targetsOf, type PolicyTarget } from '../model/policy-targets.js';
import { own } from '../model/own-keys.js';
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
      for (const policy of ok) checkPolicy(out, policy, operator);
      checkAmbiguity(out, vhost, ok);
    }
  }
  return out;
}

function checkPolicy(out: Finding[], { spec, src }: Declared<PolicySpec>, operator: boolean): void {
  out.push(...checkRegex(spec.pattern, at(src, 'pattern'), 'policy pattern', true));
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
    return;
  }
  const targets = targetsOf(spec.applyTo ?? 'all');
  for (const [key, value] of Object.entries(definition))
    checkKey(out, at(src, 'definition', key), key, value, operator, spec.applyTo ?? 'all', targets);
  for (const { key, problem } of definitionConflicts(definition))
    out.push(finding('policy-key-conflict', at(src, 'definition', key), problem, { target: 'key' }));
  checkReach(out, spec, src, targets);
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
      finding('policy-removed-key', here, `\`${key}\`: RabbitMQ 4 removed classic queue mirroring and refuses it`, {
        target: 'key',
      }),
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

/**
 * A policy whose keys together keep it off every queue type it names (each
 * refuses one of them, see model/policy-targets.ts) applies to nothing.
 * Reported once per policy, when each key on its own applies somewhere.
 */
function checkReach(out: Finding[], spec: PolicySpec, src: Source, named: readonly PolicyTarget[]): void {
  if (targetsOf(spec.applyTo ?? 'all', spec.definition).length > 0) return;
  const keys = Object.keys(spec.definition);
  const eachApplies = keys.every((k) => own(POLICY_KEYS, k)?.targets.some((t) => named.includes(t)) !== false);
  if (!eachApplies) return;
  const why = named.map(
    (t) => `${t === 'stream' ? 'streams' : `${t} queues`} refuse \`${refusingKey(spec.definition, t)}\``,
  );
  out.push(
    finding(
      'policy-key-mismatch',
      at(src, 'definition'),
      `RabbitMQ applies this policy to nothing: ${why.join(', ')}, and a policy holding a key a queue type refuses does not apply to those queues at all`,
    ),
  );
}

function checkAmbiguity(out: Finding[], vhost: VHostModel, policies: Declared<PolicySpec>[]): void {
  const compiled = policies.map((p) => ({
    p,
    re: compileForMatching(p.spec.pattern),
    targets: targetsOf(p.spec.applyTo ?? 'all', p.spec.definition),
  }));
  const objects: { kind: string; name: string; target: PolicyTarget }[] = [
    ...[...vhost.queues.values()].map((q) => ({
      kind: 'queue',
      name: q.name,
      target: queueType(vhost, q.spec) as PolicyTarget,
    })),
    ...[...vhost.exchanges.values()].map((x) => ({
      kind: 'exchange',
      name: x.name,
      target: 'exchange' as PolicyTarget,
    })),
  ];
  for (let i = 0; i < compiled.length; i++) {
    for (let j = i + 1; j < compiled.length; j++) {
      const a = compiled[i]!;
      const b = compiled[j]!;
      if ((a.p.spec.priority ?? 0) !== (b.p.spec.priority ?? 0) || !a.re || !b.re) continue;
      const both = objects.find(
        (o) => a.targets.includes(o.target) && b.targets.includes(o.target) && a.re!.test(o.name) && b.re!.test(o.name),
      );
      if (!both) continue;
      const [first, second] = a.p.name < b.p.name ? [a.p, b.p] : [b.p, a.p];
      out.push(
        finding(
          'policy-ambiguous',
          at(second.src, 'priority' in second.spec ? 'priority' : 'pattern'),
          `policies \`${first.name}\` and \`${second.name}\` have priority ${a.p.spec.priority ?? 0} and both match ${both.kind} \`${both.name}\`; only one applies: give them different priorities`,
          { related: { ...at(first.src, 'pattern'), target: 'value' } },
        ),
      );
    }
  }
}
