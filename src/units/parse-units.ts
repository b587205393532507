// Durations and sizes as the format writes them (`60s`, `1.5h`, `10MiB`), to
// the whole milliseconds and bytes RabbitMQ takes. undefined means the value
// does not name a whole number of the base unit.
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

export function parseDuration(value: number | string): number | undefined {
  return parseWithUnits(value, /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/, DURATION_UNITS);
}

export function parseSize(value: number | string): number | undefined {
  return parseWithUnits(value, /^([0-9]+(?:\.[0-9]+)?)(B|KB|MB|GB|KiB|MiB|GiB)$/, SIZE_UNITS);
}

function parseWithUnits(value: number | string, pattern: RegExp, units: Record<string, number>): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  const m = pattern.exec(value);
  if (!m) return undefined;
  // Scale in integers where possible so that 1.5h is exactly 5400000.
  const [whole, fraction = ''] = m[1]!.split('.');
  const unit = units[m[2]!]!;
  const scaled = Number(whole) * unit + (fraction ? (Number(fraction) * unit) / 10 ** fraction.length : 0);
  return Number.isSafeInteger(scaled) ? scaled : undefined;
}
