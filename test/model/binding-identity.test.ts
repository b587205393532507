// One binding identity: the model's key (bindingIdentity, which merging and
// overrides use), the plan id (ids.binding of what the plan declares), the key
// that matches live broker rows (brokerBindingKey) and the import's
// de-duplication of a definitions export (dropUnusable) must agree on which
// bindings are the same binding. If any form drifts (a field added to one, a
// default applied in one only), a generated pair shows it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/diagnostics/diagnostic.js';
import type { Definitions } from '../../src/import/definitions-schema.js';
import { dropUnusable } from '../../src/import/drop-unusable.js';
import {
  bindingIdentity,
  type BrokerBinding,
  brokerBindingKey,
  brokerBindingOf,
  canonical,
  fromBrokerRow,
} from '../../src/model/binding-identity.js';
import { ids } from '../../src/plan/plan-ids.js';
import type { BindingSpec } from '../../src/format/topology-schema.js';
import { hostileName, PROTOTYPE_NAMES } from '../support/hostile-names.js';

// Plain names, and names made to break a key: separators, prototype names, line breaks.
const name = fc.oneof(fc.constantFrom('a', 'b', 'orders', 'x.y', 'q 1'), hostileName);
const headerName = fc.constantFrom('format', 'type', 'x-match', ...PROTOTYPE_NAMES);
const value = fc.oneof(fc.constantFrom('pdf', 'report', ''), fc.integer({ min: 0, max: 3 }), fc.boolean());
const binding: fc.Arbitrary<BindingSpec> = fc
  .record(
    {
      from: name,
      to: name,
      toExchange: name,
      key: fc.oneof(fc.constantFrom('k', '', 'order.#', 'a.*'), hostileName),
      headers: fc.dictionary(headerName, value, { maxKeys: 2 }),
      match: fc.constantFrom('all', 'any', 'all-with-x', 'any-with-x'),
      arguments: fc.dictionary(fc.constantFrom('x-a', 'x-b', 'format', ...PROTOTYPE_NAMES), value, { maxKeys: 2 }),
    },
    { requiredKeys: ['from'] },
  )
  // Exactly one destination, as the schema requires.
  .map((b) => {
    const { to, toExchange, ...rest } = b;
    return (to !== undefined ? { ...rest, to } : { ...rest, toExchange: toExchange ?? 'a' }) as BindingSpec;
  });

// Two independent bindings are rarely the same: half the pairs are one binding twice (its export row may still differ).
const pair = fc.oneof(
  fc.tuple(binding, binding),
  binding.map((a) => [a, a] as const),
);

/** A binding as a definitions export lists it: `arguments` left out when there are none, or its keys in another order. */
function exportRow(b: BrokerBinding, omitEmpty: boolean, reorder: boolean): Record<string, unknown> {
  const args = b.arguments as Record<string, unknown>;
  const row: Record<string, unknown> = {
    source: b.source,
    vhost: 'v',
    destination: b.destination,
    destination_type: b.destinationType,
    routing_key: b.routingKey,
  };
  if (!(omitEmpty && Object.keys(args).length === 0))
    row.arguments = reorder ? Object.fromEntries(Object.entries(args).reverse()) : args;
  return row;
}

/** Whether the import takes two export rows for one binding (reports the first as defined again). */
function importFindsDuplicate(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const findings: Finding[] = [];
  const d = { vhosts: [{ name: 'v' }], bindings: [a, b] } as Definitions;
  const kept = dropUnusable('d.json', d, findings).bindings!;
  return findings.length === 1 && kept[0] === undefined && kept[1] === b;
}

