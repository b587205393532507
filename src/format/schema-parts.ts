// Building blocks of the format's JSON Schema (topology-schema.ts and
// queue-spec.ts): enumerations, maps with any keys, durations and sizes,
// raw arguments.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { DURATION_PATTERN, SIZE_PATTERN } from './format-constants.js';

/** A string restricted to `values`, emitted as a plain JSON Schema `enum`. */
export function StringEnum<const T extends readonly string[]>(values: T, description?: string) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
}

/**
 * A map with any keys. TypeBox writes `Record` as `patternProperties: { "^(.*)$" }`,
 * whose `.` does not match a line break: an entry keyed `"a\nb"` was not
 * checked at all. `additionalProperties` applies to every key.
 */
export function AnyKeys<T extends TSchema>(value: T, options: { description?: string } = {}) {
  return Type.Unsafe<Record<string, Static<T>>>({ type: 'object', additionalProperties: value, ...options });
}

/** A map keyed by object name (vhost, exchange, queue, policy, user). */
export function NameMap<T extends TSchema>(value: T, description: string) {
  return AnyKeys(value, { description });
}

// Integers and strings share one schema (no anyOf): `minimum` only applies to
// numbers and `pattern` only to strings, so each value meets exactly one rule.
// Their descriptions say the field's meaning (format/queue-fields.ts), then the units.
export const Duration = (meaning: string) =>
  Type.Unsafe<number | string>({
    type: ['integer', 'string'],
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    pattern: DURATION_PATTERN,
    description: `${meaning} Milliseconds, or a number with unit ms, s, m, h or d (e.g. 60s, 1.5h).`,
  });
export const Size = (meaning: string) =>
  Type.Unsafe<number | string>({
    type: ['integer', 'string'],
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    pattern: SIZE_PATTERN,
    description: `${meaning} Bytes, or a number with unit B, KB, MB, GB (powers of 1000) or KiB, MiB, GiB (powers of 1024).`,
  });
// Integers past 2^53 are not exact in JavaScript (YAML's 10^23 reads as
// 1e+23): every integer is bounded to the safe range, some tighter below.
// Any value; numbers only in the range where integers are exact.
export const AnyValue = Type.Unsafe<unknown>({
  type: ['string', 'number', 'boolean', 'object', 'array', 'null'],
  minimum: -Number.MAX_SAFE_INTEGER,
  maximum: Number.MAX_SAFE_INTEGER,
});
export const Arguments = AnyKeys(AnyValue, { description: 'Raw arguments, passed through as declared' });
export const Closed = { additionalProperties: false } as const;
