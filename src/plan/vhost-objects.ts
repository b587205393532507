// The plan grouped per vhost, for `warren:granularity: vhost`: each vhost's
// exchanges, queues, bindings and policies as one value, keyed by a readable
// name, so that a diff of two of them (Pulumi's `preview --diff`, `refresh`)
// names each object that changed. Pure data: the Pulumi layer registers one
// resource per vhost from it.
import { setOwn } from '../base/own-keys.js';
import type { BindingEntry, ExchangeEntry, JsonMap, Plan, PlanEntry, PolicyEntry, QueueEntry } from './plan-types.js';

export interface ExchangeObject {
  readonly type: string;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly internal: boolean;
  readonly arguments: JsonMap;
}
export interface QueueObject {
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly arguments: JsonMap;
}
export interface BindingObject {
  readonly source: string;
  readonly destination: string;
  readonly destinationType: 'queue' | 'exchange';
  readonly routingKey: string;
  readonly arguments: JsonMap;
}
export interface PolicyObject {
  readonly pattern: string;
  readonly applyTo: string;
  readonly priority: number;
  readonly definition: JsonMap;
}

/**
 * The objects of one vhost, by kind; keys are names (bindings: the part of their plan id after `<vhost>/binding/`),
 * own keys only (base/own-keys.ts): a queue may be named `__proto__` or `constructor`.
 */
export interface VHostObjects {
  readonly exchanges: Record<string, ExchangeObject>;
  readonly queues: Record<string, QueueObject>;
  readonly bindings: Record<string, BindingObject>;
  readonly policies: Record<string, PolicyObject>;
  readonly operatorPolicies: Record<string, PolicyObject>;
}

export const OBJECT_KINDS = ['exchanges', 'queues', 'bindings', 'policies', 'operatorPolicies'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** A vhost's objects with nothing in them, to fill. */
export function emptyObjects(): { [K in ObjectKind]: Record<string, never> } {
  return { exchanges: {}, queues: {}, bindings: {}, policies: {}, operatorPolicies: {} };
}

export interface VHostGroup {
  /** The vhost's plan id (`vhost/<name>`). */
  readonly vhostId: string;
  readonly vhost: string;
  /** The plan ids of the entries the group holds: dependencies on them become dependencies on the group. */
  readonly entryIds: readonly string[];
  readonly objects: VHostObjects;
  /** Queue names that may not be deleted or re-declared (warren:protectQueues, minus allowed re-declarations). */
  readonly protectedQueues: readonly string[];
  /** Queue names whose fixed fields may change by a migration (warren:allow.migrate). */
  readonly migrate: readonly string[];
  /** New queue name → the name of the queue it replaces (`replaces:`). */
  readonly replaces: Readonly<Record<string, string>>;
}

/** True for the entries a vhost group holds; vhosts, users and permissions stay resources of their own. */
export function isGroupedEntry(e: PlanEntry): e is ExchangeEntry | QueueEntry | BindingEntry | PolicyEntry {
  return (
    e.kind === 'exchange' ||
    e.kind === 'queue' ||
    e.kind === 'binding' ||
    e.kind === 'policy' ||
    e.kind === 'operator-policy'
  );
}

export function groupByVhost(plan: Plan, protectQueues: boolean): VHostGroup[] {
  const groups = new Map<
    string,
    {
      vhostId: string;
      entryIds: string[];
      objects: { [K in ObjectKind]: Record<string, unknown> };
      protectedQueues: string[];
      migrate: string[];
      replaces: Record<string, string>;
    }
  >();
  for (const e of plan.entries) {
    if (e.kind === 'vhost')
      groups.set(e.name, {
        vhostId: e.id,
        entryIds: [],
        objects: emptyObjects(),
        protectedQueues: [],
        migrate: [],
        replaces: {},
      });
  }
  for (const e of plan.entries) {
    if (!isGroupedEntry(e)) continue;
    const g = groups.get(e.vhost);
    if (!g) throw new Error(`plan entry ${e.id} names vhost ${e.vhost}, which the plan does not hold`);
    g.entryIds.push(e.id);
    switch (e.kind) {
      case 'exchange':
        setOwn(g.objects.exchanges, e.name, {
          type: e.type,
          durable: e.durable,
          autoDelete: e.autoDelete,
          internal: e.internal,
          arguments: e.arguments,
        });
        break;
      case 'queue':
        setOwn(g.objects.queues, e.name, { durable: e.durable, autoDelete: e.autoDelete, arguments: e.arguments });
        if (protectQueues && !e.allowRecreate) g.protectedQueues.push(e.name);
        if (e.migrate) g.migrate.push(e.name);
        if (e.replaces !== undefined) setOwn(g.replaces, e.name, e.replaces);
        break;
      case 'binding':
        setOwn(g.objects.bindings, bindingKey(e), {
          source: e.source,
          destination: e.destination,
          destinationType: e.destinationType,
          routingKey: e.routingKey,
          arguments: e.arguments,
        });
        break;
      case 'policy':
      case 'operator-policy':
        setOwn(g.objects[e.kind === 'policy' ? 'policies' : 'operatorPolicies'], e.name, {
          pattern: e.pattern,
          applyTo: e.applyTo,
          priority: e.priority,
          definition: e.definition,
        });
        break;
    }
  }
  return [...groups.entries()].map(([vhost, g]) => ({
    vhost,
    vhostId: g.vhostId,
    entryIds: g.entryIds,
    objects: g.objects as unknown as VHostObjects,
    protectedQueues: g.protectedQueues,
    migrate: g.migrate,
    replaces: g.replaces,
  }));
}

/** A binding's key in its group: its plan id without the `<vhost>/binding/` prefix (stable and readable). */
function bindingKey(e: BindingEntry): string {
  return e.id.slice(e.id.indexOf('/binding/') + '/binding/'.length);
}
