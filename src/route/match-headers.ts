// Headers exchange matching, as RabbitMQ 3.10.8's
// rabbit_exchange_type_headers:headers_match/2 does it, over the binding's
// arguments as the broker stores them (model/binding-identity.ts): `x-match`
// says how (`all` when it is absent, and for any value the broker would
// refuse: validation refuses those, see headersMatchMode); `x-match` itself is
// never compared, other arguments whose names start with `x-` only in the
// -with-x modes. A compared argument matches when the message has a header of
// that name whose value is equal in Erlang's `==`: 1 and 1.0 are equal, "1"
// and 1 are not, and a list or table never equals a scalar. With `all`, every
// compared argument must match (so an empty binding matches everything); with
// `any`, one must (so an empty binding matches nothing). The broker merges
// the two key-sorted lists; with no key twice (a binding's arguments are a
// mapping, a message's headers here too), that is this lookup.
import { MATCH_MODES } from '../format/format-constants.js';

export type MatchMode = (typeof MATCH_MODES)[number];
export type HeaderValue = string | number | boolean;

/** The mode of a binding's `x-match`, or undefined when the broker refuses it (rabbit_exchange_type_headers:validate_binding/2). */
export function headersMatchMode(xMatch: unknown): MatchMode | undefined {
  if (xMatch === undefined) return 'all';
  return MATCH_MODES.find((m) => m === xMatch);
}

export function matchHeaders(
  args: Readonly<Record<string, unknown>>,
  message: Readonly<Record<string, HeaderValue>>,
): boolean {
  const mode = headersMatchMode(args['x-match']) ?? 'all';
  const withX = mode.endsWith('-with-x');
  let all = true;
  let any = false;
  for (const [name, value] of Object.entries(args)) {
    if (name === 'x-match' || (!withX && name.startsWith('x-'))) continue;
    // A binding value of no type ("void") asks only for the header's presence; the management API refuses null, so only AMQP clients bind so.
    if (Object.hasOwn(message, name) && (value === null || sameValue(message[name]!, value))) any = true;
    else all = false;
  }
  return mode.startsWith('all') ? all : any;
}

/** Erlang's `==` between a binding's value and a message's scalar header. */
function sameValue(header: HeaderValue, value: unknown): boolean {
  return typeof header === typeof value && header === value;
}
