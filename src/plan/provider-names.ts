// Which plan entries @pulumi/rabbitmq could not name (model/provider-ids.ts): the Pulumi layer sends
// those through warren's own resources instead (permissions through UserPermissions, the rest through
// a vhost group), so that such names are data like any other.
import { PROVIDER_ID_SEPARATORS, providerIdConflicts, type ProviderIdKind } from '../model/provider-ids.js';
import type { PlanEntry } from './plan-types.js';

/** Whether the entry's object would have a separator of @pulumi/rabbitmq's id inside one of its names. */
export function providerCannotName(e: PlanEntry): boolean {
  if (!Object.hasOwn(PROVIDER_ID_SEPARATORS, e.kind)) return false;
  return providerIdConflicts(e.kind as ProviderIdKind, idNames(e)).length > 0;
}

/** The names the provider's id of the entry joins. */
function idNames(e: PlanEntry): Parameters<typeof providerIdConflicts>[1] {
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
