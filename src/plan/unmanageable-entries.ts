// The plan form of the Topology component registers a plan compiled
// elsewhere, without validating it. What validation refuses because nothing
// could apply it (check-reserved-names.ts: `.` and `..`, which no management
// API path can name; check-provider-ids.ts: names @pulumi/rabbitmq cannot
// keep in its ids) is refused here too, from the same rules, before anything
// is registered: such an entry would be created and then never read back or
// deleted, or a request would name another object.
import {
  type Granularity,
  PROVIDER_ID_KINDS,
  providerIdConflicts,
  type ProviderIdKind,
  providerIdWhy,
} from '../model/provider-ids.js';
import { isUnaddressable, UNADDRESSABLE_WHY } from '../model/reserved-names.js';
import type { Plan, PlanEntry } from './plan-types.js';

/** One line per entry that cannot be applied, naming its id and why. */
export function unmanageableEntries(plan: Plan, granularity: Granularity): string[] {
  const out: string[] = [];
  for (const e of plan.entries) {
    const dotted = pathNames(e).find(isUnaddressable);
    if (dotted !== undefined) out.push(`${e.id}: \`${dotted}\`: ${UNADDRESSABLE_WHY}`);
    // Internal exchanges are warren's own resources (InternalExchange), not the provider's.
    if (!(e.kind in PROVIDER_ID_KINDS) || (e.kind === 'exchange' && e.internal)) continue;
    const kind = e.kind as ProviderIdKind;
    const conflicts = providerIdConflicts(kind, granularity, names(e));
    if (conflicts.length > 0) out.push(`${e.id}: \`${conflicts[0]}\`: ${providerIdWhy(kind)}`);
  }
  return out;
}

/** The names of an entry that go into management API paths (a binding's key when it is its properties key). */
function pathNames(e: PlanEntry): string[] {
  switch (e.kind) {
    case 'vhost':
    case 'user':
      return [e.name];
    case 'permissions':
    case 'topic-permissions':
      return [e.vhost, e.user];
    case 'binding':
      return [e.vhost, e.source, e.destination, ...(Object.keys(e.arguments).length === 0 ? [e.routingKey] : [])];
    default:
      return [e.vhost, e.name];
  }
}

/** The names the provider's id of the entry joins. */
function names(e: PlanEntry): Parameters<typeof providerIdConflicts>[2] {
  switch (e.kind) {
    case 'binding':
      return { vhost: e.vhost, source: e.source, destination: e.destination };
    case 'permissions':
    case 'topic-permissions':
      return { vhost: e.vhost, name: e.user };
    case 'vhost':
    case 'user':
      return { vhost: e.name };
    default:
      return { vhost: e.vhost, name: e.name };
  }
}
