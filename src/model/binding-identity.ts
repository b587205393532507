// A binding has no name of its own; it is identified by what it connects and
// how, as the broker identifies it: source, destination, key and the binding
// arguments, where `headers` and `match` end up (with `x-match: all` when
// match is left out, since that is the broker's default; and no arguments are
// `{}`). The model key (bindingIdentity), the plan id (ids.binding of
// bindingArguments), the live-row key (brokerBindingKey) and the import's
// de-duplication (vhostBindingKey of a definitions row) all come from this one
// normal form, so two bindings that are one on the broker are one binding here.
// Each is an unambiguous encoding of it: names may hold any character, and two
// different bindings never get one key (test/model/binding-identity.test.ts).
import type { BindingSpec } from '../format/topology-schema.js';

/**
 * The arguments the broker stores for the binding. Spread, never assigned: a
 * header named `__proto__` stays an own key of the arguments (base/own-keys.ts).
 */
export function bindingArguments(b: BindingSpec): Record<string, unknown> {
  const args = b.arguments as Record<string, unknown> | undefined;
  if (b.headers === undefined && b.match === undefined) return { ...args };
  return { ...args, ...b.headers, 'x-match': b.match ?? 'all' };
}

/** The model's key of a binding: its broker identity as JSON (names may hold any character). */
export function bindingIdentity(b: BindingSpec): string {
  // The ends as brokerBindingOf reads them.
  const toQueue = b.to !== undefined;
  const ends = JSON.stringify([
    b.from,
    toQueue ? 'queue' : 'exchange',
    toQueue ? b.to : (b.toExchange ?? ''),
    b.key ?? '',
  ]);
  // Most bindings have no arguments; skip building them (hot in merging). A JSON list ends the
  // prefix unambiguously, so the arguments' canonical text can follow it.
  const plain = b.arguments === undefined && b.headers === undefined && b.match === undefined;
  const args = plain ? '{}' : canonical(bindingArguments(b));
  return args === '{}' ? ends : ends + args;
}

/** A binding in words, for messages: `orders -> queue all_orders ["order.#"]`. */
export function describeBinding(b: BindingSpec): string {
  const destination =
    b.toExchange !== undefined && b.to === undefined ? `exchange ${b.toExchange}` : `queue ${b.to ?? ''}`;
  const plain = b.arguments === undefined && b.headers === undefined && b.match === undefined;
  const args = plain ? '{}' : canonical(bindingArguments(b));
  return `${b.from} -> ${destination} [${JSON.stringify(b.key ?? '')}${args === '{}' ? '' : ` arguments=${args}`}]`;
}

/** A binding as the broker stores it, whatever name warren gives it. */
export interface BrokerBinding {
  readonly source: string;
  readonly destination: string;
  readonly destinationType: string;
  readonly routingKey: string;
  readonly arguments?: unknown;
}

/**
 * The key that finds a declared binding among the live ones (adoption, and a
 * vhost group's read and deletes): the same normal form of ends, key and
 * arguments, in the broker's field names or warren's.
 */
export function brokerBindingKey(b: BrokerBinding): string {
  return canonical([b.source, b.destinationType, b.destination, b.routingKey, b.arguments ?? {}]);
}

/** brokerBindingKey within a vhost: adoption's key for live rows, and the import's for an export's duplicates. */
export function vhostBindingKey(vhost: string, b: BrokerBinding): string {
  return JSON.stringify([vhost, brokerBindingKey(b)]);
}

/** A topology binding as the broker will store it: what the plan declares and live rows are matched against. */
export function brokerBindingOf(
  b: BindingSpec,
): BrokerBinding & { readonly destinationType: 'queue' | 'exchange'; readonly arguments: Record<string, unknown> } {
  const toQueue = b.to !== undefined;
  return {
    source: b.from,
    destination: toQueue ? b.to! : (b.toExchange ?? ''),
    destinationType: toQueue ? 'queue' : 'exchange',
    routingKey: b.key ?? '',
    arguments: bindingArguments(b),
  };
}

/** A management API or definitions row as a BrokerBinding. */
export function fromBrokerRow(row: Readonly<Record<string, unknown>>): BrokerBinding {
  return {
    source: String(row.source),
    destination: String(row.destination),
    destinationType: String(row.destination_type),
    routingKey: String(row.routing_key),
    arguments: row.arguments,
  };
}

/** JSON with object keys sorted, so that key order in YAML does not matter. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
