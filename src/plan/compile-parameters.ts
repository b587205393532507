// Format 1.1's objects in the plan. Federation upstreams, upstream sets and
// shovels become runtime-parameter entries whose values use RabbitMQ's keys
// (rabbit_federation_parameters, rabbit_shovel_parameters); their URIs stay
// apart, as UriPlans (a secret only ever by its key). Super streams become the
// exchange, partition streams and bindings RabbitMQ itself creates for one
// (model/super-stream-partitions.ts).
import { canonical } from '../model/binding-identity.js';
import {
  ENDPOINT_FIELD,
  SHOVEL_FIELD,
  SUPER_STREAM_FIELD,
  toBroker,
  UPSTREAM_FIELD,
  type FieldFacts,
} from '../format/parameter-fields.js';
import { TYPE_ARGUMENT } from '../format/queue-fields.js';
import { readUri } from '../model/read-uri.js';
import { PARTITION_ORDER_ARGUMENT, partitionsOf, SUPER_STREAM_ARGUMENT } from '../model/super-stream-partitions.js';
import { hasExchange, hasQueue, type TopologyModel, type VHostModel } from '../model/topology-model.js';
import type { EndpointSpec, UriSpec } from '../format/topology-schema.js';
import { ids } from './plan-ids.js';
import type { PlanEnvironment } from './plan-types.js';
import type {
  BindingEntry,
  ExchangeEntry,
  JsonMap,
  ParameterEntry,
  PlanEntry,
  QueueEntry,
  UriPlan,
} from './plan-types.js';

/** The value keys of a table's declared fields, in the table's order. */
function brokerValues(table: Record<string, FieldFacts>, spec: Record<string, unknown>, prefix = ''): JsonMap {
  const out: JsonMap = {};
  for (const [field, facts] of Object.entries(table)) {
    const value = spec[field] === undefined ? undefined : toBroker(facts, spec[field]);
    if (value !== undefined) out[prefix + facts.key] = value;
  }
  return out;
}

export function uriPlan(spec: UriSpec): UriPlan {
  if (typeof spec === 'string') return { kind: 'plain', uri: spec };
  if (spec.secret !== undefined) return { kind: 'secret', key: spec.secret };
  return { kind: 'password', uri: spec.uri ?? '', key: spec.password?.secret ?? '' };
}

export function compileParameters(model: TopologyModel, vhost: VHostModel, env: PlanEnvironment): PlanEntry[] {
  const vhostId = ids.vhost(vhost.name);
  const out: PlanEntry[] = [];
  for (const { name, spec } of vhost.federationUpstreams.values()) {
    const uri = spec.uris !== undefined ? spec.uris.map(uriPlan) : uriPlan(spec.uri ?? '');
    out.push(parameter(vhost, 'federation-upstream', name, [vhostId], brokerValues(UPSTREAM_FIELD, spec), { uri }));
  }
  for (const { name, spec } of vhost.federationUpstreamSets.values()) {
    const members = spec.map((m) =>
      typeof m === 'string' ? { upstream: m } : { upstream: m.upstream, ...brokerValues(UPSTREAM_FIELD, m) },
    );
    const upstreams = [...new Set(members.map((m) => m.upstream))]
      .filter((u) => vhost.federationUpstreams.has(u))
      .map((u) => ids.object(vhost.name, 'federation-upstream', u));
    out.push(parameter(vhost, 'federation-upstream-set', name, [vhostId, ...upstreams], members, {}));
  }
  for (const { name, spec } of vhost.shovels.values()) {
    const value: JsonMap = {
      ...brokerValues(ENDPOINT_FIELD, spec.source as Record<string, unknown>, 'src-'),
      ...brokerValues(ENDPOINT_FIELD, spec.destination as Record<string, unknown>, 'dest-'),
      ...brokerValues(SHOVEL_FIELD, spec),
    };
    const dependsOn = [
      vhostId,
      ...localDependencies(model, spec.source),
      ...localDependencies(model, spec.destination),
    ];
    out.push(
      parameter(vhost, 'shovel', name, [...new Set(dependsOn)], value, {
        'src-uri': uriPlan(spec.source.uri),
        'dest-uri': uriPlan(spec.destination.uri),
      }),
    );
  }
  for (const ss of vhost.superStreams.values())
    for (const e of superStreamEntries(vhost, ss.name, ss.spec, env)) out.push(e);
  return out;
}

