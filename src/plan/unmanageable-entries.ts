// The plan form of the Topology component registers a plan compiled
// elsewhere, without validating it. What validation refuses because nothing
// could apply it (check-reserved-names.ts: `.` and `..`, which no management
// API path can name) is refused here too, from the same rule, before anything
// is registered: a request would name another object.
import { isUnaddressable, UNADDRESSABLE_WHY } from '../model/reserved-names.js';
import type { Plan, PlanEntry } from './plan-types.js';

/** One line per entry that cannot be applied, naming its id and why. */
export function unmanageableEntries(plan: Plan): string[] {
  const out: string[] = [];
  for (const e of plan.entries) {
    const dotted = pathNames(e).find(isUnaddressable);
    if (dotted !== undefined) out.push(`${e.id}: \`${dotted}\`: ${UNADDRESSABLE_WHY}`);
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
