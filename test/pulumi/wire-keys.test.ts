// Map keys across Pulumi's wire (src/pulumi/dynamic/wire-keys.ts), proved with
// the SDK's own serializer and the protobuf Struct the engine and the dynamic
// providers exchange: a key `__proto__` does not survive them as it is (it is
// lost, and its value's keys become the outer map's), the engine's special key
// is taken for a special value; escaped with toWire, every key comes back as it
// was with fromWire, and every other map crosses unchanged.
import * as pulumi from '@pulumi/pulumi';
import fc from 'fast-check';
import structproto from 'google-protobuf/google/protobuf/struct_pb.js';
import { describe, expect, it } from 'vitest';
import { canonical } from '../../src/model/binding-identity.js';
import { fromWire, isWireSafe, toWire } from '../../src/pulumi/dynamic/wire-keys.js';
import { hostileName } from '../support/hostile-names.js';

const SIG = '4dabf18193072939515e22adb298388d';

/** What a dynamic provider receives for a program's input: serialized by the SDK, then a Struct both ways. */
async function acrossTheWire(value: Record<string, unknown>): Promise<Record<string, unknown>> {
  const serialized = await pulumi.runtime.serializeProperty('test', value);
  return structproto.Struct.fromJavaScript(serialized).toJavaScript() as Record<string, unknown>;
}

/** A map as a hostile document brings it: JSON.parse makes `__proto__` an own key. */
const queues = () => JSON.parse('{"__proto__":{"durable":true,"arguments":{}},"orders":{"durable":false}}');

describe('map keys across the Pulumi wire', () => {
  it('without escaping, a key __proto__ is lost and its value leaks into the outer map', async () => {
    const received = await acrossTheWire({ queues: queues() });
    const keys = Object.keys(received.queues as object).sort();
    expect(keys).not.toContain('__proto__');
    // The lost queue's fields now read as queues of their own.
    expect(keys).toEqual(['arguments', 'durable', 'orders']);
  });

  it("without escaping, the engine's special key makes a map read as a special value", async () => {
    const map = { [SIG]: 'x', other: 'y' };
    expect(() => pulumi.runtime.deserializeProperty(map)).toThrow(/signature/);
    expect(isWireSafe(map)).toBe(false);
  });

  it('escaped, every key comes back as it was, at any depth, and only those keys change on the wire', async () => {
    const value = { queues: queues(), list: [JSON.parse('{"__proto__":1}')], plain: { a: 1 } };
    const wire = await acrossTheWire(toWire(value));
    expect(Object.keys(wire.queues as object).sort()).toEqual(['%__proto__', 'orders']);
    expect(wire.plain).toEqual({ a: 1 });
    const back = fromWire(wire);
    expect(Object.keys(back.queues as object).sort()).toEqual(['__proto__', 'orders']);
    // (The wire sorts keys; order means nothing in a map.)
    expect(canonical(back)).toBe(canonical(value));
    expect(Object.getPrototypeOf(back.queues)).toBe(Object.prototype);
  });

  it('any keys survive the round trip, and keys that need no escape cross as they are', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(hostileName, fc.dictionary(hostileName, fc.integer())), async (map) => {
        const sent = JSON.parse(JSON.stringify(map)) as Record<string, unknown>;
        const back = fromWire(await acrossTheWire(toWire(sent)));
        expect(canonical(back)).toBe(canonical(sent));
        if (isWireSafe(sent)) expect(Object.keys(toWire(sent))).toEqual(Object.keys(sent));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves Pulumi values (outputs) alone', () => {
    const output = pulumi.output('x');
    expect(toWire({ connection: output }).connection).toBe(output);
  });
});
