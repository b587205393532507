// A queue's known raw x-arguments read as the typed fields they stand for
// (format/queue-fields.ts), so that they are checked exactly as those fields.
import type { QueueSpec } from '../format/topology-schema.js';
import { ARGUMENT_FIELD, pointerOf, QUEUE_FIELD } from '../format/queue-fields.js';

/**
 * The typed fields that a queue's known raw arguments stand for, in the
 * typed fields' form, with the argument each came from (by field pointer:
 * `messageTtl`, `deadLetter/routingKey`).
 */
export function argumentsAsFields(args: Readonly<Record<string, unknown>> | undefined): {
  spec: Partial<Record<keyof QueueSpec, unknown>>;
  from: Map<string, string>;
} {
  const spec: Record<string, unknown> = {};
  const from = new Map<string, string>();
  // Without an exchange RabbitMQ dead-letters nothing (and refuses a routing
  // key alone): the other dead-letter arguments then set no deadLetter.
  const exchange = QUEUE_FIELD['deadLetter.exchange'].argument!;
  const deadLetters = args !== undefined && Object.hasOwn(args, exchange);
  for (const [name, raw] of Object.entries(args ?? {})) {
    const known = ARGUMENT_FIELD.get(name);
    if (!known) continue;
    const value = known.readArgument ? known.readArgument(raw) : raw;
    if (known.sub) {
      if (!deadLetters) continue;
      spec.deadLetter ??= { exchange: '' };
      (spec.deadLetter as Record<string, unknown>)[known.sub] = value;
    } else {
      spec[known.field] = value;
    }
    from.set(pointerOf(known), name);
  }
  return { spec, from };
}
