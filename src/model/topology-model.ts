// The merged topology: every file's vhosts and users combined, each object
// remembering where it was declared. Objects whose shape failed the schema
// are kept as names (so references to them resolve) but marked not `ok`, and
// the cross-checks skip them.
import type { Source } from '../diagnostics/diagnostic.js';
import { QUEUE_FIELD, TYPE_ARGUMENT } from '../format/queue-fields.js';
import { partitionOwner } from './super-stream-partitions.js';
import type {
  BindingSpec,
  ExchangeSpec,
  PolicySpec,
  QueueSpec,
  QueueType,
  ShovelSpec,
  SuperStreamSpec,
  UpstreamSetSpec,
  UpstreamSpec,
  UserSpec,
  VHostSpec,
} from '../format/topology-schema.js';

export interface Declared<T> {
  readonly name: string;
  readonly spec: T;
  readonly src: Source;
  /** False when the schema found this object malformed. */
  readonly ok: boolean;
  /** Fields the schema found malformed, left out of `spec`. */
  readonly dropped?: readonly string[];
}

export type VHostSettings = Pick<VHostSpec, 'description' | 'tags' | 'defaultQueueType' | 'limits'>;
export const VHOST_SETTINGS = ['description', 'tags', 'defaultQueueType', 'limits'] as const;

/** A vhost's named objects: each a map keyed by name, in the files and in the model alike. */
export const VHOST_OBJECT_KINDS = [
  'exchanges',
  'queues',
  'policies',
  'operatorPolicies',
  'federationUpstreams',
  'federationUpstreamSets',
  'shovels',
  'superStreams',
] as const;
export type VHostObjectKind = (typeof VHOST_OBJECT_KINDS)[number];

export interface VHostModel {
  readonly name: string;
  /** The vhost's node in each file that declares it. */
  readonly sources: Source[];
  readonly settings: VHostSettings;
  /** Where each setting was written (the last file or override that set it). */
  readonly settingSources: Map<string, Source>;
  readonly exchanges: Map<string, Declared<ExchangeSpec>>;
  readonly queues: Map<string, Declared<QueueSpec>>;
  /** Keyed by a stable identity: source, destination, key and arguments. */
  readonly bindings: Map<string, Declared<BindingSpec>>;
  readonly policies: Map<string, Declared<PolicySpec>>;
  readonly operatorPolicies: Map<string, Declared<PolicySpec>>;
  readonly federationUpstreams: Map<string, Declared<UpstreamSpec>>;
  readonly federationUpstreamSets: Map<string, Declared<UpstreamSetSpec>>;
  readonly shovels: Map<string, Declared<ShovelSpec>>;
  readonly superStreams: Map<string, Declared<SuperStreamSpec>>;
}

export interface TopologyModel {
  readonly vhosts: Map<string, VHostModel>;
  readonly users: Map<string, Declared<UserSpec>>;
}

/** Exchanges every vhost has without declaring them. */
export const BUILTIN_EXCHANGES: ReadonlyMap<string, string> = new Map([
  ['amq.direct', 'direct'],
  ['amq.fanout', 'fanout'],
  ['amq.topic', 'topic'],
  ['amq.headers', 'headers'],
  ['amq.match', 'headers'],
  ['amq.rabbitmq.trace', 'topic'],
]);

/** Built-in exchanges that are internal: clients cannot publish to them (amq.rabbitmq.trace). */
export const BUILTIN_INTERNAL: ReadonlySet<string> = new Set(['amq.rabbitmq.trace']);

/** The vhost every broker has; permissions may name it without declaring it. */
export const DEFAULT_VHOST = '/';

/** The type a queue is declared with: its field, a raw x-queue-type, the vhost default, else classic. */
export function queueType(vhost: VHostModel, queue: QueueSpec): QueueType {
  const fromArgument = QUEUE_FIELD.type.fromBroker?.(queue.arguments?.[TYPE_ARGUMENT]);
  return queue.type ?? fromArgument ?? vhost.settings.defaultQueueType ?? 'classic';
}

/** The type an exchange routes by: a delayed exchange routes like its delayedType. */
export function routingType(exchange: ExchangeSpec): string {
  const type = exchange.type ?? 'direct';
  return type === 'x-delayed-message' ? (exchange.delayedType ?? 'direct') : type;
}

/** Whether clients cannot publish to the exchange: declared internal, or a built-in internal one. */
export function isInternal(vhost: VHostModel, name: string): boolean {
  const declared = vhost.exchanges.get(name);
  return declared ? declared.spec.internal === true : BUILTIN_INTERNAL.has(name);
}

/**
 * The `alternate-exchange` argument the exchange is declared with: its
 * `alternateExchange` field, else a raw argument of that name (the plan
 * writes the field over the argument). Any value, as the broker stores it.
 */
export function declaredAlternate(exchange: ExchangeSpec): unknown {
  const args = exchange.arguments as Record<string, unknown> | undefined;
  if (exchange.alternateExchange !== undefined) return exchange.alternateExchange;
  return args && Object.hasOwn(args, 'alternate-exchange') ? args['alternate-exchange'] : undefined;
}

export function exchangeType(vhost: VHostModel, name: string): string | undefined {
  const declared = vhost.exchanges.get(name);
  if (!declared && vhost.superStreams.has(name)) return 'direct';
  return declared ? routingType(declared.spec) : BUILTIN_EXCHANGES.get(name);
}

/** Declared, built in, or a super stream's exchange. */
export function hasExchange(vhost: VHostModel, name: string): boolean {
  return vhost.exchanges.has(name) || BUILTIN_EXCHANGES.has(name) || vhost.superStreams.has(name);
}

/** Declared, or a super stream's partition. */
export function hasQueue(vhost: VHostModel, name: string): boolean {
  return vhost.queues.has(name) || partitionOwner(vhost.superStreams, name) !== undefined;
}

/**
 * `vhost/name` of every quorum queue without a deliveryLimit of its own: RabbitMQ 4.0 gives such a queue a limit of
 * 20 deliveries, earlier versions none (the cluster checks warn of a blue/green move across 4.0).
 */
export function quorumQueuesWithoutDeliveryLimit(model: TopologyModel): string[] {
  return [...model.vhosts].flatMap(([vhost, v]) =>
    [...v.queues]
      .filter(([, q]) => q.ok && queueType(v, q.spec) === 'quorum' && q.spec.deliveryLimit === undefined)
      .map(([name]) => `${vhost}/${name}`),
  );
}

/** Whether any queue is a quorum queue (the cluster checks need it: quorum queues need a majority of nodes). */
export function hasQuorumQueues(model: TopologyModel): boolean {
  return [...model.vhosts.values()].some((v) =>
    [...v.queues.values()].some((q) => q.ok && queueType(v, q.spec) === 'quorum'),
  );
}
