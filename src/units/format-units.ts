// Durations and sizes as people write them: 60000 → "1m", 1073741824 → "1GiB".
// Only exact conversions; anything else stays a whole number (ms or bytes),
// so that parsing the text gives back the same number.
const DURATIONS: [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1000, 's'],
];
const SIZES: [number, string][] = [
  [1024 ** 3, 'GiB'],
  [1000 ** 3, 'GB'],
  [1024 ** 2, 'MiB'],
  [1000 ** 2, 'MB'],
  [1024, 'KiB'],
  [1000, 'KB'],
];

export function formatDuration(ms: number): number | string {
  return withUnit(ms, DURATIONS);
}

export function formatSize(bytes: number): number | string {
  return withUnit(bytes, SIZES);
}

function withUnit(value: number, units: [number, string][]): number | string {
  if (value === 0) return 0;
  const unit = units.find(([size]) => value % size === 0);
  return unit ? `${value / unit[0]}${unit[1]}` : value;
}
