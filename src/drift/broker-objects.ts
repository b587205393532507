// Both sides of `warren drift` in one shape: every object the topology
// declares (its plan, as `warren export` writes it) and every object the
// broker holds (its own definitions export) become comparable records keyed
// by type, vhost and name. One normalizer reads both, so a difference is
// never an artefact of two readers: what differs is what the broker's own
// export says differs from what warren would write.
import { redactUrl } from '../broker/read-management.js';
import { canonical, fromBrokerRow } from '../model/binding-identity.js';
import { ids } from '../plan/plan-ids.js';
import type { JsonMap, JsonValue } from '../plan/plan-types.js';

/** The kinds of object drift reports (`type` in its JSON): the plan's kinds, and a runtime parameter's component. */
export type ObjectType =
  | 'vhost'
  | 'user'
  | 'permissions'
  | 'topic-permissions'
  | 'exchange'
  | 'queue'
  | 'binding'
  | 'policy'
  | 'operator-policy'
  | 'federation-upstream'
  | 'federation-upstream-set'
  | 'shovel'
  | (string & {});

export interface BrokerObject {
  readonly type: ObjectType;
  /** Null for users, which belong to no vhost. */
  readonly vhost: string | null;
  readonly name: string;
  /** Compared field by field; a field whose value is a map is compared key by key. */
  readonly fields: Record<string, JsonValue>;
}

/** A definitions document as the broker exports it and `warren export` writes it: every list optional. */
export interface DefinitionsLike {
  readonly vhosts?: readonly Row[];
  readonly users?: readonly Row[];
  readonly permissions?: readonly Row[];
  readonly topic_permissions?: readonly Row[];
  readonly policies?: readonly Row[];
  readonly queues?: readonly Row[];
  readonly exchanges?: readonly Row[];
  readonly bindings?: readonly Row[];
  readonly parameters?: readonly Row[];
}
export type Row = Readonly<Record<string, unknown>>;

/** The key of an object: type, vhost and name, unambiguous whatever the names hold. */
export function objectKey(o: { readonly type: string; readonly vhost: string | null; readonly name: string }): string {
  return JSON.stringify([o.type, o.vhost, o.name]);
}

/**
 * The id drift prints and `--ignore` matches, in the plan's form: `vhost/NAME`, `user/NAME`,
 * `VHOST/TYPE/NAME` (a binding: its plan id).
 */
export function objectId(o: { readonly type: string; readonly vhost: string | null; readonly name: string }): string {
  if (o.type === 'vhost') return ids.vhost(o.name);
  if (o.type === 'user') return ids.user(o.name);
  if (o.type === 'binding') return `${ids.vhost(o.vhost ?? '').slice('vhost/'.length)}/binding/${o.name}`;
  return ids.object(o.vhost ?? '', o.type, o.name);
}

/**
 * Every object of a definitions document. `vhostRows` are the vhosts with their settings (GET /api/vhosts: the
 * broker's export of 3.10 lists only their names), when the document's own list lacks them.
 */
