// What @pulumi/rabbitmq (the bridged Terraform provider, cyrilgdn/terraform-provider-rabbitmq
// 1.8.0, that warren applies objects with) can keep in its resource ids. Its ids are names joined
// by a separator it splits at again on every read, update and delete (rabbitmq/util.go parseId,
// resource_binding.go): exchanges, queues, policies and operator policies are `name@vhost`,
// permissions and topic permissions `user@vhost` (split at `@`, exactly two parts wanted); bindings
// `vhost/source/destination/type/propertiesKey` (split at `/`, only the vhost's `/` escaped). A
// name holding the separator is created on the broker, and then the provider cannot read it back
// (the create fails, the object stays behind), nor delete it (for a binding, a delete may name
// another binding). Such names are data like any other, so the Pulumi layer sends those objects
// another way (src/pulumi/create-topology.ts). Plain data and pure functions.

/** The plan kinds @pulumi/rabbitmq holds with a separator in their id (vhosts and users are ided by their name alone). */
export const PROVIDER_ID_SEPARATORS = {
  exchange: '@',
  queue: '@',
  policy: '@',
  'operator-policy': '@',
  permissions: '@',
  'topic-permissions': '@',
  binding: '/',
} as const satisfies Record<string, string>;

export type ProviderIdKind = keyof typeof PROVIDER_ID_SEPARATORS;

/**
 * The names of an object of `kind` that the provider's id would hold and split, which hold its separator:
 * of `name@vhost` (name: the user's, for permissions), or a binding's source and destination (its vhost is escaped).
 */
export function providerIdConflicts(
  kind: ProviderIdKind,
  names: { readonly vhost: string; readonly name?: string; readonly source?: string; readonly destination?: string },
): string[] {
  const separator = PROVIDER_ID_SEPARATORS[kind];
  const parts = kind === 'binding' ? [names.source, names.destination] : [names.name, names.vhost];
  return parts.filter((p): p is string => p?.includes(separator) === true);
}
