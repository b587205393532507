// The README lists every diagnostic code with its severity.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CODES } from '../src/diagnostics/codes.js';

it('the README lists every diagnostic code with its severity, and no others', () => {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| `([a-z-]+)` \| (error|warning) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
  expect(rows.sort()).toEqual(
    Object.entries(CODES)
      .map(([code, info]) => `${code} ${info.severity}`)
      .sort(),
  );
});