export function objectsOf(d: DefinitionsLike, vhostRows: readonly Row[] = d.vhosts ?? []): Map<string, BrokerObject> {
  const out = new Map<string, BrokerObject>();
  const put = (o: BrokerObject) => out.set(objectKey(o), o);
  const vhosts = new Map<string, Record<string, JsonValue>>();
  for (const v of vhostRows) {
    const fields: Record<string, JsonValue> = {
      description: typeof v.description === 'string' ? v.description : '',
      tags: tagList(v.tags),
      limits: {},
    };
    // The HTTP API says "undefined" for a vhost without a default queue type.
    if (typeof v.default_queue_type === 'string' && v.default_queue_type !== 'undefined')
      fields.default_queue_type = v.default_queue_type;
    vhosts.set(String(v.name), fields);
    put({ type: 'vhost', vhost: null, name: String(v.name), fields });
  }
  for (const u of d.users ?? [])
    put({
      type: 'user',
      vhost: null,
      name: String(u.name),
      fields: {
        tags: tagList(u.tags),
        limits: mapOf(u.limits),
        password_hash: String(u.password_hash ?? ''),
        hashing_algorithm: String(u.hashing_algorithm ?? ''),
      },
    });
  for (const p of d.permissions ?? [])
    put({
      type: 'permissions',
      vhost: String(p.vhost),
      name: String(p.user),
      fields: { configure: String(p.configure), write: String(p.write), read: String(p.read) },
    });
  // A user's topic permissions in a vhost are one object, keyed by exchange (as the topology writes them).
  for (const p of d.topic_permissions ?? []) {
    const key = objectKey({ type: 'topic-permissions', vhost: String(p.vhost), name: String(p.user) });
    const o = out.get(key) ?? {
      type: 'topic-permissions',
      vhost: String(p.vhost),
      name: String(p.user),
      fields: {},
    };
    o.fields[String(p.exchange)] = { write: String(p.write), read: String(p.read) };
    out.set(key, o);
  }
  for (const p of d.policies ?? []) put(policy('policy', p.vhost, p.name, p));
  for (const q of d.queues ?? [])
    put({
      type: 'queue',
      vhost: String(q.vhost),
      name: String(q.name),
      fields: { durable: q.durable === true, auto_delete: q.auto_delete === true, arguments: mapOf(q.arguments) },
    });
  for (const x of d.exchanges ?? [])
    put({
      type: 'exchange',
      vhost: String(x.vhost),
      name: String(x.name),
      fields: {
        type: String(x.type),
        durable: x.durable === true,
        auto_delete: x.auto_delete === true,
        internal: x.internal === true,
        arguments: mapOf(x.arguments),
      },
    });
  for (const b of d.bindings ?? []) {
    const vhost = String(b.vhost);
    const id = ids.binding(vhost, { ...fromBrokerRow(b), arguments: mapOf(b.arguments) });
    // Its ends and arguments are its identity (the name): the same on both sides whenever the name is.
    put({
      type: 'binding',
      vhost,
      name: id.slice(id.indexOf('/binding/') + '/binding/'.length),
      fields: {
        source: String(b.source),
        destination: String(b.destination),
        destination_type: String(b.destination_type),
        arguments: mapOf(b.arguments),
      },
    });
  }
  for (const p of d.parameters ?? []) {
    const vhost = String(p.vhost);
    if (p.component === 'vhost-limits') {
      // The limits are a setting of their vhost (a vhost the list lacks is one the broker no longer has).
      const fields = vhosts.get(vhost);
      if (fields) fields.limits = mapOf(p.value);
      continue;
    }
    if (p.component === 'operator_policy') {
      put(policy('operator-policy', p.vhost, p.name, mapOf(p.value)));
      continue;
    }
    // The value key by key (a field set by hand is drift too); an upstream set's list as one.
    put({ type: String(p.component), vhost, name: String(p.name), fields: { value: (p.value as JsonValue) ?? null } });
  }
  return out;
}

function policy(type: 'policy' | 'operator-policy', vhost: unknown, name: unknown, p: Row): BrokerObject {
  return {
    type,
    vhost: String(vhost),
    name: String(name),
    fields: {
      pattern: String(p.pattern),
      'apply-to': String(p['apply-to'] ?? 'all'),
      priority: typeof p.priority === 'number' ? p.priority : Number(p.priority ?? 0),
      definition: definitionOf(p.definition),
    },
  };
}

/** A policy definition; RabbitMQ 3.10 keeps an operator policy declared through the HTTP API as a list of pairs. */
function definitionOf(v: unknown): JsonMap {
  if (Array.isArray(v) && v.every((pair) => Array.isArray(pair) && pair.length === 2))
    return Object.fromEntries(v.map(([k, x]) => [String(k), x as JsonValue]));
  return mapOf(v);
}

/** Tags as a set: a list or the comma-separated text older brokers give, sorted. */
function tagList(v: unknown): string[] {
  const list = Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? v.split(',') : [];
  return [...new Set(list)].sort();
}

function mapOf(v: unknown): JsonMap {
  return isMap(v) ? { ...(v as JsonMap) } : {};
}

function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Two values the same, whatever the order of their keys. */
export function same(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** A value with the credentials of every URI in it hidden (a shovel's or upstream's URI as the broker holds it). */
export function hideCredentials(v: JsonValue): JsonValue {
  if (typeof v === 'string') return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(v) ? redactUrl(v) : v;
  if (Array.isArray(v)) return v.map(hideCredentials);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hideCredentials(x)]));
  return v;
}
