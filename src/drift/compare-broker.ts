// What differs between a topology and a live broker (`warren drift`), from
// the two sides in one shape (broker-objects.ts) and the broker's own report
// of which policy applies to each queue. Pure: the broker is read elsewhere.
//
// - missing: declared, not on the broker (a missing vhost stands for its objects);
// - changed: on both, some declared field differs (the fields named; a
//   password hash is compared, never printed; a password held as a stack
//   secret is not compared at all: drift reads no secrets);
// - unmanaged: on the broker, in scope, not declared;
// - overridden: a managed queue to which the broker applies a policy or an
//   operator policy the topology does not declare in that vhost.
// What the broker does not say (a queue whose statistics have not been
// emitted yet carries no policy) is listed as unknown, never as no drift.
import { hasOwn } from '../base/own-keys.js';
import type { JsonMap, JsonValue } from '../plan/plan-types.js';
import { withoutImplicitType } from '../plan/vhost-object-changes.js';
import { type BrokerObject, hideCredentials, objectId, objectKey, same } from './broker-objects.js';

export const DRIFT_KINDS = ['missing', 'changed', 'unmanaged', 'overridden'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** One field that differs: both values, unless the field is a secret (`hidden`). */
export interface FieldChange {
  readonly field: string;
  readonly topology?: JsonValue;
  readonly broker?: JsonValue;
  readonly hidden?: true;
}

export interface Drift {
  readonly kind: DriftKind;
  readonly vhost: string | null;
  readonly type: string;
  readonly name: string;
  /** The object's id (`VHOST/TYPE/NAME`, `vhost/NAME`, `user/NAME`), which --ignore matches. */
  readonly id: string;
  /** changed: the fields that differ; overridden: the settings the foreign policy sets. */
  readonly fields?: readonly string[];
  readonly changes?: readonly FieldChange[];
  /** overridden: the policy or operator policy the broker applies. */
  readonly policy?: string;
  readonly operatorPolicy?: string;
}

export interface Unknown {
  readonly vhost: string;
  readonly type: 'queue';
  readonly name: string;
  readonly id: string;
  readonly why: string;
}

/** A queue row of GET /api/queues?columns=vhost,name,policy,operator_policy. */
export interface QueuePolicies {
  readonly vhost: string;
  readonly name: string;
  /** Absent: the broker has not said (no statistics yet); null: none applies. */
  readonly policy?: string | null;
  readonly operator_policy?: string | null;
}

export interface CompareInput {
  readonly declared: ReadonlyMap<string, BrokerObject>;
  readonly live: ReadonlyMap<string, BrokerObject>;
  readonly queues: readonly QueuePolicies[];
  /** Which live objects are reported as unmanaged: those in the declared vhosts, or everything on the broker. */
  readonly scope: 'topology' | 'broker';
  /**
   * The user drift reads the broker as: its permissions in the declared vhosts, when undeclared, are not reported as
   * unmanaged but listed apart (RabbitMQ grants whoever creates a vhost through the management API full permissions
   * on it, so a deployment as that user leaves them on every vhost it created).
   */
  readonly reader?: string;
  /** Declared fields not compared, by object key (a user's password held as a stack secret, a URI with one). */
  readonly uncompared?: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * The kinds of vhost object warren declares; a runtime parameter of another component (the broker's own
 * `exchange-delete-in-progress` while federation removes a link's exchange, a plugin's) is not its to report.
 */
const MANAGED_TYPES = new Set([
  'permissions',
  'topic-permissions',
  'exchange',
  'queue',
  'binding',
  'policy',
  'operator-policy',
  'federation-upstream',
  'federation-upstream-set',
  'shovel',
]);

/** Fields whose values are never printed. */
const SECRET_FIELDS = new Set(['password_hash', 'hashing_algorithm']);

export interface Comparison {
  readonly drift: Drift[];
  readonly unknown: Unknown[];
  /** Drift left out of the report, and why (the reader's own permissions). */
  readonly notReported: { readonly id: string; readonly why: string }[];
}

export function compareBroker(input: CompareInput): Comparison {
  const { declared, live } = input;
  const drift: Drift[] = [];
  const notReported: Comparison['notReported'] = [];
  const declaredVhosts = new Set([...declared.values()].filter((o) => o.type === 'vhost').map((o) => o.name));
  const missingVhosts = new Set([...declaredVhosts].filter((v) => !live.has(objectKey(vhostRef(v)))));
  for (const [key, d] of declared) {
    const l = live.get(key);
    if (!l) {
      // The objects of a vhost that is gone are gone with it: the vhost says it once.
      if (d.vhost === null || !missingVhosts.has(d.vhost)) drift.push(entry('missing', d));
      continue;
    }
    const changes = fieldChanges(d, l, input.uncompared?.get(key));
    if (changes.length > 0) drift.push({ ...entry('changed', d), fields: changes.map((c) => c.field), changes });
  }
  const internal = internalObjects(live);
  for (const [key, l] of live) {
    if (declared.has(key)) continue;
    const inScope =
      input.scope === 'broker' ||
      (l.vhost === null ? false : declaredVhosts.has(l.vhost) && !missingVhosts.has(l.vhost));
    if (!inScope) continue;
    if (l.vhost !== null && !MANAGED_TYPES.has(l.type)) {
      notReported.push({
        id: objectId(l),
        why: `a runtime parameter of component ${l.type}, which warren does not manage`,
      });
      continue;
    }
    const purpose = internalPurpose(l, internal);
    if (purpose !== undefined) {
      notReported.push({
        id: objectId(l),
        why: `made by RabbitMQ itself (x-internal-purpose: ${purpose}), e.g. a federation link's exchange and queue`,
      });
      continue;
    }
    if (l.type === 'permissions' && l.name === input.reader) {
      notReported.push({
        id: objectId(l),
        why: `the permissions of ${JSON.stringify(l.name)}, the user drift reads as, which RabbitMQ grants whoever creates a vhost through the management API (read as another user to see them)`,
      });
      continue;
    }
    drift.push(entry('unmanaged', l));
  }
  const unknown: Unknown[] = [];
  for (const q of input.queues) {
    const ref = { type: 'queue', vhost: q.vhost, name: q.name };
    if (!declared.has(objectKey(ref))) continue;
    if (!hasOwn(q, 'policy') || !hasOwn(q, 'operator_policy')) {
      unknown.push({
        ...ref,
        type: 'queue',
        id: objectId(ref),
        why: 'the broker reports no policy for it yet (a queue’s statistics come some seconds after it is declared, and not while it is down)',
      });
      continue;
    }
    const foreign = (type: 'policy' | 'operator-policy', name: string | null | undefined) =>
      typeof name === 'string' && !declared.has(objectKey({ type, vhost: q.vhost, name })) ? name : undefined;
    const policy = foreign('policy', q.policy);
    const operatorPolicy = foreign('operator-policy', q.operator_policy);
    if (policy === undefined && operatorPolicy === undefined) continue;
    const settings = [
      ...(policy === undefined ? [] : definitionKeys(live, 'policy', q.vhost, policy)),
      ...(operatorPolicy === undefined ? [] : definitionKeys(live, 'operator-policy', q.vhost, operatorPolicy)),
    ];
    drift.push({
      ...entry('overridden', { ...ref, fields: {} }),
      fields: [...new Set(settings)].sort(),
      ...(policy === undefined ? {} : { policy }),
      ...(operatorPolicy === undefined ? {} : { operatorPolicy }),
    });
  }
  return { drift: drift.sort(byPlace), unknown: unknown.sort(byPlace), notReported };
}

/**
 * What RabbitMQ made itself: plugins declare their exchanges and queues with `x-internal-purpose`; a binding to or
 * from one of those is theirs too, as is one federation makes upstream (its arguments carry `x-bound-from`).
 */
function internalPurpose(o: BrokerObject, internal: ReadonlyMap<string, string>): string | undefined {
  const args = o.fields.arguments;
  if (o.type === 'exchange' || o.type === 'queue') {
    const purpose = isMap(args) ? args['x-internal-purpose'] : undefined;
    return typeof purpose === 'string' ? purpose : undefined;
  }
  if (o.type !== 'binding') return undefined;
  if (isMap(args) && hasOwn(args, 'x-bound-from')) return 'federation';
  const end = (type: unknown, name: unknown) => internal.get(JSON.stringify([o.vhost, type, name]));
  return end('exchange', o.fields.source) ?? end(o.fields.destination_type, o.fields.destination);
}

/** The exchanges and queues RabbitMQ made itself, by vhost, type and name → their purpose. */
function internalObjects(live: ReadonlyMap<string, BrokerObject>): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of live.values()) {
    const purpose = o.type === 'binding' ? undefined : internalPurpose(o, out);
    if (purpose !== undefined) out.set(JSON.stringify([o.vhost, o.type, o.name]), purpose);
  }
  return out;
}

