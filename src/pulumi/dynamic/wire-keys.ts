// Map keys as they cross Pulumi's wire, where a key is a name (a queue's in a
// vhost group, an argument's, a header's) and so may be anything. Pulumi's
// Node runtime rebuilds each map it passes by assignment (`obj[key] = value`:
// the SDK's serializeProperty, google-protobuf's Struct.toJavaScript), so a
// key `__proto__` sets the rebuilt map's prototype instead: the entry is lost,
// and when its value is a map, Struct.fromJavaScript (a for…in walk) then
// reads that value's keys as the outer map's own. And the engine takes a map
// holding the key `4dabf18193072939515e22adb298388d` for one of its special
// values (a secret, an asset) and fails on it. Such a key crosses the wire
// with one `%` more in front and comes back without it; every other key
// crosses as it is, so the inputs and state of every other resource are what
// they were. Pure, with no imports: the dynamic providers' code captures it.

const ESCAPED = /^%*(?:__proto__|4dabf18193072939515e22adb298388d)$/;

// The SDK also prints each input property of a resource (`${value}`, for its
// debug labels): a map with its own key `toString` (a header, an argument named
// so) has no way to print, and the program fails. Such a map is given a
// prototype that prints it; the wire still carries its own keys only.
const PRINTABLE: object = Object.freeze(
  Object.create(Object.prototype, { [Symbol.toPrimitive]: { value: () => '[object Object]' } }),
);

/** The map, printable even with an own key `toString` (see PRINTABLE); any other value as it is. */
export function printable<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  if (!Object.hasOwn(value, 'toString') || Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.defineProperties(Object.create(PRINTABLE), Object.getOwnPropertyDescriptors(value)) as T;
}

/** Whether a key crosses the wire escaped. */
export function isWireEscaped(key: string): boolean {
  return ESCAPED.test(key);
}

/** Whether every key of the map crosses the wire as it is (a provider plugin then reads the map as sent). */
export function isWireSafe(map: Readonly<Record<string, unknown>>): boolean {
  return !Object.keys(map).some((key) => ESCAPED.test(key));
}

/** The value with every escaped key of its plain maps, at any depth, escaped. */
export function toWire<T>(value: T): T {
  return rekey(value, (key) => (ESCAPED.test(key) ? `%${key}` : key)) as T;
}

/** The inverse of toWire: the value as it was sent, every key an own key (even `__proto__`). */
export function fromWire<T>(value: T): T {
  return rekey(value, (key) => (key.startsWith('%') && ESCAPED.test(key) ? key.slice(1) : key)) as T;
}

function rekey(value: unknown, key: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => rekey(v, key));
  if (typeof value !== 'object' || value === null) return value;
  // Only plain maps: an Output, a Resource or an asset is Pulumi's own, not data.
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = key(k);
    if (name === '__proto__')
      Object.defineProperty(out, name, { value: rekey(v, key), writable: true, enumerable: true, configurable: true });
    else out[name] = rekey(v, key);
  }
  return out;
}
