// The queue-field table (format/queue-fields.ts) is the one place each queue
// field fact lives. tsc already fails when a QueueSpec field is missing from
// it; these tests fail when a copy elsewhere drifts from it: the published
// schema, the settings policy and its fold back into fields, the policy keys,
// and stray x-argument names.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POLICY_KEYS, QUEUE_FIELD_KEY_CHECKS } from '../../src/check/policy-keys.js';
import { foldSettings } from '../../src/import/fold-settings.js';
import { describeQueueField } from '../../src/format/describe-queue-field.js';
import { applicability, UNSUPPORTED_POLICY_KEYS } from '../../src/model/policy-applicability.js';
import { QUEUE_ARGUMENT } from '../../src/model/queue-arguments.js';
import { CHANGEABLE_FIELDS, MAX_EXPIRY_MS, QUEUE_FIELDS, type QueueFieldEntry } from '../../src/format/queue-fields.js';
import { changeableSettings, fixedArguments } from '../../src/plan/queue-settings.js';
import { DURATION_PATTERN, QUEUE_TYPES, SIZE_PATTERN } from '../../src/format/format-constants.js';
import type { QueueSpec } from '../../src/format/topology-schema.js';
import { renderSchema } from '../../src/build/write-schema.js';

interface PropertySchema {
  readonly description?: string;
  readonly type?: string | string[];
  readonly enum?: string[];
  readonly pattern?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Record<string, PropertySchema>;
}

/** Where a schema holds further schemas besides `properties`. */
interface SchemaWalk {
  readonly additionalProperties?: boolean | PropertySchema;
  readonly items?: PropertySchema;
}

const schema = JSON.parse(renderSchema());
const queueProperties: Record<string, PropertySchema> =
  schema.properties.vhosts.additionalProperties.properties.queues.additionalProperties.properties;

/** Every property of a queue in the published schema, deadLetter's as `deadLetter.exchange`. */
function published(): [string, PropertySchema][] {
  return Object.entries(queueProperties).flatMap(([name, property]) =>
    name === 'deadLetter'
      ? [
          [name, property] as const,
          ...Object.entries(property.properties!).map(([sub, p]) => [`${name}.${sub}`, p] as const),
        ]
      : [[name, property] as const],
  );
}

/** Every named property anywhere in the schema, as a path (`*` for a map's key or a list's item). */
function everyProperty(node: PropertySchema & SchemaWalk, path: string): [string, PropertySchema][] {
  const named = Object.entries(node.properties ?? {}).flatMap(([name, p]): [string, PropertySchema][] => [
    [`${path}/${name}`, p],
    ...everyProperty(p, `${path}/${name}`),
  ]);
  const inner = [node.additionalProperties, node.items].filter((n) => typeof n === 'object');
  return [...named, ...inner.flatMap((n) => everyProperty(n as PropertySchema, `${path}/*`))];
}

const propertyOf = (entry: QueueFieldEntry) => Object.fromEntries(published())[entry.name]!;

describe('the published schema', () => {
  it("describes every property of the schema, a queue's and all others", () => {
    const all = everyProperty(schema, '');
    // The walk reaches into vhosts, maps, lists and one-schema unions (a queue's fields, deadLetter's, a URI's).
    expect(all.length).toBeGreaterThan(100);
    const paths = all.map(([path]) => path);
    for (const [name] of published()) expect(paths, name).toContain(`/vhosts/*/queues/*/${name.replace('.', '/')}`);
    expect(paths).toContain('/vhosts/*/federationUpstreams/*/uri/password/secret');
    for (const [path, property] of all) expect(property.description ?? '', path).toMatch(/\w/);
  });

  it('has the fields of the table, in its order, each described by it', () => {
    const fields = published()
      .map(([name]) => name)
      .filter((name) => name !== 'arguments' && name !== 'deadLetter' && name !== 'replaces');
    expect(fields).toEqual(QUEUE_FIELDS.map((f) => f.name));
    for (const f of QUEUE_FIELDS) expect(propertyOf(f).description, f.name).toContain(describeQueueField(f.name));
  });

  it('writes durations and sizes where the table has them', () => {
    for (const f of QUEUE_FIELDS) {
      const { pattern } = propertyOf(f);
      expect(pattern === DURATION_PATTERN, f.name).toBe(f.unit?.kind === 'duration');
      expect(pattern === SIZE_PATTERN, f.name).toBe(f.unit?.kind === 'size');
    }
  });

  it('takes the values the table reads from the broker, and no others', () => {
    for (const f of QUEUE_FIELDS) {
      const values = propertyOf(f).enum;
      if (!values) continue;
      for (const v of values) expect(f.fromBroker?.(v), f.name).toBe(v);
      expect(f.fromBroker?.('banana'), f.name).toBeUndefined();
    }
  });
});

