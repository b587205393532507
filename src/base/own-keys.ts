// Names are data, never structure. A topology's names (vhosts, queues,
// exchanges, users, policies, header and argument keys) become keys of plain
// JavaScript objects here and there, where they share one namespace with what
// every object inherits: `o[name] = v` with the name `__proto__` sets the
// object's prototype instead of a key (the value then vanishes from
// Object.keys and JSON, and its fields appear as inherited ones), and
// `o[name]` or `name in o` find `constructor` or `toString` in every object.
// So a name-keyed object is a Map, or it is read and written only through
// these helpers: own keys, never inherited ones.

/** `record[key]` when it is the record's own key; never an inherited member such as `constructor`. */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Whether `key` is the record's own key (`in` also finds `constructor`, `toString`, `__proto__`). */
export function hasOwn(record: object | undefined, key: string): boolean {
  return record !== undefined && Object.hasOwn(record, key);
}

/** `record[key] = value` as an own, enumerable key, even when the key is `__proto__`. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
  else record[key] = value;
}

/** Whether `v` is a mapping as YAML and JSON give one: an object, neither null nor an array. */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