function parameter(
  vhost: VHostModel,
  component: ParameterEntry['component'],
  name: string,
  dependsOn: string[],
  value: JsonMap | JsonMap[],
  uris: ParameterEntry['uris'],
): ParameterEntry {
  return {
    kind: 'parameter',
    id: ids.object(vhost.name, component, name),
    dependsOn,
    component,
    vhost: vhost.name,
    name,
    value,
    uris,
  };
}

/**
 * The topology's own queue or exchange at a shovel end on this broker: the
 * shovel is created after it, so that it never declares the queue itself (a
 * shovel declares a missing queue as a durable classic one).
 */
function localDependencies(model: TopologyModel, end: EndpointSpec): string[] {
  const text = typeof end.uri === 'string' ? end.uri : typeof end.uri === 'object' ? end.uri.uri : undefined;
  const reading = text === undefined ? undefined : readUri(text);
  if (!reading || 'problem' in reading || !reading.local) return [];
  const vhost = model.vhosts.get(reading.vhost);
  if (!vhost) return [];
  const out: string[] = [];
  if (end.queue !== undefined && hasQueue(vhost, end.queue)) out.push(ids.object(vhost.name, 'queue', end.queue));
  if (
    end.exchange !== undefined &&
    end.exchange !== '' &&
    hasExchange(vhost, end.exchange) &&
    !end.exchange.startsWith('amq.')
  )
    out.push(ids.object(vhost.name, 'exchange', end.exchange));
  return out;
}

/** The exchange, partition streams and bindings of a super stream, as rabbit_stream_manager creates them. */
export function superStreamEntries(
  vhost: VHostModel,
  name: string,
  spec: Parameters<typeof partitionsOf>[1],
  env: PlanEnvironment,
): PlanEntry[] {
  const vhostId = ids.vhost(vhost.name);
  const exchangeId = ids.object(vhost.name, 'exchange', name);
  const exchange: ExchangeEntry = {
    kind: 'exchange',
    id: exchangeId,
    dependsOn: [vhostId],
    vhost: vhost.name,
    name,
    type: 'direct',
    durable: true,
    autoDelete: false,
    internal: false,
    arguments: { [SUPER_STREAM_ARGUMENT]: true },
  };
  const streamArguments: JsonMap = { [TYPE_ARGUMENT]: 'stream', ...brokerValues(SUPER_STREAM_FIELD, spec) };
  const out: PlanEntry[] = [exchange];
  for (const p of partitionsOf(name, spec)) {
    const queueId = ids.object(vhost.name, 'queue', p.stream);
    const queue: QueueEntry = {
      kind: 'queue',
      id: queueId,
      dependsOn: [vhostId],
      vhost: vhost.name,
      name: p.stream,
      queueType: 'stream',
      durable: true,
      autoDelete: false,
      arguments: streamArguments,
      fingerprint: canonical({ durable: true, autoDelete: false, arguments: streamArguments }),
      allowRecreate: env.allowRecreate.includes(queueId),
    };
    const args: JsonMap = { [PARTITION_ORDER_ARGUMENT]: p.order };
    const binding: BindingEntry = {
      kind: 'binding',
      id: ids.binding(vhost.name, {
        source: name,
        destination: p.stream,
        destinationType: 'queue',
        routingKey: p.key,
        arguments: args,
      }),
      dependsOn: [vhostId, exchangeId, queueId],
      vhost: vhost.name,
      source: name,
      destination: p.stream,
      sourceId: exchangeId,
      destinationId: queueId,
      destinationType: 'queue',
      routingKey: p.key,
      arguments: args,
    };
    out.push(queue, binding);
  }
  return out;
}