/** Valid values of a field, as a user writes them (the schema's shape and the checks' bounds). */
function values(entry: QueueFieldEntry): fc.Arbitrary<unknown> {
  const property = propertyOf(entry);
  if (property.enum) return fc.constantFrom(...property.enum);
  const unit = entry.unit;
  if (unit?.kind === 'duration') {
    const max = unit.within === 'expiry' ? MAX_EXPIRY_MS : Number.MAX_SAFE_INTEGER;
    const ms = fc.integer({ min: unit.min, max });
    const seconds = fc.integer({ min: Math.max(unit.min, 1), max: Math.floor(max / 1000) });
    return unit.within === 'seconds'
      ? fc.oneof(
          seconds.map((s) => s * 1000),
          seconds.map((s) => `${s}s`),
        )
      : fc.oneof(
          ms,
          ms.map((n) => `${n}ms`),
          seconds.map((s) => `${s}s`),
          fc.integer({ min: 1, max: 49 }).map((d) => `${d}d`),
        );
  }
  if (unit?.kind === 'size')
    return fc.oneof(
      fc.nat(),
      fc.nat({ max: 1 << 20 }).map((n) => `${n}KiB`),
      fc.nat({ max: 1000 }).map((n) => `${n}MB`),
    );
  if (property.type === 'integer') return fc.integer({ min: property.minimum ?? 0, max: property.maximum });
  if (property.type === 'boolean') return fc.boolean();
  return fc.string();
}

/** A queue that sets the field to the value (and deadLetter's exchange, which it needs). */
function queueWith(entry: QueueFieldEntry, value: unknown): QueueSpec {
  if (!entry.sub) return { [entry.field]: value } as QueueSpec;
  return { deadLetter: { exchange: 'dlx', [entry.sub]: value } } as QueueSpec;
}

describe('the settings policy', () => {
  it.each(CHANGEABLE_FIELDS.map((f) => [f.name, f] as const))(
    '%s goes into the policy and folds back into a field that writes the same policy',
    (_, entry) => {
      fc.assert(
        fc.property(values(entry), (value) => {
          const policy = changeableSettings(queueWith(entry, value));
          expect(policy[entry.policyKey]).toBeDefined();
          const folded = foldSettings(policy, {});
          expect(folded).toBeDefined();
          expect(changeableSettings(folded as QueueSpec)).toEqual(policy);
        }),
        { numRuns: 60 },
      );
    },
  );

  it('holds only the changeable fields; the declaration only the fixed ones', () => {
    const exchange = CHANGEABLE_FIELDS.find((f) => f.sub === 'exchange')!;
    for (const f of QUEUE_FIELDS) {
      fc.assert(
        fc.property(values(f), (value) => {
          const spec = queueWith(f, value);
          const policyKeys = Object.keys(changeableSettings(spec));
          const declared = Object.keys(fixedArguments(spec));
          const alongside = f.sub && f !== exchange ? [exchange.policyKey] : [];
          expect(policyKeys, f.name).toEqual(f.immutable ? [] : [...alongside, f.policyKey]);
          if (!f.immutable) expect(declared, f.name).toEqual([]);
          else if (declared.length > 0) expect(declared, f.name).toEqual([f.argument]);
        }),
        { numRuns: 20 },
      );
    }
  });

  it('fixed fields declared as arguments read back from them', () => {
    for (const f of QUEUE_FIELDS) {
      if (!f.immutable || !f.argument) continue;
      fc.assert(
        fc.property(values(f), (value) => {
          const written = f.toBroker?.(value);
          if (written !== undefined) expect(f.fromBroker?.(written), f.name).toEqual(value);
        }),
        { numRuns: 20 },
      );
    }
  });
});

describe('the policy keys (check/policy-keys.ts)', () => {
  it("hold a value check for exactly the table's policy keys", () => {
    expect(Object.keys(QUEUE_FIELD_KEY_CHECKS).sort()).toEqual(CHANGEABLE_FIELDS.map((f) => f.policyKey).sort());
  });

  it.each(CHANGEABLE_FIELDS.map((f) => [f.name, f] as const))(
    "%s: its policy key applies to the field's queue types and accepts what warren writes",
    (_, entry) => {
      const known = POLICY_KEYS[entry.policyKey]!;
      expect(known.targets).toEqual(entry.types);
      expect(entry.types.length).toBeGreaterThan(0);
      for (const t of entry.types) expect(QUEUE_TYPES).toContain(t);
      fc.assert(
        fc.property(values(entry), (value) => {
          expect(known.check(entry.toBroker(value as never))).toBeUndefined();
        }),
        { numRuns: 60 },
      );
    },
  );
});

