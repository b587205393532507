// What converging one vhost group takes: which objects to delete first, and
// which to declare with one definitions import. Pure, so the rules are tested
// without a broker; the dynamic provider only carries them out.
//
// Names are fixed, so an exchange or queue whose declaration changed is
// deleted and declared again (the guard has refused that for queues unless
// the stack allowed it). The broker drops the bindings of a deleted exchange
// or queue: they are declared again too. Policies are overwritten in place.
import { brokerBindingKey, canonical, fromBrokerRow } from '../model/binding-identity.js';
import { hasOwn, own, setOwn } from '../base/own-keys.js';
import { TYPE_ARGUMENT } from '../format/queue-fields.js';
import type { JsonMap } from './plan-types.js';
import {
  emptyObjects,
  OBJECT_KINDS,
  type BindingObject,
  type ObjectKind,
  type PolicyObject,
  type VHostObjects,
} from './vhost-objects.js';

export interface ObjectChanges {
  /** Deleted before anything is declared, in this order: bindings, queues, exchanges, then policies. */
  readonly deletes: { readonly [K in ObjectKind]: readonly string[] };
  readonly declares: VHostObjects;
}

export function objectChanges(olds: VHostObjects, news: VHostObjects): ObjectChanges {
  const deletes = Object.fromEntries(OBJECT_KINDS.map((k) => [k, []])) as unknown as { [K in ObjectKind]: string[] };
  const declares = emptyObjects() as { [K in ObjectKind]: Record<string, unknown> };
  for (const kind of OBJECT_KINDS) {
    const before: Record<string, unknown> = olds[kind] ?? {};
    const after: Record<string, unknown> = news[kind];
    for (const [key, value] of Object.entries(before)) {
      const changed = hasOwn(after, key) && canonical(value) !== canonical(own(after, key));
      // Policies are overwritten in place; everything else with a fixed name is deleted and declared again.
      if (!hasOwn(after, key) || (changed && kind !== 'policies' && kind !== 'operatorPolicies'))
        deletes[kind].push(key);
    }
    for (const [key, value] of Object.entries(after)) {
      if (!hasOwn(before, key) || canonical(own(before, key)) !== canonical(value)) setOwn(declares[kind], key, value);
    }
  }
  // Bindings of an end that is declared: the broker dropped them with the end (deleted here, or by hand).
  const redeclared = {
    exchange: new Set(Object.keys(declares.exchanges)),
    queue: new Set(Object.keys(declares.queues)),
  };
  for (const [key, b] of Object.entries(news.bindings)) {
    if (redeclared.exchange.has(b.source) || redeclared[b.destinationType].has(b.destination))
      setOwn(declares.bindings, key, b);
  }
  // A binding goes with an end that is deleted: no request of its own.
  const gone = { exchange: new Set(deletes.exchanges), queue: new Set(deletes.queues) };
  deletes.bindings = deletes.bindings.filter((key) => {
    const b = own(olds.bindings, key)!;
    return !gone.exchange.has(b.source) && !gone[b.destinationType].has(b.destination);
  });
  return { deletes, declares: declares as unknown as VHostObjects };
}

/** Whether a change deletes or declares anything at all. */
export function isEmpty(c: ObjectChanges): boolean {
  return OBJECT_KINDS.every((k) => c.deletes[k].length === 0 && Object.keys(c.declares[k]).length === 0);
}

/**
 * `protect` for queues inside a vhost group, as Pulumi applies it to a
 * resource of its own: a protected queue is neither deleted nor re-declared.
 * A queue protected at the last deployment stays protected until a deployment
 * unprotects it (warren:protectQueues false, or warren:allow.recreate).
 */
export function protectRefusals(
  vhost: string,
  olds: VHostObjects,
  oldProtected: readonly string[],
  news: VHostObjects,
  newProtected: readonly string[],
): string[] {
  const out: string[] = [];
  for (const name of oldProtected) {
    if (!hasOwn(news.queues, name))
      out.push(
        `queue ${vhost}/${name} is protected (warren:protectQueues); it cannot be deleted until a deployment unprotects it`,
      );
    else if (
      newProtected.includes(name) &&
      hasOwn(olds.queues, name) &&
      canonical(own(olds.queues, name)) !== canonical(own(news.queues, name))
    ) {
      out.push(
        `queue ${vhost}/${name} is protected (warren:protectQueues); it cannot be re-declared (allow it with warren:allow.recreate, which unprotects it)`,
      );
    }
  }
  return out;
}

/**
 * A definitions document (RabbitMQ's format) for one vhost's objects.
 * Operator policies go in as `parameters`: declared through PUT
 * /api/operator-policies, RabbitMQ 3.10 stores their definition as a list of
 * pairs, which its own export then writes as `[["max-length", 100000]]`.
 */
