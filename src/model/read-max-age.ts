// RabbitMQ writes a stream's maximum age (the x-max-age argument and the
// max-age policy key) as a count and one unit: Y, M, D, h, m or s (`7D`). The
// format writes durations (`7d`); this reads RabbitMQ's form.
export const MAX_AGE_PATTERN = /^(\d+)([YMDhms])$/;

const SECONDS: Record<string, number> = { Y: 365 * 86_400, M: 30 * 86_400, D: 86_400, h: 3600, m: 60, s: 1 };
// The units the format has too keep their count; years and months become seconds.
const FORMAT_UNIT: Record<string, string> = { D: 'd', h: 'h', m: 'm', s: 's' };

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