describe('the declaration arguments (model/queue-arguments.ts)', () => {
  it("check every field's argument, for the field's queue types", () => {
    for (const f of QUEUE_FIELDS) {
      if (!f.argument) continue;
      const argument = QUEUE_ARGUMENT.get(f.argument);
      expect(argument, f.name).toBeDefined();
      expect(argument!.field, f.name).toBe(f.name);
      expect(argument!.types, f.name).toEqual(f.types);
    }
  });

  it('take the arguments warren declares', () => {
    for (const f of QUEUE_FIELDS) {
      if (!f.immutable || !f.argument) continue;
      fc.assert(
        fc.property(values(f), (value) => {
          const args = fixedArguments(queueWith(f, value));
          for (const [name, v] of Object.entries(args))
            expect(QUEUE_ARGUMENT.get(name)!.check(v, args), name).toBeUndefined();
        }),
        { numRuns: 20 },
      );
    }
  });
});

describe('the settings policy applies to its queue', () => {
  it.each(QUEUE_TYPES.map((t) => [t] as const))(
    'a %s queue: RabbitMQ skips a policy holding a key its type refuses, and the settings policy holds none',
    (type) => {
      for (const f of CHANGEABLE_FIELDS.filter((c) => c.types.includes(type))) {
        fc.assert(
          fc.property(values(f), (value) => {
            const definition = changeableSettings(queueWith(f, value));
            // In every version warren knows (3.10 to 4.2), not only some.
            expect(applicability(Object.keys(definition), type), f.name).toEqual({ applies: true });
          }),
          { numRuns: 10 },
        );
      }
    },
  );

  it('the queue types refuse only keys RabbitMQ knows', () => {
    // RabbitMQ's own lists also name keys no policy may set (priority and single active consumer are declaration
    // arguments only): a policy holding them is refused before it could apply.
    const declarationOnly = ['max-priority', 'single-active-consumer'];
    for (const key of UNSUPPORTED_POLICY_KEYS)
      if (!declarationOnly.includes(key)) expect(Object.keys(POLICY_KEYS), key).toContain(key);
    for (const key of declarationOnly) expect(Object.keys(POLICY_KEYS), key).not.toContain(key);
  });
});

describe('layers and copies', () => {
  const root = join(import.meta.dirname, '..', '..', 'src');
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  const source = (file: string) => readFileSync(join(root, file), 'utf8');

  it('no other source file spells a queue x-argument (they come from the table)', () => {
    const names = QUEUE_FIELDS.flatMap((f) => (f.argument ? [f.argument] : []));
    for (const file of files) {
      if (file === join('format', 'queue-fields.ts')) continue;
      for (const name of names) expect(source(file), `${file}: ${name}`).not.toMatch(new RegExp(`['"\`]${name}['"\`]`));
    }
  });

  it('plan/, model/ and diagnostics/ import nothing from check/', () => {
    for (const file of files.filter((f) => /^(plan|model|diagnostics)\//.test(f)))
      expect(source(file), file).not.toMatch(/from '\.\.\/check\//);
  });

  it('nothing outside cli/ imports from cli/ (the library and the Pulumi program do not load the command line)', () => {
    // Every relative specifier, static (`from '…'`, `import '…'`) or dynamic (`import('…')`), resolved from its file.
    const specifiers = /(?:\bfrom\s+|\bimport\s*\(?\s*)['"`](\.{1,2}\/[^'"`]+)['"`]/g;
    const intoCli = (file: string, text: string) =>
      [...text.matchAll(specifiers)]
        .map((m) => normalize(join(dirname(file), m[1]!)))
        .filter((target) => target.split(/[\\/]/)[0] === 'cli');
    // The scan sees each way of importing.
    const sample = "import { a } from '../../cli/a.js';\nimport '../../cli/b.js';\nawait import('../../cli/c.js');\n";
    expect(intoCli(join('pulumi', 'dynamic', 'x.ts'), sample)).toEqual(
      ['a', 'b', 'c'].map((x) => join('cli', `${x}.js`)),
    );
    for (const file of files.filter((f) => f.split(/[\\/]/)[0] !== 'cli'))
      expect(intoCli(file, source(file)), file).toEqual([]);
  });
});
