// RabbitMQ writes a stream's maximum age (the x-max-age argument and the
// max-age policy key) as a count and one unit: Y, M, D, h, m or s (`7D`). The
// format writes durations (`7d`); this reads RabbitMQ's form.
export const MAX_AGE_PATTERN = /^(\d+)([YMDhms])$/;

const SECONDS: Record<string, number> = { Y: 365 * 86_400, M: 30 * 86_400, D: 86_400, h: 3600, m: 60, s: 1 };
// The units the format has too keep their count; years and months become seconds.
const FORMAT_UNIT: Record<string, string> = { D: 'd', h: 'h', m: 'm', s: 's' };

// rabbit_amqqueue:check_max_age/1 reads `re:run(V, "(^[0-9]*)(.*)")`: the
// digits, then the unit up to the first line feed (PCRE's `.` stops there).
const BROKER_MAX_AGE = /^([0-9]*)([^\n]*)/;

/**
 * Why RabbitMQ refuses a max age (as an x-max-age argument or a max-age
 * policy value), exactly as it checks it; undefined when it accepts it.
 */
export function maxAgeRefusal(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a string: a whole number and a unit Y, M, D, h, m or s (e.g. 7D)';
  const [, count, unit] = BROKER_MAX_AGE.exec(value)!;
  if (count === '' || /^0*$/.test(count!)) return 'must start with a whole number above 0 (e.g. 7D)';
  return unit !== undefined && unit in SECONDS ? undefined : 'must end in one unit: Y, M, D, h, m or s (e.g. 7D)';
}

/** RabbitMQ's max age in seconds; undefined when the value is not in its form. */
export function maxAgeSeconds(value: unknown): number | undefined {
  const parts = typeof value === 'string' ? MAX_AGE_PATTERN.exec(value) : null;
  return parts ? Number(parts[1]) * SECONDS[parts[2]!]! : undefined;
}

/** RabbitMQ's max age as a duration of the format (`7D` → `7d`, `1M` → `2592000s`); other values as they are. */
export function readMaxAge(value: unknown): unknown {
  const parts = typeof value === 'string' ? MAX_AGE_PATTERN.exec(value) : null;
  if (!parts) return value;
  const unit = FORMAT_UNIT[parts[2]!];
  return unit ? `${parts[1]}${unit}` : `${maxAgeSeconds(value)}s`;
}
