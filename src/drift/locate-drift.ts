// Where in the YAML each drifted object is declared: the node the plan's
// object came from (a queue's settings policy: its queue; a super stream's
// exchange and partitions: the super stream; a vhost's limits: where they
// were set). An unmanaged object points at its vhost's declaration; what
// has no place in the topology (an undeclared vhost or user) has none.
import { child, type Source } from '../diagnostics/diagnostic.js';
import { brokerBindingOf } from '../model/binding-identity.js';
import { SETTINGS_POLICY_PREFIX } from '../model/reserved-names.js';
import { partitionOwner } from '../model/super-stream-partitions.js';
import type { TopologyModel, VHostModel } from '../model/topology-model.js';
import { ids } from '../plan/plan-ids.js';
import type { Drift } from './compare-broker.js';

export function driftSource(model: TopologyModel, d: Drift): Source | undefined {
  if (d.type === 'user') return model.users.get(d.name)?.src;
  if (d.type === 'vhost') {
    const v = model.vhosts.get(d.name);
    if (!v) return undefined;
    const limits = d.fields?.some((f) => f.startsWith('limits.')) ? v.settingSources.get('limits') : undefined;
    return limits ?? v.sources[0];
  }
  if (d.type === 'permissions' || d.type === 'topic-permissions') {
    const user = model.users.get(d.name);
    const key = d.type === 'permissions' ? 'permissions' : 'topicPermissions';
    const declared = user?.spec[key] as Record<string, unknown> | undefined;
    if (user && d.vhost !== null && declared && Object.hasOwn(declared, d.vhost))
      return { file: user.src.file, pointer: child(child(user.src.pointer, key), d.vhost) };
    return vhostSource(model, d.vhost) ?? user?.src;
  }
  const v = d.vhost === null ? undefined : model.vhosts.get(d.vhost);
  if (!v) return undefined;
  if (d.kind === 'unmanaged') return v.sources[0];
  return objectSource(v, d) ?? v.sources[0];
}

function vhostSource(model: TopologyModel, vhost: string | null): Source | undefined {
  return vhost === null ? undefined : model.vhosts.get(vhost)?.sources[0];
}

function objectSource(v: VHostModel, d: Drift): Source | undefined {
  switch (d.type) {
    case 'exchange':
      return v.exchanges.get(d.name)?.src ?? v.superStreams.get(d.name)?.src;
    case 'queue': {
      const owner = partitionOwner(v.superStreams, d.name);
      return v.queues.get(d.name)?.src ?? (owner ? v.superStreams.get(owner.superStream)?.src : undefined);
    }
    case 'policy':
      return d.name.startsWith(SETTINGS_POLICY_PREFIX) && !v.policies.has(d.name)
        ? v.queues.get(d.name.slice(SETTINGS_POLICY_PREFIX.length))?.src
        : v.policies.get(d.name)?.src;
    case 'operator-policy':
      return v.operatorPolicies.get(d.name)?.src;
    case 'federation-upstream':
      return v.federationUpstreams.get(d.name)?.src;
    case 'federation-upstream-set':
      return v.federationUpstreamSets.get(d.name)?.src;
    case 'shovel':
      return v.shovels.get(d.name)?.src;
    case 'binding':
      return bindingSource(v, d.id);
  }
  return undefined;
}

/** The declared binding whose plan id is `id` (a super stream's bindings: the super stream). */
function bindingSource(v: VHostModel, id: string): Source | undefined {
  for (const b of v.bindings.values()) {
    if (ids.binding(v.name, brokerBindingOf(b.spec)) === id) return b.src;
  }
  return undefined;
}
