// A vhost group's objects as its inputs and state carry them (one canonical
// JSON text per object), and state written by an earlier warren (maps).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../src/plan/compile-plan.js';
import { decodeObjects, encodeLike, encodeObjects, sameObjects } from '../../src/plan/object-texts.js';
import { groupByVhost, type VHostObjects } from '../../src/plan/vhost-objects.js';
import { loadTopology } from '../../src/load-topology.js';

const ROOT = join(import.meta.dirname, '..', '..');
const plan = compilePlan(loadTopology({ paths: [join(ROOT, 'topology')] }).model);
const shop = groupByVhost(plan, false).find((g) => g.vhost === 'shop')!.objects;

/** A group whose queues are named as JavaScript's own members, with an argument so named too. */
function hostile(): VHostObjects {
  const queues: Record<string, object> = {};
  for (const name of ['__proto__', 'constructor', 'toString', 'plain'])
    Object.defineProperty(queues, name, {
      value: { durable: true, autoDelete: false, arguments: JSON.parse('{"__proto__": 1, "x-max-length": 5}') },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return { exchanges: {}, queues, bindings: {}, policies: {}, operatorPolicies: {} } as unknown as VHostObjects;
}

describe('a vhost group as object texts', () => {
  it('holds each object as one string under its own name, and reads it back as it was', () => {
    const texts = encodeObjects(shop);
    for (const kind of Object.keys(shop) as (keyof VHostObjects)[]) {
      expect(Object.keys(texts[kind])).toEqual(Object.keys(shop[kind]));
      for (const text of Object.values(texts[kind])) expect(typeof text).toBe('string');
    }
    expect(decodeObjects(texts)).toEqual(shop);
    const names = hostile();
    const back = decodeObjects(encodeObjects(names));
    expect(Object.keys(back.queues)).toEqual(['__proto__', 'constructor', 'toString', 'plain']);
    expect(Object.getPrototypeOf(back.queues)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back.queues, '__proto__')!.value.arguments['x-max-length']).toBe(5);
    expect(Object.hasOwn(back.queues.plain!.arguments, '__proto__')).toBe(true);
  });

  it('is the same text for the same object, whatever the order of its keys', () => {
    const q = { durable: true, autoDelete: false, arguments: { b: 1, a: 2 } };
    const r = { arguments: { a: 2, b: 1 }, autoDelete: false, durable: true };
    const one = encodeObjects({ ...hostile(), queues: { q } } as unknown as VHostObjects);
    const two = encodeObjects({ ...hostile(), queues: { q: r } } as unknown as VHostObjects);
    expect(one.queues.q).toBe(two.queues.q);
  });

  it('reads the maps an earlier warren stored, and a missing kind as empty', () => {
    const { operatorPolicies: _, ...older } = shop;
    const read = decodeObjects(older as never);
    expect(read.queues).toEqual(shop.queues);
    expect(read.operatorPolicies).toEqual({});
  });

  it('finds the same objects the same whether stored as texts or as maps, and a changed one changed', () => {
    const texts = encodeObjects(shop);
    expect(sameObjects(shop as never, texts)).toBe(true);
    expect(sameObjects(texts, encodeObjects(shop))).toBe(true);
    const name = Object.keys(shop.queues)[0]!;
    const changed = { ...texts, queues: { ...texts.queues, [name]: texts.queues[name]!.replace('true', 'false') } };
    expect(sameObjects(texts, changed)).toBe(false);
    expect(sameObjects(shop as never, changed)).toBe(false);
    const fewer = { ...texts, queues: Object.fromEntries(Object.entries(texts.queues).slice(1)) };
    expect(sameObjects(texts, fewer)).toBe(false);
    expect(sameObjects(fewer, texts)).toBe(false);
  });

  it('reports refreshed objects in the form the state holds each, so an older stack shows no false drift', () => {
    const asMaps = encodeLike(shop, shop as never);
    expect(asMaps.queues).toEqual(shop.queues);
    const asTexts = encodeLike(shop, encodeObjects(shop));
    expect(asTexts).toEqual(encodeObjects(shop));
    expect(encodeLike(shop, undefined)).toEqual(encodeObjects(shop));
  });

  it('says which object of the state is not JSON, without its text', () => {
    expect(() => decodeObjects({ queues: { orders: '{"durable": tr' } })).toThrow(/queues "orders" is not JSON$/);
  });
});