export function toDefinitions(objects: VHostObjects): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {
    parameters: Object.entries(objects.operatorPolicies).map(([name, p]) => {
      const { name: _, ...value } = policyBody(name, p);
      return { component: 'operator_policy', name, value };
    }),
    policies: Object.entries(objects.policies).map(([name, p]) => policyBody(name, p)),
    exchanges: Object.entries(objects.exchanges).map(([name, x]) => ({
      name,
      type: x.type,
      durable: x.durable,
      auto_delete: x.autoDelete,
      internal: x.internal,
      arguments: x.arguments,
    })),
    queues: Object.entries(objects.queues).map(([name, q]) => ({
      name,
      durable: q.durable,
      auto_delete: q.autoDelete,
      arguments: q.arguments,
    })),
    bindings: Object.values(objects.bindings).map(bindingBody),
  };
  return Object.fromEntries(Object.entries(out).filter(([, list]) => list.length > 0));
}

function policyBody(name: string, p: PolicyObject): Record<string, unknown> {
  return { name, pattern: p.pattern, 'apply-to': p.applyTo, priority: p.priority, definition: p.definition };
}

function bindingBody(b: BindingObject): Record<string, unknown> {
  return {
    source: b.source,
    destination: b.destination,
    destination_type: b.destinationType,
    routing_key: b.routingKey,
    arguments: b.arguments,
  };
}

/** What the broker reports for a vhost, in the shapes it uses (management API rows or definitions entries). */
export interface LiveVhost {
  readonly exchanges: readonly {
    name: string;
    type: string;
    durable: boolean;
    auto_delete: boolean;
    internal: boolean;
    arguments?: JsonMap;
  }[];
  readonly queues: readonly { name: string; durable: boolean; auto_delete: boolean; arguments?: JsonMap }[];
  readonly bindings: readonly {
    source: string;
    destination: string;
    destination_type: string;
    routing_key: string;
    arguments?: JsonMap;
  }[];
  readonly policies: readonly {
    name: string;
    pattern: string;
    'apply-to': string;
    priority: number;
    definition: JsonMap;
  }[];
  readonly operatorPolicies: readonly {
    name: string;
    pattern: string;
    'apply-to': string;
    priority: number;
    definition: JsonMap;
  }[];
}

/**
 * The managed objects as the broker has them: those that are gone are left
 * out, the others carry the live values (`refresh` then shows each drifted
 * object). Objects the group does not manage are ignored.
 */
export function liveObjects(managed: VHostObjects, live: LiveVhost): VHostObjects {
  const out = emptyObjects() as { [K in ObjectKind]: Record<string, unknown> };
  for (const x of live.exchanges) {
    if (hasOwn(managed.exchanges, x.name))
      setOwn(out.exchanges, x.name, {
        type: x.type,
        durable: x.durable,
        autoDelete: x.auto_delete,
        internal: x.internal,
        arguments: x.arguments ?? {},
      });
  }
  for (const q of live.queues) {
    const ours = own(managed.queues, q.name);
    if (ours)
      setOwn(out.queues, q.name, {
        durable: q.durable,
        autoDelete: q.auto_delete,
        arguments: withoutImplicitType(q.arguments ?? {}, ours.arguments),
      });
  }
  const keys = new Map(Object.entries(managed.bindings).map(([key, b]) => [brokerBindingKey(b), key]));
  for (const b of live.bindings) {
    const key = keys.get(brokerBindingKey(fromBrokerRow(b)));
    if (key !== undefined) setOwn(out.bindings, key, own(managed.bindings, key));
  }
  for (const [kind, rows] of [
    ['policies', live.policies],
    ['operatorPolicies', live.operatorPolicies],
  ] as const) {
    for (const p of rows) {
      if (hasOwn(managed[kind], p.name))
        setOwn(out[kind], p.name, {
          pattern: p.pattern,
          applyTo: p['apply-to'],
          priority: p.priority,
          definition: p.definition,
        });
    }
  }
  return out as unknown as VHostObjects;
}

/** RabbitMQ 4 reports `x-queue-type: classic` on queues declared without a type: not a difference. */
export function withoutImplicitType(live: JsonMap, declared: JsonMap): JsonMap {
  if (live[TYPE_ARGUMENT] !== 'classic' || hasOwn(declared, TYPE_ARGUMENT)) return live;
  const { [TYPE_ARGUMENT]: _, ...rest } = live;
  return rest;
}

/**
 * Exchanges and queues that exist with another declaration: declaring them
 * would fail (and a queue would have to be deleted, with its messages). The
 * group's create refuses them, naming each, before it changes anything.
 */
export function declarationConflicts(vhost: string, news: VHostObjects, live: LiveVhost): string[] {
  const current = liveObjects(news, { ...live, bindings: [], policies: [], operatorPolicies: [] });
  const out: string[] = [];
  for (const kind of ['exchanges', 'queues'] as const) {
    for (const [name, value] of Object.entries(current[kind])) {
      const declared = own(news[kind] as Record<string, unknown>, name);
      if (canonical(value) !== canonical(declared)) {
        out.push(
          `${kind === 'queues' ? 'queue' : 'exchange'} ${vhost}/${name} exists with ${canonical(value)}, the topology declares ${canonical(declared)}`,
        );
      }
    }
  }
  return out;
}