describe('binding identity', () => {
  it('two bindings are one in the model exactly when they are one on the broker, in the plan and in an import', () => {
    fc.assert(
      fc.property(pair, fc.boolean(), fc.boolean(), ([a, b], omitEmpty, reorder) => {
        const model = bindingIdentity(a) === bindingIdentity(b);
        const broker = brokerBindingKey(brokerBindingOf(a)) === brokerBindingKey(brokerBindingOf(b));
        // compile-plan names a binding entry ids.binding(vhost, brokerBindingOf(spec)).
        const plan = ids.binding('v', brokerBindingOf(a)) === ids.binding('v', brokerBindingOf(b));
        const imported = importFindsDuplicate(
          exportRow(brokerBindingOf(a), false, false),
          exportRow(brokerBindingOf(b), omitEmpty, reorder),
        );
        expect([model, plan, imported]).toEqual([broker, broker, broker]);
      }),
      { numRuns: 2000 },
    );
  });

  it("the model's key reads back as exactly one binding, whatever its names hold", () => {
    /** Every way to read a key as the ends' JSON list followed by the arguments' canonical JSON. */
    const readings = (key: string) =>
      [...key.matchAll(/]/g)].flatMap((m) => {
        try {
          const ends = JSON.parse(key.slice(0, m.index + 1)) as unknown;
          const rest = key.slice(m.index + 1);
          const args = rest === '' ? {} : (JSON.parse(rest) as unknown);
          return Array.isArray(ends) && ends.length === 4 && typeof args === 'object'
            ? [[...ends, canonical(args)]]
            : [];
        } catch {
          return [];
        }
      });
    fc.assert(
      fc.property(binding, (b) => {
        const broker = brokerBindingOf(b);
        expect(readings(bindingIdentity(b))).toEqual([
          [broker.source, broker.destinationType, broker.destination, broker.routingKey, canonical(broker.arguments)],
        ]);
      }),
      { numRuns: 2000 },
    );
  });

  it('a header named `__proto__` is one of the binding arguments, and makes another binding than without it', () => {
    const spec = JSON.parse('{"from":"x","to":"q","headers":{"__proto__":"a","constructor":"b"},"match":"any"}');
    const args = brokerBindingOf(spec).arguments;
    expect(Object.keys(args).sort()).toEqual(['__proto__', 'constructor', 'x-match']);
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(args))).toEqual(JSON.parse('{"__proto__":"a","constructor":"b","x-match":"any"}'));
    const without: BindingSpec = { from: 'x', to: 'q', headers: { constructor: 'b' }, match: 'any' };
    expect(bindingIdentity(spec)).not.toBe(bindingIdentity(without));
    expect(ids.binding('v', brokerBindingOf(spec))).not.toBe(ids.binding('v', brokerBindingOf(without)));
  });

  it('bindings whose names hold the words of the key are two bindings: `x -> queue y` to z, and x to `y -> queue z`', () => {
    const a: BindingSpec = { from: 'x -> queue y', to: 'z' };
    const b: BindingSpec = { from: 'x', to: 'y -> queue z' };
    expect(bindingIdentity(a)).not.toBe(bindingIdentity(b));
  });

  it('an export binding without `arguments` and the same binding with `arguments: {}` are one binding: the first is reported and left out', () => {
    const row = { source: 'x', vhost: 'v', destination: 'q', destination_type: 'queue', routing_key: 'k' };
    const findings: Finding[] = [];
    const d = { vhosts: [{ name: 'v' }], bindings: [row, { ...row, arguments: {} }] } as Definitions;
    const kept = dropUnusable('d.json', d, findings).bindings!;
    expect(findings.map((f) => `${f.code} ${f.pointer}`)).toEqual(['import-skipped /bindings/0']);
    expect(findings[0]!.message).toContain('is defined again at /bindings/1');
    expect(kept[0]).toBeUndefined();
    expect(kept[1]).toEqual({ ...row, arguments: {} });
    expect(brokerBindingKey(fromBrokerRow(row))).toBe(brokerBindingKey(fromBrokerRow({ ...row, arguments: {} })));
  });

  it('a binding is the same binding with its fields in another order, and with match left out or written as all', () => {
    const a: BindingSpec = { from: 'x', to: 'q', headers: { type: 'report', format: 'pdf' } };
    const b: BindingSpec = { to: 'q', headers: { format: 'pdf', type: 'report' }, match: 'all', from: 'x' };
    expect(bindingIdentity(a)).toBe(bindingIdentity(b));
    expect(brokerBindingKey(brokerBindingOf(a))).toBe(brokerBindingKey(brokerBindingOf(b)));
  });

  it('a live row as the management API lists it finds the binding the plan declared', () => {
    const spec: BindingSpec = { from: 'x', to: 'q', key: 'k', headers: { format: 'pdf' }, match: 'any' };
    const row = {
      source: 'x',
      destination: 'q',
      destination_type: 'queue',
      routing_key: 'k',
      arguments: { 'x-match': 'any', format: 'pdf' },
      properties_key: 'k~abc',
    };
    expect(brokerBindingKey(fromBrokerRow(row))).toBe(brokerBindingKey(brokerBindingOf(spec)));
  });
});
