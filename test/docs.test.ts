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

it("the README's upgrade table is the code's (cluster/upgrade-paths.ts), row for row", async () => {
  const { UPGRADE_STEPS } = await import('../src/cluster/upgrade-paths.js');
  const doc = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = doc.slice(doc.indexOf('\n## Upgrading RabbitMQ\n'));
  const rows = section
    .slice(0, section.indexOf('\n## ', 1))
    .match(/^\| \d.*\|$/gm)!
    .map((row) =>
      row
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  // The README says each prerequisite in short; the code's text is what a refusal prints.
  const short = (before: string) =>
    before === ''
      ? '—'
      : before
          .replace(/ \(rabbitmqctl enable_feature_flag all\) before the upgrade/g, '')
          .replace(
            '; a 3.13 cluster with Khepri enabled cannot be upgraded in place (blue/green only)',
            '; not with Khepri enabled',
          );
  expect(rows).toEqual(
    UPGRADE_STEPS.map((s) => [s.minPatch > 0 ? `${s.from}.${s.minPatch} or later` : s.from, s.to, short(s.before)]),
  );
});
