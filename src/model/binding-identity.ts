// A binding has no name of its own; it is identified by what it connects and
// how. The identity is stable (no list positions) and readable, since it ends
// up in diagnostics and resource names.
import type { BindingSpec } from '../schema/topology-schema.js';

export function bindingIdentity(b: BindingSpec): string {
  const destination = b.toExchange !== undefined && b.to === undefined ? `exchange ${b.toExchange}` : `queue ${b.to ?? ''}`;
  const extras = [b.match ? `match=${b.match}` : '', b.headers ? `headers=${canonical(b.headers)}` : '', b.arguments ? `arguments=${canonical(b.arguments)}` : ''].filter(Boolean);
  return `${b.from} -> ${destination} [${JSON.stringify(b.key ?? '')}${extras.length ? ' ' + extras.join(' ') : ''}]`;
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
