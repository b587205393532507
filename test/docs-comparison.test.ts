// docs/design.md's comparison table names the version of each other tool it was read at, says when and from what it
// was re-read, and keeps the rows for what the Messaging Topology Operator has gained (issue 27): a periodic resync,
// concurrent reconciles, deletionPolicy and deleteIfEmpty, password rotation, OperatorPolicy.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const DESIGN = join(import.meta.dirname, '..', 'docs', 'design.md');

/** The "## Compared with the other tools" section, up to the next heading of its level. */
function section(): string {
  const doc = readFileSync(DESIGN, 'utf8');
  const start = doc.indexOf('\n## Compared with the other tools\n');
  expect(start).toBeGreaterThan(0);
  const rest = doc.slice(start + 1);
  const end = rest.indexOf('\n## ', 1);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The section's table: its header cells and its rows, each row's cells (the first is the concern). */
function table(): { header: string[]; rows: string[][] } {
  const lines = section()
    .split('\n')
    .filter((l) => l.startsWith('|'));
  const cells = (line: string) =>
    line
      .slice(1, line.endsWith('|') ? -1 : undefined)
      .split('|')
      .map((c) => c.trim());
  expect(lines.length).toBeGreaterThan(2);
  expect(lines[1]).toMatch(/^\|(-{3,}\|)+$/);
  return { header: cells(lines[0]!), rows: lines.slice(2).map(cells) };
}

const TOOLS = [
  ['Messaging Topology Operator', /^Messaging Topology Operator\b/],
  ['Terraform provider', /^Terraform provider\b/],
  ['definitions.json', /^`definitions\.json`/],
] as const;

const VERSION = /\b\d+\.\d+(?:\.\d+)?\b/;

/** The index of a tool's column, by its header cell. */
function column(header: string[], pattern: RegExp): number {
  const i = header.findIndex((h) => pattern.test(h));
  expect(i, `a column for ${pattern}`).toBeGreaterThan(0);
  return i;
}

/** A tool's cell in the row whose concern matches `concern` (exactly one row must). */
function cell(concern: RegExp, tool: RegExp): string {
  const { header, rows } = table();
  const matching = rows.filter((r) => concern.test(r[0]!));
  expect(matching, `one row for ${concern}`).toHaveLength(1);
  return matching[0]![column(header, tool)]!;
}

it('the table has warren and the three other tools as its columns, and every row a cell for each', () => {
  const { header, rows } = table();
  expect(header[0]).toBe('');
  expect(header[1]).toBe('warren');
  for (const [, pattern] of TOOLS) column(header, pattern);
  expect(header).toHaveLength(2 + TOOLS.length);
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(row, row[0]).toHaveLength(header.length);
});

it.each(TOOLS)("the %s column's header names the version read", (_name, pattern) => {
  const { header } = table();
  expect(header[column(header, pattern)]).toMatch(VERSION);
});

it('a sentence under the table says when the columns were re-read, and at which tags', () => {
  const text = section();
  const m = /\bRe-read on (\d{4})-(\d{2})-(\d{2})\b/.exec(text);
  expect(m, 'a "Re-read on YYYY-MM-DD" sentence').not.toBeNull();
  const [, y, mo, d] = m!.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d));
  expect(date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d).toBe(true);
  // It comes after the table, and names as a tag the version each header names first.
  const after = text.slice(text.lastIndexOf('\n|'));
  expect(after).toContain(m![0]);
  const { header } = table();
  for (const [name, pattern] of TOOLS) {
    const version = VERSION.exec(header[column(header, pattern)]!)![0];
    expect(after, `${name} ${version} named as a tag`).toMatch(
      new RegExp(`\\bat tag v${version.replace(/\./g, '\\.')}\\b`),
    );
  }
});

const MTO = /^Messaging Topology Operator\b/;

it("the Drift row gives the operator's periodic resync (SYNC_PERIOD), and warren's own drift check", () => {
  expect(cell(/^Drift$/, MTO)).toContain('`SYNC_PERIOD`');
  const warren = cell(/^Drift$/, /^warren$/);
  expect(warren).toContain('`warren drift');
  expect(warren).toContain('`pulumi refresh`');
});

it("the deletion row gives the operator's deletionPolicy: retain and deleteIfEmpty", () => {
  const mto = cell(/^Deleting\b/, MTO);
  expect(mto).toContain('`deletionPolicy: retain`');
  expect(mto).toContain('`deleteIfEmpty');
});

it("a credentials row gives the operator's password rotation", () => {
  expect(cell(/password rotation/i, MTO)).toMatch(/password rotation/i);
});

it("an operator policies row gives the operator's OperatorPolicy resource", () => {
  expect(cell(/^Operator policies$/, MTO)).toContain('`OperatorPolicy`');
});

it("the Scale row gives the operator's concurrent reconciles (MAX_CONCURRENT_RECONCILES)", () => {
  expect(cell(/^Scale\b/, MTO)).toContain('`MAX_CONCURRENT_RECONCILES`');
});
