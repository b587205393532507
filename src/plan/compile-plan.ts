// Compiles a valid topology model into the plan. Pure: the same model and
// environment always give the same plan, entries sorted by id.
import { brokerBindingOf, canonical } from '../model/binding-identity.js';
import {
  BUILTIN_EXCHANGES,
  hasQueue,
  queueType,
  type Declared,
  type TopologyModel,
  type VHostModel,
} from '../model/topology-model.js';
import type { BindingSpec, ExchangeSpec, QueueSpec } from '../format/topology-schema.js';
import { compileParameters } from './compile-parameters.js';
import { compileUsers } from './compile-users.js';
import { setOwn } from '../base/own-keys.js';
import { ids } from './plan-ids.js';
import { allowsId } from './queue-migrations.js';
import type {
  BindingEntry,
  ExchangeEntry,
  JsonMap,
  Plan,
  PlanEntry,
  PlanEnvironment,
  PolicyEntry,
  QueueEntry,
} from './plan-types.js';
import {
  changeableSettings,
  exactPattern,
  fixedArguments,
  SETTINGS_POLICY_PREFIX,
  settingsPriority,
  userPolicyFor,
} from './queue-settings.js';

export const NO_ALLOWANCES: PlanEnvironment = { allowRecreate: [], allowDelete: [] };

export function compilePlan(model: TopologyModel, env: PlanEnvironment = NO_ALLOWANCES): Plan {
  const entries: PlanEntry[] = [];
  // Pushed one by one: spreading a vhost of some 150,000 entries into push() exceeds the call stack.
  for (const vhost of model.vhosts.values()) for (const e of compileVhost(model, vhost, env)) entries.push(e);
  for (const e of compileUsers(model)) entries.push(e);
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const queues = Object.fromEntries(
    entries.filter((e): e is QueueEntry => e.kind === 'queue').map((q) => [q.id, q.fingerprint]),
  );
  // Only when there are any: a stack deployed before migrations existed keeps the same guard inputs.
  const replaces: Record<string, string> = {};
  for (const e of entries)
    if (e.kind === 'queue' && e.replaces !== undefined)
      setOwn(replaces, e.id, ids.object(e.vhost, 'queue', e.replaces));
  const allowMigrate = [...(env.allowMigrate ?? [])].sort();
  return {
    entries,
    guard: {
      queues,
      allowRecreate: [...env.allowRecreate].sort(),
      allowDelete: [...env.allowDelete].sort(),
      ...(allowMigrate.length > 0 ? { allowMigrate } : {}),
      ...(Object.keys(replaces).length > 0 ? { replaces } : {}),
    },
  };
}

function compileVhost(model: TopologyModel, vhost: VHostModel, env: PlanEnvironment): PlanEntry[] {
  const vhostId = ids.vhost(vhost.name);
  const s = vhost.settings;
  const out: PlanEntry[] = [
    {
      kind: 'vhost',
      id: vhostId,
      dependsOn: [],
      name: vhost.name,
      ...(s.description !== undefined ? { description: s.description } : {}),
      tags: s.tags ?? [],
      ...(s.defaultQueueType ? { defaultQueueType: s.defaultQueueType } : {}),
      limits: { ...s.limits },
    },
  ];
  for (const x of vhost.exchanges.values()) out.push(exchangeEntry(vhost, x, vhostId));
  for (const q of vhost.queues.values())
    out.push(queueEntry(vhost, q, vhostId, env), ...settingsPolicy(vhost, q, vhostId));
  for (const b of vhost.bindings.values()) out.push(bindingEntry(vhost, b.spec, vhostId));
  for (const [map, kind] of [
    [vhost.policies, 'policy'],
    [vhost.operatorPolicies, 'operator-policy'],
  ] as const) {
    for (const p of map.values()) {
      out.push({
        kind,
        id: ids.object(vhost.name, kind, p.name),
        dependsOn: [vhostId],
        vhost: vhost.name,
        name: p.name,
        pattern: p.spec.pattern,
        applyTo: p.spec.applyTo ?? 'all',
        priority: p.spec.priority ?? 0,
        definition: p.spec.definition as JsonMap,
      });
    }
  }
  for (const e of compileParameters(model, vhost, env)) out.push(e);
  return out;
}

