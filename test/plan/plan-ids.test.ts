// Plan ids are unambiguous encodings (plan-ids.ts): whatever characters the
// names hold, an id reads back as exactly what it names, so two different
// objects never share one (one would silently replace the other in the plan,
// and as one Pulumi resource). Proved by decoding every generated id back to
// its tuple, over names made of the ids' own separators, prototype names,
// non-ASCII and line breaks; and ids of names without the escaped characters
// are what they always were (existing stacks keep their resource names).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BrokerBinding, canonical } from '../../src/model/binding-identity.js';
import { ids } from '../../src/plan/plan-ids.js';
import { hostileName } from '../support/hostile-names.js';

const headerValue = fc.oneof(fc.constantFrom('x', ''), fc.integer({ min: 0, max: 2 }), fc.boolean());
const brokerBinding: fc.Arbitrary<BrokerBinding> = fc.record({
  source: hostileName,
  destination: hostileName,
  destinationType: fc.constantFrom('queue', 'exchange'),
  routingKey: hostileName,
  arguments: fc.dictionary(hostileName, headerValue, { maxKeys: 2 }),
});

/** Undoes part(): the only escapes are %25, %2F (and in a binding %3E, %5B, %5D, %3A), each of one character. */
function unescapePart(text: string): string {
  return text.replace(/%(25|2F|3A|3E|5B|5D)/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** Reads a binding id back into its vhost and binding, by the grammar plan-ids.ts documents. */
function readBindingId(id: string): { vhost: string; binding: BrokerBinding } {
  const m = /^([^/]*)\/binding\/([^>]*)>(queue|exchange):([^[]*)\[([^\]]*)\](?: (.*))?$/s.exec(id);
  if (!m) throw new Error(`not a binding id: ${id}`);
  const [, vhost, source, destinationType, destination, routingKey, args] = m as unknown as string[];
  return {
    vhost: unescapePart(vhost!),
    binding: {
      source: unescapePart(source!),
      destinationType: destinationType!,
      destination: unescapePart(destination!),
      routingKey: unescapePart(routingKey!),
      arguments: args === undefined ? {} : JSON.parse(unescapePart(args)),
    },
  };
}

/** Reads an object id back: vhost, kind and name. */
function readObjectId(id: string): [string, string, string] {
  const parts = id.split('/');
  expect(parts).toHaveLength(3);
  return [unescapePart(parts[0]!), parts[1]!, unescapePart(parts[2]!)];
}

describe('plan ids', () => {
  it('a binding id reads back as exactly its vhost, ends, key and arguments, and holds no `::`', () => {
    fc.assert(
      fc.property(hostileName, brokerBinding, (vhost, b) => {
        const id = ids.binding(vhost, b);
        expect(id).not.toContain('::');
        const read = readBindingId(id);
        expect(read.vhost).toBe(vhost);
        expect({ ...read.binding, arguments: canonical(read.binding.arguments) }).toEqual({
          ...b,
          arguments: canonical(b.arguments),
        });
      }),
      { numRuns: 3000 },
    );
  });

  it('vhost, user and object ids read back as what they name', () => {
    fc.assert(
      fc.property(hostileName, hostileName, fc.constantFrom('queue', 'exchange', 'policy'), (vhost, name, kind) => {
        expect(readObjectId(ids.object(vhost, kind, name))).toEqual([vhost, kind, name]);
        expect(unescapePart(ids.vhost(vhost).slice('vhost/'.length))).toBe(vhost);
        expect(unescapePart(ids.user(name).slice('user/'.length))).toBe(name);
        expect(ids.vhost(vhost).split('/')).toHaveLength(2);
      }),
      { numRuns: 2000 },
    );
  });

  it('different objects of any kinds never share an id', () => {
    const entry = fc.oneof(
      hostileName.map((v) => ({ what: ['vhost', v], id: ids.vhost(v) })),
      hostileName.map((u) => ({ what: ['user', u], id: ids.user(u) })),
      fc
        .tuple(hostileName, fc.constantFrom('queue', 'exchange', 'policy', 'binding'), hostileName)
        .map(([v, k, n]) => ({ what: ['object', v, k, n], id: ids.object(v, k, n) })),
      fc.tuple(hostileName, brokerBinding).map(([v, b]) => ({
        what: ['binding', v, b.source, b.destinationType, b.destination, b.routingKey, canonical(b.arguments)],
        id: ids.binding(v, b),
      })),
    );
    fc.assert(
      fc.property(fc.array(entry, { minLength: 2, maxLength: 40 }), (entries) => {
        const byId = new Map<string, string>();
        for (const e of entries) {
          const what = JSON.stringify(e.what);
          const seen = byId.get(e.id);
          if (seen !== undefined) expect(seen).toBe(what);
          byId.set(e.id, what);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('the bindings of the issue get two ids: queue `b[c]` key "" and queue `b` key "c]["', () => {
    const a = ids.binding('v', { source: 'a', destination: 'b[c]', destinationType: 'queue', routingKey: '' });
    const b = ids.binding('v', { source: 'a', destination: 'b', destinationType: 'queue', routingKey: 'c][' });
    expect(a).toBe('v/binding/a>queue:b%5Bc][]');
    expect(b).toBe('v/binding/a>queue:b[c%5D[]');
  });

  it('names without the escaped characters keep the ids they had (existing stacks keep their resource names)', () => {
    // Ids as the plan compiler wrote them before bindings escaped `>`, `[` and `]` in their parts.
    expect(ids.vhost('shop/eu')).toBe('vhost/shop%2Feu');
    expect(ids.object('/', 'queue', 'order_processor.dead')).toBe('%2F/queue/order_processor.dead');
    expect(
      ids.binding('shop', {
        source: 'reports',
        destination: 'pdf_reports',
        destinationType: 'queue',
        routingKey: 'a::b%/c',
        arguments: { 'x-match': 'all', format: 'pdf' },
      }),
    ).toBe('shop/binding/reports>queue:pdf_reports[a:%3Ab%25%2Fc] {"format":"pdf","x-match":"all"}');
    expect(
      ids.binding('shop', {
        source: 'orders',
        destination: 'all_orders',
        destinationType: 'queue',
        routingKey: 'order.#',
      }),
    ).toBe('shop/binding/orders>queue:all_orders[order.#]');
  });
});
