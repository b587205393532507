// Users, their permissions and topic permissions. Passwords stay references:
// a secret's config key or a hash; the clear text only ever exists inside the
// Pulumi layer, as a secret.
import { BUILTIN_EXCHANGES, type TopologyModel } from '../model/topology-model.js';
import type { PasswordSpec } from '../format/topology-schema.js';
import { ids } from './plan-ids.js';
import type { PasswordPlan, PlanEntry } from './plan-types.js';

export function compileUsers(model: TopologyModel): PlanEntry[] {
  const out: PlanEntry[] = [];
  for (const { name, spec } of model.users.values()) {
    const userId = ids.user(name);
    out.push({
      kind: 'user',
      id: userId,
      dependsOn: [],
      name,
      tags: spec.tags ?? [],
      password: password(spec.password),
      limits: { ...spec.limits },
    });
    const vhostDeps = (vhost: string) => (model.vhosts.has(vhost) ? [ids.vhost(vhost)] : []);
    for (const [vhost, p] of Object.entries(spec.permissions ?? {})) {
      out.push({
        kind: 'permissions',
        id: ids.object(vhost, 'permissions', name),
        dependsOn: [userId, ...vhostDeps(vhost)],
        user: name,
        userId,
        vhost,
        configure: p.configure,
        write: p.write,
        read: p.read,
      });
    }
    for (const [vhost, byExchange] of Object.entries(spec.topicPermissions ?? {})) {
      const exchanges = Object.keys(byExchange).sort();
      const declared = exchanges.filter((x) => model.vhosts.get(vhost)?.exchanges.has(x) || !BUILTIN_EXCHANGES.has(x));
      out.push({
        kind: 'topic-permissions',
        id: ids.object(vhost, 'topic-permissions', name),
        dependsOn: [userId, ...vhostDeps(vhost), ...declared.map((x) => ids.object(vhost, 'exchange', x))],
        user: name,
        userId,
        vhost,
        permissions: exchanges.map((exchange) => ({
          exchange,
          write: byExchange[exchange]!.write,
          read: byExchange[exchange]!.read,
        })),
      });
    }
  }
  return out;
}

function password(spec: PasswordSpec | undefined): PasswordPlan {
  if (spec?.secret !== undefined) return { kind: 'secret', key: spec.secret };
  if (spec?.hash !== undefined) return { kind: 'hash', hash: spec.hash, algorithm: spec.algorithm ?? 'sha256' };
  return { kind: 'none' };
}
