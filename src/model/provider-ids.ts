// What @pulumi/rabbitmq (the bridged Terraform provider, cyrilgdn/terraform-provider-rabbitmq
// 1.8.0, that warren applies objects with) can keep in its resource ids. Its ids are names joined
// by a separator it splits at again on every read, update and delete (rabbitmq/util.go parseId,
// resource_binding.go): exchanges, queues, policies and operator policies are `name@vhost`,
// permissions and topic permissions `user@vhost` (split at `@`, exactly two parts wanted); bindings
// `vhost/source/destination/type/propertiesKey` (split at `/`, only the vhost's `/` escaped). A
// name holding the separator is created on the broker, and then the provider cannot read it back
// (the create fails, the object stays behind), nor delete it: the stack is stuck, or, for a binding,
// a delete may name another binding. Which objects are its resources depends on the granularity:
// with `vhost`, a vhost's exchanges, queues, bindings and policies are one warren resource, and
// only permissions remain the provider's. Plain data and pure functions.

export type Granularity = 'object' | 'vhost';

/** The plan kinds @pulumi/rabbitmq holds with a separator in their id, per granularity (vhosts and users are ided by their name alone). */
export const PROVIDER_ID_KINDS = {
  exchange: { separator: '@', granularities: ['object'] },
  queue: { separator: '@', granularities: ['object'] },
  policy: { separator: '@', granularities: ['object'] },
  'operator-policy': { separator: '@', granularities: ['object'] },
  permissions: { separator: '@', granularities: ['object', 'vhost'] },
  'topic-permissions': { separator: '@', granularities: ['object', 'vhost'] },
  binding: { separator: '/', granularities: ['object'] },
} as const satisfies Record<string, { separator: string; granularities: readonly Granularity[] }>;

export type ProviderIdKind = keyof typeof PROVIDER_ID_KINDS;

/**
 * The names of an object of `kind` that the provider's id holds and splits, which must not hold its separator:
 * `name@vhost` (name: the user's, for permissions), or a binding's source and destination (its vhost is escaped).
 * Undefined when the object is not the provider's in this granularity (an internal exchange never is).
 */
export function providerIdConflicts(
  kind: ProviderIdKind,
  granularity: Granularity,
  names: { readonly vhost: string; readonly name?: string; readonly source?: string; readonly destination?: string },
): string[] {
  const { separator, granularities } = PROVIDER_ID_KINDS[kind];
  if (!(granularities as readonly Granularity[]).includes(granularity)) return [];
  const parts = kind === 'binding' ? [names.source, names.destination] : [names.name, names.vhost];
  return parts.filter((p): p is string => p?.includes(separator) === true);
}

/** Why, for messages. */
export function providerIdWhy(kind: ProviderIdKind): string {
  return kind === 'binding'
    ? '@pulumi/rabbitmq ids a binding `vhost/source/destination/type/key` and splits the id at `/`, so it could create the binding but not read it back or delete it (a delete could name another binding)'
    : `@pulumi/rabbitmq ids ${kind === 'permissions' || kind === 'topic-permissions' ? `${kind} \`user@vhost\`` : `a ${kind} \`name@vhost\``} and splits the id at \`@\`, so it could create it but never read it back or delete it`;
}