function vhostRef(name: string) {
  return { type: 'vhost', vhost: null, name };
}

function entry(kind: DriftKind, o: BrokerObject): Drift {
  return { kind, vhost: o.vhost, type: o.type, name: o.name, id: objectId(o) };
}

/** The settings a live policy sets, as the broker lists them. */
function definitionKeys(live: ReadonlyMap<string, BrokerObject>, type: string, vhost: string, name: string): string[] {
  const definition = live.get(objectKey({ type, vhost, name }))?.fields.definition;
  return definition && typeof definition === 'object' && !Array.isArray(definition) ? Object.keys(definition) : [];
}

/** The declared fields that differ on the broker; a map field key by key. Fields only the broker has are not compared. */
export function fieldChanges(d: BrokerObject, l: BrokerObject, uncompared?: ReadonlySet<string>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of Object.keys(d.fields)) {
    if (uncompared?.has(field)) continue;
    const want = d.fields[field]!;
    let have = hasOwn(l.fields, field) ? l.fields[field]! : undefined;
    if (d.type === 'queue' && field === 'arguments' && isMap(have) && isMap(want))
      have = withoutImplicitType(have as JsonMap, want as JsonMap);
    if (isMap(want) && (have === undefined || isMap(have))) {
      const keys = new Set([...Object.keys(want), ...Object.keys(have ?? {})]);
      for (const k of [...keys].sort()) {
        const a = hasOwn(want, k) ? want[k] : undefined;
        const b = have && hasOwn(have, k) ? have[k] : undefined;
        if (uncompared?.has(`${field}.${k}`)) continue;
        if (!same(a, b)) out.push(change(`${field}.${k}`, a, b, SECRET_FIELDS.has(field)));
      }
    } else if (!same(want, have)) out.push(change(field, want, have, SECRET_FIELDS.has(field)));
  }
  return out;
}

function change(field: string, topology: JsonValue | undefined, broker: JsonValue | undefined, secret: boolean) {
  if (secret) return { field, hidden: true as const };
  return {
    field,
    ...(topology === undefined ? {} : { topology: hideCredentials(topology) }),
    ...(broker === undefined ? {} : { broker: hideCredentials(broker) }),
  };
}

function isMap(v: unknown): v is Record<string, JsonValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const KIND_ORDER: Record<string, number> = { missing: 0, changed: 1, overridden: 2, unmanaged: 3 };

function byPlace(a: { vhost: string | null; id: string; kind?: string }, b: typeof a): number {
  return (
    order(a.vhost ?? '', b.vhost ?? '') ||
    (KIND_ORDER[a.kind ?? ''] ?? 0) - (KIND_ORDER[b.kind ?? ''] ?? 0) ||
    order(a.id, b.id)
  );
}

/** By code unit, as the plan orders ids: the same on every machine, whatever its locale. */
function order(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
