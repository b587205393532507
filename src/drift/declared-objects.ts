// The topology's side of `warren drift`: its plan as `warren export` writes
// it (what warren would write to the broker), read by the same normalizer as
// the broker's export, and the declared fields that cannot be compared
// because their value is a stack secret, which drift never reads.
import { planToDefinitions } from '../export/plan-to-definitions.js';
import type { Plan } from '../plan/plan-types.js';
import { type BrokerObject, type DefinitionsLike, objectKey, objectsOf } from './broker-objects.js';

export interface DeclaredObjects {
  readonly objects: Map<string, BrokerObject>;
  /** Object key → fields not compared (`password_hash`; `value.uri` of a parameter's value). */
  readonly uncompared: Map<string, Set<string>>;
}

export function declaredObjects(plan: Plan): DeclaredObjects {
  const { definitions, usersWithoutPassword, placeholders } = planToDefinitions(plan);
  const objects = objectsOf(definitions as unknown as DefinitionsLike);
  const uncompared = new Map<string, Set<string>>();
  const skip = (key: string, field: string) => uncompared.set(key, (uncompared.get(key) ?? new Set()).add(field));
  for (const user of usersWithoutPassword) {
    const key = objectKey({ type: 'user', vhost: null, name: user });
    skip(key, 'password_hash');
    skip(key, 'hashing_algorithm');
  }
  for (const p of placeholders)
    skip(objectKey({ type: p.component, vhost: p.vhost, name: p.name }), `value.${p.field}`);
  return { objects, uncompared };
}
