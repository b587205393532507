// The vhost and user limits are named once, in format/limits.ts. These tests
// fail when the schema, the export or the import lists a limit the table does
// not (or misses one it does), or spells its description or broker key
// another way, or when another source file spells a broker key itself.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../src/check/check-schema.js';
import { planToDefinitions } from '../../src/export/plan-to-definitions.js';
import { importDefinitions } from '../../src/import/import-definitions.js';
import { readDefinitions } from '../../src/import/read-definitions.js';
import { type Limit, USER_LIMITS, VHOST_LIMITS } from '../../src/format/limits.js';
import { mergeFiles } from '../../src/model/merge-files.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { TopologyFile } from '../../src/format/topology-schema.js';
import { renderSchema } from '../../src/build/write-schema.js';

type SchemaNode = { properties: Record<string, SchemaNode>; additionalProperties: SchemaNode; description?: string };

const TABLES = [
  ['vhosts', VHOST_LIMITS],
  ['users', USER_LIMITS],
] as const;

/** A distinct value per limit, 0 included, so that two swapped keys would show. */
const byField = (table: readonly Limit[]) => Object.fromEntries(table.map((l, i) => [l.field, i]));
const byKey = (table: readonly Limit[]) => Object.fromEntries(table.map((l, i) => [l.key, i]));

describe('the limits table', () => {
  it('is what the published schema offers as vhost and user limits, with the same descriptions', () => {
    const schema = JSON.parse(renderSchema()) as SchemaNode;
    for (const [map, table] of TABLES) {
      const limits = schema.properties[map]!.additionalProperties.properties.limits!.properties;
      expect(Object.keys(limits), map).toEqual(table.map((l) => l.field));
      for (const l of table) expect(limits[l.field]!.description, `${map} ${l.field}`).toBe(l.description);
    }
  });

  it('survives export → import: every limit under its broker key in the definitions, and back as its field', () => {
    const topology = {
      version: 1,
      vhosts: { v: { limits: byField(VHOST_LIMITS) } },
      users: { u: { limits: byField(USER_LIMITS) } },
    } as TopologyFile;
    expect(checkSchema('t.yaml', topology).findings).toEqual([]);
    const plan = compilePlan(mergeFiles([{ file: 't.yaml', data: topology, broken: [] }]).model);
    const { definitions } = planToDefinitions(plan);
    expect(definitions.parameters).toEqual([
      { component: 'vhost-limits', name: 'limits', vhost: 'v', value: byKey(VHOST_LIMITS) },
    ]);
    expect(definitions.users).toEqual([expect.objectContaining({ name: 'u', limits: byKey(USER_LIMITS) })]);
    // Through the reader `warren import` uses, so the definitions schema accepts what export writes.
    const read = readDefinitions('defs.json', { text: JSON.stringify(definitions) });
    expect(read.findings).toEqual([]);
    const imported = importDefinitions('defs.json', read.definitions!);
    expect(imported.vhosts.get('v')?.limits).toEqual(byField(VHOST_LIMITS));
    expect(imported.users.get('u')?.limits).toEqual(byField(USER_LIMITS));
  });

  it("imports RabbitMQ's -1 (no limit) as a field left out", () => {
    const minusOne = (table: readonly Limit[]) => Object.fromEntries(table.map((l) => [l.key, -1]));
    const imported = importDefinitions('defs.json', {
      vhosts: [{ name: 'v' }],
      users: [{ name: 'u', limits: minusOne(USER_LIMITS) }],
      parameters: [{ component: 'vhost-limits', name: 'limits', vhost: 'v', value: minusOne(VHOST_LIMITS) }],
    });
    expect(imported.vhosts.get('v')?.limits).toBeUndefined();
    expect(imported.users.get('u')?.limits).toBeUndefined();
  });

  it("no other source file spells a limit's broker key (they come from the table)", () => {
    // Generated files (dist/, topology.schema.json) are outside src/.
    const root = join(import.meta.dirname, '..', '..', 'src');
    const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const keys = [...new Set([...VHOST_LIMITS, ...USER_LIMITS].map((l) => l.key))];
    expect(keys.length).toBeGreaterThan(0);
    for (const file of files) {
      if (file === join('format', 'limits.ts')) continue;
      const text = readFileSync(join(root, file), 'utf8');
      for (const key of keys) expect(text, `${file}: ${key}`).not.toMatch(new RegExp(`['"\`]${key}['"\`]`));
    }
  });
});
