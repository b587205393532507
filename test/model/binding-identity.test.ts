// One binding identity: the model's key (bindingIdentity, from which the plan id
// and the import's de-duplication come) and the key that matches live broker
// rows (brokerBindingKey of what the plan declares) must agree on which
// bindings are the same binding. If either form drifts (a field added to one,
// a default applied in one only), a generated pair shows it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bindingIdentity, brokerBindingKey, brokerBindingOf, fromBrokerRow } from '../../src/model/binding-identity.js';
import type { BindingSpec } from '../../src/schema/topology-schema.js';

const name = fc.constantFrom('a', 'b', 'orders', 'x.y', 'q 1');
const value = fc.oneof(fc.constantFrom('pdf', 'report', ''), fc.integer({ min: 0, max: 3 }), fc.boolean());
const binding: fc.Arbitrary<BindingSpec> = fc
  .record(
    {
      from: name,
      to: name,
      toExchange: name,
      key: fc.constantFrom('k', '', 'order.#', 'a.*'),
      headers: fc.dictionary(fc.constantFrom('format', 'type', 'x-match'), value, { maxKeys: 2 }),
      match: fc.constantFrom('all', 'any', 'all-with-x', 'any-with-x'),
      arguments: fc.dictionary(fc.constantFrom('x-a', 'x-b', 'format'), value, { maxKeys: 2 }),
    },
    { requiredKeys: ['from'] },
  )
  // Exactly one destination, as the schema requires.
  .map((b) => {
    const { to, toExchange, ...rest } = b;
    return (to !== undefined ? { ...rest, to } : { ...rest, toExchange: toExchange ?? 'a' }) as BindingSpec;
  });

describe('binding identity', () => {
  it('two bindings are one in the model exactly when they are one on the broker', () => {
    fc.assert(
      fc.property(binding, binding, (a, b) => {
        const model = bindingIdentity(a) === bindingIdentity(b);
        const broker = brokerBindingKey(brokerBindingOf(a)) === brokerBindingKey(brokerBindingOf(b));
        expect(model).toBe(broker);
      }),
      { numRuns: 2000 },
    );
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