function exchangeEntry(vhost: VHostModel, { name, spec }: Declared<ExchangeSpec>, vhostId: string): ExchangeEntry {
  const args: JsonMap = { ...(spec.arguments as JsonMap | undefined) };
  if (spec.alternateExchange !== undefined) args['alternate-exchange'] = spec.alternateExchange;
  if (spec.delayedType !== undefined) args['x-delayed-type'] = spec.delayedType;
  const ae = spec.alternateExchange;
  // An alternate exchange is named in the arguments; it need not exist first, but exists sooner this way.
  const dependsOn = [
    vhostId,
    ...(ae !== undefined && vhost.exchanges.has(ae) && ae !== name ? [ids.object(vhost.name, 'exchange', ae)] : []),
  ];
  return {
    kind: 'exchange',
    id: ids.object(vhost.name, 'exchange', name),
    dependsOn,
    vhost: vhost.name,
    name,
    type: spec.type ?? 'direct',
    durable: spec.durable ?? true,
    autoDelete: spec.autoDelete ?? false,
    internal: spec.internal ?? false,
    arguments: args,
  };
}

function queueEntry(
  vhost: VHostModel,
  { name, spec }: Declared<QueueSpec>,
  vhostId: string,
  env: PlanEnvironment,
): QueueEntry {
  const args: JsonMap = { ...(spec.arguments as JsonMap | undefined) };
  // The type is declared when the topology states it (on the queue or as the
  // vhost default); a queue that states none is declared without x-queue-type,
  // as applications declare classic queues, so that such live queues can be
  // adopted (`warren import`) and re-declared without a difference.
  const type = queueType(vhost, spec);
  const declared = spec.type !== undefined || vhost.settings.defaultQueueType !== undefined;
  Object.assign(args, fixedArguments({ ...spec, type: declared ? type : undefined }));
  const durable = spec.durable ?? true;
  const autoDelete = spec.autoDelete ?? false;
  const id = ids.object(vhost.name, 'queue', name);
  return {
    kind: 'queue',
    id,
    dependsOn: [vhostId],
    vhost: vhost.name,
    name,
    queueType: type,
    durable,
    autoDelete,
    arguments: args,
    fingerprint: canonical({ durable, autoDelete, arguments: args }),
    allowRecreate: env.allowRecreate.includes(id),
    ...(allowsId(env.allowMigrate ?? [], id) ? { migrate: true as const } : {}),
    ...(spec.replaces !== undefined ? { replaces: spec.replaces } : {}),
  };
}

function settingsPolicy(vhost: VHostModel, queue: Declared<QueueSpec>, vhostId: string): PolicyEntry[] {
  const own = changeableSettings(queue.spec);
  if (Object.keys(own).length === 0) return [];
  const inherited = (userPolicyFor(vhost, queue)?.spec.definition ?? {}) as JsonMap;
  const name = SETTINGS_POLICY_PREFIX + queue.name;
  return [
    {
      kind: 'policy',
      id: ids.object(vhost.name, 'queue-settings', queue.name),
      dependsOn: [vhostId, ids.object(vhost.name, 'queue', queue.name)],
      vhost: vhost.name,
      name,
      pattern: exactPattern(queue.name, hasQueue(vhost, `${queue.name}\n`)),
      applyTo: 'queues',
      priority: settingsPriority(vhost),
      definition: { ...inherited, ...own },
      settingsOf: queue.name,
    },
  ];
}

function bindingEntry(vhost: VHostModel, b: BindingSpec, vhostId: string): BindingEntry {
  const broker = brokerBindingOf(b);
  const args = broker.arguments as JsonMap;
  const toQueue = broker.destinationType === 'queue';
  const destination = broker.destination;
  const exchangeId = (name: string) =>
    BUILTIN_EXCHANGES.has(name) && !vhost.exchanges.has(name) ? undefined : ids.object(vhost.name, 'exchange', name);
  const sourceId = exchangeId(b.from);
  const destinationId = toQueue ? ids.object(vhost.name, 'queue', destination) : exchangeId(destination);
  const dependsOn = [vhostId, ...(sourceId ? [sourceId] : []), ...(destinationId ? [destinationId] : [])];
  return {
    kind: 'binding',
    id: ids.binding(vhost.name, broker),
    dependsOn,
    vhost: vhost.name,
    source: b.from,
    destination,
    ...(sourceId ? { sourceId } : {}),
    ...(destinationId ? { destinationId } : {}),
    destinationType: broker.destinationType,
    routingKey: broker.routingKey,
    arguments: args,
  };
}
