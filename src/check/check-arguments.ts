// What RabbitMQ refuses in any raw argument table (queues, exchanges,
// bindings): a null anywhere in it. The management API and a definitions
// import turn JSON into AMQP values with rabbit_misc:to_amqp_table/1, which
// has no AMQP value for null ("null_not_allowed"); YAML writes one for an
// empty value (`x-foo:`) or `~`.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';

export function checkArgumentValues(args: Readonly<Record<string, unknown>> | undefined, src: Source): Finding[] {
  const out: Finding[] = [];
  for (const [name, value] of Object.entries(args ?? {})) {
    const path = nullAt(value);
    if (path)
      out.push(
        finding(
          'invalid-value',
          at(src, name, ...path.slice(1)),
          'RabbitMQ refuses null in arguments (it has no AMQP value): give a value or leave the entry out',
        ),
      );
  }
  return out;
}

/** The path to the first null in a value (`[]` marks the value itself), or undefined. */
function nullAt(value: unknown, path: (string | number)[] = ['']): (string | number)[] | undefined {
  if (value === null) return path;
  if (typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value as object)) {
    const found = nullAt(v, [...path, Array.isArray(value) ? Number(k) : k]);
    if (found) return found;
  }
  return undefined;
}
