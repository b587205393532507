// docs/format.md lists every diagnostic code with its severity, the queue-field table and the format 1.1 field
// tables, each as the code has it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CODES } from '../src/diagnostics/codes.js';
import { QUEUE_FIELDS } from '../src/format/queue-fields.js';
import { QUEUE_TYPES } from '../src/format/format-constants.js';

const FORMAT = join(import.meta.dirname, '..', 'docs', 'format.md');

it('docs/format.md lists every diagnostic code with its severity, and no others', () => {
  const doc = readFileSync(FORMAT, 'utf8');
  const rows = [...doc.matchAll(/^\| `([a-z-]+)` \| (error|warning) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
  expect(rows.sort()).toEqual(
    Object.entries(CODES)
      .map(([code, info]) => `${code} ${info.severity}`)
      .sort(),
  );
});

it("docs/format.md's queue-field table is the code's (format/queue-fields.ts), row for row", () => {
  const doc = readFileSync(FORMAT, 'utf8');
  const start = doc.indexOf('\n## Queue fields\n');
  expect(start).toBeGreaterThan(0);
  const section = doc.slice(start);
  const rows = section.slice(0, section.indexOf('\n#', 1)).match(/^\| `.*\|$/gm);
  const all = (types: readonly string[]) => (types.length === QUEUE_TYPES.length ? 'all' : types.join(', '));
  expect(rows).toEqual(
    QUEUE_FIELDS.map(
      (f) =>
        `| \`${f.name}\` | ${f.argument ? `\`${f.argument}\`` : '—'} | ${f.immutable ? 'no' : `policy key \`${f.policyKey}\``} | ${all(f.types)} |`,
    ),
  );
});

it("docs/format.md's format 1.1 field tables are the code's (format/parameter-fields.ts), row for row", async () => {
  const { ENDPOINT_FIELD, SHOVEL_FIELD, SUPER_STREAM_FIELD, UPSTREAM_FIELD, kindText, rows } = await import(
    '../src/format/parameter-fields.js'
  );
  const doc = readFileSync(FORMAT, 'utf8');
  const start = doc.indexOf('\n## Federation, shovels and super streams (format 1.1)\n');
  expect(start).toBeGreaterThan(0);
  const section = doc.slice(start);
  const body = section.slice(0, section.indexOf('\n## ', 1));
  const table = (t: Parameters<typeof rows>[0], prefix = '') =>
    rows(t).map(
      (f) => `| \`${f.field}\` | \`${prefix}${f.key}\` | ${kindText(f)} | ${f.description.replace(/\|/g, '\\|')} |`,
    );
  const found = body.match(/^\| `.*\|$/gm);
  expect(found).toEqual([
    ...table(UPSTREAM_FIELD),
    ...table(ENDPOINT_FIELD, 'src-/dest-'),
    ...table(SHOVEL_FIELD),
    ...table(SUPER_STREAM_FIELD),
  ]);
  expect(found).toHaveLength(10 + 3 + 5 + 4);
});
