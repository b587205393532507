// A vhost group's objects as its resource's inputs and state carry them: each
// object as one string, its canonical JSON, under its name. Why: Pulumi's
// Node runtime converts every value of a resource's inputs to and from
// protobuf in JavaScript, on every preview, several times per resource (the
// program's registration; the provider host's check, whose answer it converts
// back; its diff). For a vhost of some 4,500 objects, nested maps took many
// times as long as one string per object (`npm run bench:wire`; the figures:
// docs/benchmarks.md, "Figures"). A string per object, not one per vhost, keeps
// `pulumi preview --diff` and `refresh` naming each object that changed.
//
// State written by warren before this (maps, not strings) is read as it is:
// decodeObjects takes either form, so an upgraded warren sees no change.
// Pure, with no imports but the model's: the dynamic provider's code captures it.
import { canonical } from '../model/binding-identity.js';
import { hasOwn, own, setOwn } from '../base/own-keys.js';
import { OBJECT_KINDS, type ObjectKind, type VHostObjects } from './vhost-objects.js';

/** Each object's canonical JSON text, by kind and name (own keys, as VHostObjects). */
export type ObjectTexts = { readonly [K in ObjectKind]: Readonly<Record<string, string>> };

/** What inputs and state hold: texts, or (state written by an earlier warren) the objects themselves. */
export type StoredObjects = { readonly [K in ObjectKind]?: Readonly<Record<string, string | object>> };

export function encodeObjects(objects: VHostObjects): ObjectTexts {
  return mapObjects(objects, (_kind, value) => canonical(value)) as unknown as ObjectTexts;
}

/** The objects, each text parsed and each map taken as it is; a kind that is missing holds nothing. */
export function decodeObjects(stored: StoredObjects | undefined): VHostObjects {
  return mapObjects(stored ?? {}, parsed) as unknown as VHostObjects;
}

/**
 * `objects` stored in the form `like` stores them, object by object: a text where `like` holds a text or nothing, a
 * map where it holds a map. `refresh` then compares like with like (a map against a text would show every object of
 * a stack deployed by an earlier warren as changed).
 */
export function encodeLike(objects: VHostObjects, like: StoredObjects | undefined): StoredObjects {
  return mapObjects(objects, (kind, value, name) => {
    const was = own(like?.[kind], name);
    return was !== undefined && typeof was !== 'string' ? value : canonical(value);
  }) as StoredObjects;
}

/** Whether two stored forms hold the same objects: equal texts are the same object; anything else is compared parsed. */
export function sameObjects(a: StoredObjects | undefined, b: StoredObjects | undefined): boolean {
  return OBJECT_KINDS.every((kind) => {
    const x = a?.[kind] ?? {};
    const y = b?.[kind] ?? {};
    const keys = Object.keys(x);
    if (keys.length !== Object.keys(y).length) return false;
    return keys.every((key) => {
      if (!hasOwn(y, key)) return false;
      const u = x[key]!;
      const v = y[key]!;
      if (typeof u === 'string' && u === v) return true;
      return canonical(parsed(kind, u, key)) === canonical(parsed(kind, v, key));
    });
  });
}

/** A stored object: its text parsed, or the map an earlier warren stored. */
function parsed(kind: ObjectKind, value: string | object, name: string): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw new Error(`the state of ${kind} ${JSON.stringify(name)} is not JSON`);
  }
}

function mapObjects(
  objects: StoredObjects | VHostObjects,
  f: (kind: ObjectKind, value: never, name: string) => unknown,
): Record<ObjectKind, Record<string, unknown>> {
  const out = {} as Record<ObjectKind, Record<string, unknown>>;
  for (const kind of OBJECT_KINDS) {
    const map: Record<string, unknown> = {};
    for (const [name, value] of Object.entries((objects[kind] ?? {}) as Record<string, never>))
      setOwn(map, name, f(kind, value, name));
    out[kind] = map;
  }
  return out;
}
