// The README shows the example topology as warren draws it: docs/topology.svg,
// written by `npm run diagram`. This keeps the picture current: it must be
// what `warren graph topology/ --format svg` draws now, byte for byte.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, runCli } from '../support/run-cli.js';

it('docs/topology.svg is the example topology as warren graph draws it now (npm run diagram writes it)', () => {
  const r = runCli(['graph', 'topology/', '--format', 'svg'], { cwd: ROOT });
  expect(r.code, r.stderr).toBe(0);
  expect(readFileSync(join(ROOT, 'docs', 'topology.svg'), 'utf8')).toBe(r.stdout);
  expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('](docs/topology.svg)');
});
