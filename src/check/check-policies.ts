// Policy rules: patterns compile, definition keys exist and fit what the policy
// applies to, values have the right type, keys removed in RabbitMQ 4 are
// flagged, and no two policies of equal priority both match a declared object
// (RabbitMQ applies exactly one policy to an object, so one would be ignored).
import { at, finding, type Finding } from '../diagnostics/diagnostic.js';
import { queueType, type Declared, type TopologyModel, type VHostModel } from '../model/topology-model.js';
import type { PolicySpec } from '../schema/topology-schema.js';
import { compileForMatching } from '../model/match-names.js';
import { targetsOf, type PolicyTarget } from '../model/policy-targets.js';
import { own } from '../model/own-keys.js';
import { checkRegex } from './check-regex.js';
import { OPERATOR_KEYS, POLICY_KEYS, REMOVED_KEYS } from './policy-keys.js';

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
  const targets = targetsOf(spec.applyTo ?? 'all');
  for (const [key, value] of Object.entries(spec.definition)) {
    const here = at(src, 'definition', key);
    const known = own(POLICY_KEYS, key);
    if (operator && !OPERATOR_KEYS.has(key)) {
      out.push(
        finding(
          'operator-policy-key',
          here,
          `operator policies do not accept \`${key}\` (they take ${[...OPERATOR_KEYS].join(', ')})`,
          { target: 'key' },
        ),
      );
      continue;
    }
    if (REMOVED_KEYS.has(key))
      out.push(finding('policy-removed-key', here, `\`${key}\` was removed in RabbitMQ 4`, { target: 'key' }));
    if (!known) {
      if (!REMOVED_KEYS.has(key))
        out.push(
          finding('policy-unknown-key', here, `\`${key}\` is not a policy key RabbitMQ knows`, { target: 'key' }),
        );
      continue;
    }
    if (!known.targets.some((t) => targets.includes(t))) {
      out.push(
        finding(
          'policy-key-mismatch',
          here,
          `\`${key}\` applies to ${known.targets.join(', ')}, but this policy applies to ${spec.applyTo ?? 'all'}`,
          { target: 'key' },
        ),
      );
    }
    const problem = known.check(value);
    if (problem) out.push(finding('policy-value', here, `\`${key}\` ${problem}`));
  }
}

function checkAmbiguity(out: Finding[], vhost: VHostModel, policies: Declared<PolicySpec>[]): void {
  const compiled = policies.map((p) => ({
    p,
    re: compileForMatching(p.spec.pattern),
    targets: targetsOf(p.spec.applyTo ?? 'all'),
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
