// Runtime parameters of a definitions document as comparable text, "secrets
// aside": URIs without the password of their userinfo, the default amqp091
// protocols left out, keys sorted. Used by the import/export round trips, in
// unit tests and against the real broker.

export interface Parameter {
  readonly component: unknown;
  readonly vhost: unknown;
  readonly name: unknown;
  readonly value: unknown;
}

/** A URI without the password of its userinfo. */
export function withoutPassword(uri: unknown): unknown {
  return typeof uri === 'string' ? uri.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/, '$1@') : uri;
}

/** Keys sorted at every level (the broker answers the members of a set's list in its own key order). */
function sortedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedDeep);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, x]) => [k, sortedDeep(x)]),
  );
}

/**
 * Each parameter as one line of JSON, the lines sorted. A value's own keys
 * are sorted; with `deep`, the keys inside it too (members of a set's list).
 */
export function comparableParameters(list: readonly Parameter[] | undefined, deep = false): string[] {
  return (list ?? [])
    .map((p) => {
      const value = Array.isArray(p.value)
        ? p.value
        : Object.fromEntries(
            Object.entries(p.value as Record<string, unknown>)
              .filter(([k, v]) => !(k.endsWith('-protocol') && v === 'amqp091'))
              .map(([k, v]) => [
                k,
                k.endsWith('uri') ? (Array.isArray(v) ? v.map(withoutPassword) : withoutPassword(v)) : v,
              ])
              .sort(([a], [b]) => (a < b ? -1 : 1)),
          );
      const line = { component: p.component, vhost: p.vhost, name: p.name, value };
      return JSON.stringify(deep ? sortedDeep(line) : line);
    })
    .sort();
}
