// The thin Pulumi layer: each plan entry becomes resources, with the topology
// component as parent (whose broker provider they inherit), the plan's
// dependencies, and the guard first of all. Given files, the component first
// loads them (load-topology.ts: the validation and plan of warren's program);
// given a plan, no validation happens here.
// Children are named `<topology>/<plan id>` (`topology/vhost/shop`), so that
// several topologies can live in one stack.
import * as pulumi from '@pulumi/pulumi';
import * as rabbitmq from '@pulumi/rabbitmq';
import type {
  BindingEntry,
  ExchangeEntry,
  JsonMap,
  ParameterEntry,
  Plan,
  PlanEntry,
  PolicyEntry,
  QueueEntry,
  UserEntry,
  VHostEntry,
} from '../plan/plan-types.js';
import { allStrings, byRabbitmqProvider } from './adoption.js';
import { secretKeys } from '../plan/secret-keys.js';
import { loadOrThrow, type TopologySource } from './load-or-throw.js';
import { checkEnvironment, runError } from './validate-or-throw.js';
import type { TlsSettings } from '../broker/tls-request.js';
import type { Connection } from './dynamic/management-api.js';
import { InternalExchange } from './dynamic/internal-exchange.js';
import { DestroyCheck, namesByVhost } from './dynamic/destroy-check.js';
import { QueueGuard } from './dynamic/queue-guard.js';
import { UserAccount } from './dynamic/user-account.js';
import { UserLimits } from './dynamic/user-limits.js';
import { VHostSettings } from './dynamic/vhost-settings.js';
import { VHostObjectsResource } from './dynamic/vhost-objects.js';
import { RuntimeParameter } from './dynamic/runtime-parameter.js';
import { UserPermissions } from './dynamic/user-permissions.js';
import { isWireSafe, printable } from './dynamic/wire-keys.js';
import { own } from '../base/own-keys.js';
import { providerCannotName } from '../plan/provider-names.js';
import { resolveUris, uriSecretKeys } from '../plan/resolve-uris.js';
import { unmanageableEntries } from '../plan/unmanageable-entries.js';
import { groupByVhost, isGroupedEntry, type VHostGroup } from '../plan/vhost-objects.js';

/** TLS towards the management API: the provider plugin reads files, the dynamic providers take PEM text. */
export interface BrokerTls {
  readonly files: { readonly ca?: string; readonly cert?: string; readonly key?: string };
  readonly settings: TlsSettings;
}

export interface TopologyOptions {
  /** `ready`: what must be done before the broker is reachable (a cluster this program deploys). */
  readonly broker: {
    readonly url: pulumi.Input<string>;
    readonly username: pulumi.Input<string>;
    readonly password: pulumi.Output<string>;
    readonly ready?: pulumi.Resource;
    /** warren:managementTls: the files for the provider plugin, their contents for the dynamic providers. */
    readonly tls?: BrokerTls;
  };
  /** Secret config values by key, for users whose password is `{ secret: key }` and URIs that name one. */
  readonly secrets: Readonly<Record<string, pulumi.Output<string>>>;
  /** Mark queues `protect` (except those the stack allows to be re-declared). */
  readonly protectQueues: boolean;
  /** Plan id → provider id of objects to adopt from the broker (`warren:adopt`, see adoption.ts). */
  readonly adopt?: ReadonlyMap<string, string>;
  /** `pulumi destroy` may delete queues that hold messages (warren:allow.destroyNonEmpty). */
  readonly destroyNonEmpty?: boolean;
  /** warren:granularity: one resource per vhost for its exchanges, queues, bindings and policies (default), or one per broker object. */
  readonly granularity?: Granularity;
  /**
   * Alias every child to its name without the topology's prefix (`vhost/shop`), which is how warren
   * named them before: a stack deployed then moves to the new names on `pulumi up` instead of deleting
   * and re-creating everything. At most one topology of a stack may set it (two resources cannot take
   * over one old name); the program sets it.
   */
  readonly aliasUnprefixed?: boolean;
}

export type Granularity = 'object' | 'vhost';

/**
 * `vhost`: its edits cost a fraction of `object`'s (docs/benchmarks.md). A stack deployed with
 * `object` while it was the default, and not set since, is refused by the guard with the way to keep it or switch.
 */
export const DEFAULT_GRANULARITY: Granularity = 'vhost';

/** What `new Topology(name, args, opts)` takes: the topology's files, or a plan compiled beforehand. */
export type TopologyArgs = TopologyFilesArgs | TopologyPlanArgs;

/** A plan compiled beforehand (`Topology.fromPlan`, or loadTopology's `plan`), with its options. */
export interface TopologyPlanArgs extends TopologyOptions {
  readonly plan: Plan;
}

/**
 * The files form: the topology's files and overrides, validated and planned as warren's program does
 * (load-or-throw.ts), with what the plan form takes in `TopologyOptions`.
 */
export interface TopologyFilesArgs
  extends TopologySource,
    Omit<TopologyOptions, 'broker' | 'secrets' | 'protectQueues' | 'destroyNonEmpty'> {
  /** The management API; the password is made a secret (in state it is one either way). */
  readonly broker: Omit<TopologyOptions['broker'], 'password'> & { readonly password: pulumi.Input<string> };
  /** By key, the passwords of users with `password: { secret: key }` and the secrets URIs name (made secrets); each key the topology names is required. */
  readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Mark queues `protect` (except those `allow.recreate` names); default false. */
  readonly protectQueues?: boolean;
}

/** What was registered for each plan entry (tests read these). */
export interface Registered {
  readonly resources: pulumi.CustomResource[];
}

const TYPE = 'warren:index:Topology';

/**
 * The broker's objects as resources: `new Topology(name, args, opts)`, as every Pulumi component. `args` is
 * - `{ files, overrides, allow, broker, secrets, … }`: the files are loaded
 *   first, as warren's program does: diagnostics (warnings logged once, errors
 *   one `RunError` with their positions), then the plan; nothing is registered
 *   when they are invalid or a secret is missing;
 * - `{ plan, broker, secrets, protectQueues, … }`: a plan compiled beforehand
 *   (loadTopology's `plan`); `Topology.fromPlan(name, plan, options, opts)` says the same.
 * Providers come as for any component: `opts.providers` (or `provider`);
 * without a `rabbitmq` one, the topology makes it from `broker`. Children get
 * `{ parent: this }` only and inherit it; the dynamic resources use `broker`
 * directly.
 */
export class Topology extends pulumi.ComponentResource {
  readonly registered = new Map<string, Registered>();
  readonly guard: QueueGuard;
  readonly destroyCheck: DestroyCheck;
  /** What was registered: the plan given, or the one compiled from the files. */
  readonly plan: Plan;

  /** A plan compiled beforehand, registered with `options`. */
  static fromPlan(
    name: string,
    plan: Plan,
    options: TopologyOptions,
    opts?: pulumi.ComponentResourceOptions,
  ): Topology {
    return new Topology(name, { ...options, plan }, opts);
  }

  constructor(name: string, args: TopologyArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // The dynamic providers read it for every request; a value that does not parse stops the program here.
    checkEnvironment(['WARREN_MANAGEMENT_TIMEOUT_MS']);
    const [plan, options] = 'plan' in args ? withoutPlan(args) : fromFiles(args);
    // Before anything is registered: nothing on the broker changes. A plan compiled elsewhere was not
    // validated; what nothing could apply is refused here too.
    const granularity = options.granularity ?? DEFAULT_GRANULARITY;
    refuseUnsendable(plan, granularity);
    const unmanageable = unmanageableEntries(plan);
    if (unmanageable.length > 0)
      throw runError(`the plan holds names that cannot be applied; nothing was changed:\n${unmanageable.join('\n')}`);
    super(TYPE, name, {}, withBrokerProvider(name, options, opts));
    this.plan = plan;
    const tls = options.broker.tls;
    const child = (id: string): Child => ({
      name: `${name}/${id}`,
      opts: { parent: this, ...(options.aliasUnprefixed ? { aliases: [{ name: id }] } : {}) },
    });
    // Everything depends on the guard, so the guard waiting for the broker makes everything wait.
    // The guard records a vhost granularity, and refuses a switch (guard-rules.ts): it would delete every queue.
    const byVhost = granularity === 'vhost';
    const guard = child('queue-guard');
    // A copy: a dynamic resource adds its provider to the inputs object, and the plan may serve another topology.
    const inputs = byVhost ? { ...plan.guard, granularity: 'vhost' as const } : { ...plan.guard };
    this.guard = new QueueGuard(guard.name, inputs, {
      ...guard.opts,
      ...(options.broker.ready ? { dependsOn: [options.broker.ready] } : {}),
    });
    const connection = pulumi.output({
      url: options.broker.url,
      username: options.broker.username,
      password: options.broker.password,
      ...(tls ? { tls: tls.settings } : {}),
    });
    const ctx: Context = { child, connection, options, registered: this.registered, guard: this.guard };
    // Plan entries come sorted by id; create them so that dependencies exist first. With granularity object,
    // the objects @pulumi/rabbitmq cannot name (providerCannotName) are a vhost group of their own.
    const grouped = byVhost ? undefined : unnameable(plan);
    const groupedPlan = grouped
      ? { ...plan, entries: plan.entries.filter((e) => e.kind === 'vhost' || grouped.has(e.id)) }
      : plan;
    const groups = new Map(
      groupByVhost(groupedPlan, options.protectQueues)
        .filter((g) => byVhost || g.entryIds.length > 0)
        .map((g) => [g.vhostId, g]),
    );
    const inGroup = (e: PlanEntry) => (grouped ? grouped.has(e.id) : isGroupedEntry(e));
    for (const entry of orderByDependencies(plan.entries)) {
      if (inGroup(entry)) continue; // registered with its vhost's group
      this.registered.set(entry.id, createEntry(ctx, entry));
      const group = groups.get(entry.id);
      if (group) registerGroup(ctx, group);
    }
    // Depends on everything else, so that `pulumi destroy` deletes it first and alone: when it refuses
    // (queues hold messages), nothing at all has been deleted.
    const queues = namesByVhost(plan.entries.filter((e) => e.kind === 'queue'));
    const check = child('destroy-check');
    this.destroyCheck = new DestroyCheck(
      check.name,
      {
        connection,
        queues: Object.fromEntries(queues),
        allowNonEmpty: options.destroyNonEmpty ?? false,
      },
      {
        ...check.opts,
        dependsOn: [this.guard, ...new Set([...this.registered.values()].flatMap((r) => r.resources))],
      },
    );
    this.registerOutputs({});
  }
}

/**
 * Policies whose definition @pulumi/rabbitmq's Policy cannot carry as written: its `definition` is a map the
 * SDK rebuilds by assignment, which loses a key `__proto__` (dynamic/wire-keys.ts). No RabbitMQ policy has such a
 * key (the broker refuses keys it does not know), so the topology is refused here rather than applied without it.
 * A vhost group carries every key (granularity vhost).
 */
function refuseUnsendable(plan: Plan, granularity: Granularity): void {
  if (granularity === 'vhost') return;
  const refused = plan.entries.flatMap((e) =>
    (e.kind === 'policy' || e.kind === 'operator-policy') && !isWireSafe(e.definition)
      ? [
          `${e.kind} ${e.name} in vhost ${e.vhost}: definition keys ${Object.keys(e.definition)
            .map((k) => JSON.stringify(k))
            .join(', ')}`,
        ]
      : [],
  );
  if (refused.length > 0)
    throw runError(
      `nothing was changed: these policies hold a definition key that @pulumi/rabbitmq cannot send and RabbitMQ does not know: ${refused.join('; ')}`,
    );
}

/**
 * With granularity object, the ids of the entries that go to their vhost's group: those providerCannotName,
 * the bindings of an exchange or queue in the group (the group re-declares them with their ends), and the ends
 * of a binding in the group (a group is declared after its vhost only: what its bindings connect is in it).
 */
function unnameable(plan: Plan): Set<string> {
  const out = new Set(plan.entries.filter((e) => isGroupedEntry(e) && providerCannotName(e)).map((e) => e.id));
  const bindings = plan.entries.filter((e): e is BindingEntry => e.kind === 'binding');
  for (let grew = out.size > 0; grew; ) {
    grew = false;
    for (const b of bindings) {
      const ends = [b.sourceId, b.destinationId].filter((id): id is string => id !== undefined);
      if (!out.has(b.id) && !ends.some((id) => out.has(id))) continue;
      for (const id of [b.id, ...ends]) {
        if (out.has(id)) continue;
        out.add(id);
        grew = true;
      }
    }
  }
  return out;
}

function withoutPlan({ plan, ...options }: TopologyPlanArgs): [Plan, TopologyOptions] {
  return [plan, options];
}

/** The files form as the plan form: loaded and planned, every secret the plan needs present, before anything is registered. */
function fromFiles(args: TopologyFilesArgs): [Plan, TopologyOptions] {
  const { plan } = loadOrThrow(args);
  const given = args.secrets ?? {};
  // Keys are names (`constructor` is one): a secret is given only as an own key.
  const missing = secretKeys(plan).filter((key) => own(given, key) === undefined);
  if (missing.length > 0)
    throw runError(
      `the topology needs secrets that were not given (secrets: { key: value }), for users' passwords or URIs: ${missing.join(', ')}`,
    );
  const { files: _f, overrides: _o, overridesFile: _of, allow, broker, secrets: _s, protectQueues, ...rest } = args;
  const options: TopologyOptions = {
    ...rest,
    broker: { ...broker, password: pulumi.secret(broker.password) },
    secrets: Object.fromEntries(secretKeys(plan).map((key) => [key, pulumi.secret(own(given, key)!)])),
    protectQueues: protectQueues ?? false,
    destroyNonEmpty: allow?.destroyNonEmpty === true,
  };
  return [plan, options];
}

/**
 * The component's options with a `rabbitmq` provider for its children: the caller's, else one made
 * from `options.broker`. That one is made before the component exists (a component's providers are
 * fixed when it is constructed), so beside it, named after it; with aliasUnprefixed, aliased to
 * where warren made it before: the component's child `broker`.
 */
function withBrokerProvider(
  name: string,
  options: TopologyOptions,
  opts: pulumi.ComponentResourceOptions,
): pulumi.ComponentResourceOptions {
  const given = [
    ...(opts.provider ? [opts.provider] : []),
    ...(Array.isArray(opts.providers) ? opts.providers : Object.values(opts.providers ?? {})),
  ];
  if (given.some((p) => p instanceof rabbitmq.Provider)) return opts;
  const tls = options.broker.tls;
  const provider = new rabbitmq.Provider(
    `${name}/broker`,
    {
      endpoint: options.broker.url,
      username: options.broker.username,
      password: options.broker.password,
      ...(tls?.files.ca ? { cacertFile: tls.files.ca } : {}),
      ...(tls?.files.cert ? { clientcertFile: tls.files.cert } : {}),
      ...(tls?.files.key ? { clientkeyFile: tls.files.key } : {}),
      ...(tls?.settings.insecure ? { insecure: true } : {}),
    },
    {
      // What a child of the component would inherit from it.
      ...pick(opts, 'parent', 'protect', 'transformations', 'transforms'),
      ...(options.aliasUnprefixed
        ? { aliases: [{ name: 'broker', parent: pulumi.createUrn(name, TYPE, opts.parent) }] }
        : {}),
    },
  );
  return pulumi.mergeOptions(opts, { providers: [provider] });
}

function pick<T extends object, K extends keyof T>(o: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Pick<T, K>;
}

/** A child's name and options: `<topology>/<id>`, parented to the topology (and aliased, see aliasUnprefixed). */
interface Child {
  readonly name: string;
  readonly opts: pulumi.CustomResourceOptions;
}

interface Context {
  readonly child: (id: string) => Child;
  readonly connection: pulumi.Output<Connection>;
  readonly options: TopologyOptions;
  readonly registered: Map<string, Registered>;
  readonly guard: QueueGuard;
}

/** A vhost's objects as one resource; each grouped plan id maps to it, so dependencies on them hold. */
function registerGroup(ctx: Context, g: VHostGroup): void {
  const vhost = ctx.registered.get(g.vhostId)!.resources[0] as rabbitmq.VHost;
  const { name, opts } = ctx.child(`${g.vhostId}/objects`);
  const resource = new VHostObjectsResource(
    name,
    {
      connection: ctx.connection,
      vhost: vhost.name,
      objects: g.objects,
      protectedQueues: g.protectedQueues,
      // Only when there are any: a group deployed before migrations existed keeps the same inputs.
      ...(g.migrate.length > 0 ? { migrate: g.migrate } : {}),
      ...(Object.keys(g.replaces).length > 0 ? { replaces: g.replaces } : {}),
    },
    { ...opts, dependsOn: [ctx.guard, vhost], ...(g.protectedQueues.length > 0 ? { protect: true } : {}) },
  );
  for (const id of g.entryIds) ctx.registered.set(id, { resources: [resource] });
}

/** An entry's resource: named after its id, after the guard and its plan dependencies, adopted when listed. */
function entryChild(ctx: Context, entry: PlanEntry, extra: pulumi.CustomResourceOptions = {}): Child {
  const { name, opts } = ctx.child(entry.id);
  const dependsOn = [ctx.guard, ...entry.dependsOn.flatMap((id) => ctx.registered.get(id)?.resources ?? [])];
  const adopted = ctx.options.adopt?.get(entry.id);
  return { name, opts: { ...opts, dependsOn, ...(adopted !== undefined ? { import: adopted } : {}), ...extra } };
}

function createEntry(ctx: Context, entry: PlanEntry): Registered {
  switch (entry.kind) {
    case 'vhost':
      return vhost(ctx, entry);
    case 'exchange':
      return exchange(ctx, entry);
    case 'queue':
      return queue(ctx, entry);
    case 'binding':
      return binding(ctx, entry);
    case 'policy':
    case 'operator-policy':
      return policy(ctx, entry);
    case 'user':
      return user(ctx, entry);
    case 'permissions': {
      const { name, opts } = entryChild(ctx, entry);
      const permissions = { configure: entry.configure, write: entry.write, read: entry.read };
      const user = nameOf(ctx, entry.userId, entry.user);
      const args = { user, vhost: entry.vhost };
      return {
        resources: [
          providerCannotName(entry)
            ? new UserPermissions(name, { ...args, connection: ctx.connection, permissions }, opts)
            : new rabbitmq.Permissions(name, { ...args, permissions }, opts),
        ],
      };
    }
    case 'topic-permissions': {
      const { name, opts } = entryChild(ctx, entry);
      const permissions = entry.permissions.map((p) => ({ ...p }));
      const user = nameOf(ctx, entry.userId, entry.user);
      const args = { user, vhost: entry.vhost };
      return {
        resources: [
          providerCannotName(entry)
            ? new UserPermissions(name, { ...args, connection: ctx.connection, topicPermissions: permissions }, opts)
            : new rabbitmq.TopicPermissions(name, { ...args, permissions }, opts),
        ],
      };
    }
    case 'parameter':
      return parameter(ctx, entry);
  }
}

function vhost(ctx: Context, e: VHostEntry): Registered {
  const { name, opts } = entryChild(ctx, e);
  const resource = new rabbitmq.VHost(name, { name: e.name }, opts);
  const hasSettings =
    e.description !== undefined ||
    e.tags.length > 0 ||
    e.defaultQueueType !== undefined ||
    Object.keys(e.limits).length > 0;
  if (!hasSettings) return { resources: [resource] };
  const child = ctx.child(`${e.id}/settings`);
  const settings = new VHostSettings(
    child.name,
    {
      connection: ctx.connection,
      vhost: resource.name,
      description: e.description ?? '',
      tags: e.tags,
      ...(e.defaultQueueType ? { defaultQueueType: e.defaultQueueType } : {}),
      limits: e.limits,
    },
    { ...child.opts, dependsOn: [ctx.guard, resource] },
  );
  return { resources: [resource, settings] };
}

function exchange(ctx: Context, e: ExchangeEntry): Registered {
  // Names are fixed, so a re-declaration must delete first.
  const { name, opts } = entryChild(ctx, e, { deleteBeforeReplace: true });
  if (!byRabbitmqProvider(e)) {
    const args = {
      connection: ctx.connection,
      vhost: e.vhost,
      name: e.name,
      type: e.type,
      durable: e.durable,
      autoDelete: e.autoDelete,
      arguments: e.arguments,
      ...(e.internal ? {} : { internal: false as const }),
    };
    return { resources: [new InternalExchange(name, args, opts)] };
  }
  const settings = { type: e.type, durable: e.durable, autoDelete: e.autoDelete, arguments: stringMap(e.arguments) };
  return { resources: [new rabbitmq.Exchange(name, { name: e.name, vhost: e.vhost, settings }, opts)] };
}

function queue(ctx: Context, e: QueueEntry): Registered {
  const protect = ctx.options.protectQueues && !e.allowRecreate;
  const { name, opts } = entryChild(ctx, e, { deleteBeforeReplace: true, protect });
  const settings = { durable: e.durable, autoDelete: e.autoDelete, ...typedArguments(e.arguments) };
  return { resources: [new rabbitmq.Queue(name, { name: e.name, vhost: e.vhost, settings }, opts)] };
}

function binding(ctx: Context, e: BindingEntry): Registered {
  // Ends come from the resources' outputs when warren manages them: when
  // either is re-declared, Pulumi then re-creates the binding in the same run.
  const { name, opts } = entryChild(ctx, e, { deleteBeforeReplace: true });
  return {
    resources: [
      new rabbitmq.Binding(
        name,
        {
          vhost: e.vhost,
          source: nameOf(ctx, e.sourceId, e.source),
          destination: nameOf(ctx, e.destinationId, e.destination),
          destinationType: e.destinationType,
          routingKey: e.routingKey,
          ...typedArguments(e.arguments),
        },
        opts,
      ),
    ],
  };
}

/** The `name` output of the resource registered for a plan id, or the plain name. */
function nameOf(ctx: Context, id: string | undefined, name: string): pulumi.Input<string> {
  const resource = id === undefined ? undefined : ctx.registered.get(id)?.resources[0];
  return resource ? (resource as unknown as { name: pulumi.Output<string> }).name : name;
}

function policy(ctx: Context, e: PolicyEntry): Registered {
  const { name, opts } = entryChild(ctx, e);
  const args = {
    name: e.name,
    vhost: e.vhost,
    policy: { pattern: e.pattern, priority: e.priority, applyTo: e.applyTo, definition: stringMap(e.definition) },
  };
  const resource =
    e.kind === 'policy' ? new rabbitmq.Policy(name, args, opts) : new rabbitmq.OperatorPolicy(name, args, opts);
  return { resources: [resource] };
}

function user(ctx: Context, e: UserEntry): Registered {
  const { name, opts } = entryChild(ctx, e);
  const resources: pulumi.CustomResource[] = [];
  if (e.password.kind === 'secret') {
    const password = own(ctx.options.secrets, e.password.key);
    if (!password) throw new Error(`no secret ${e.password.key} was read for user ${e.name}`);
    resources.push(new rabbitmq.User(name, { name: e.name, password, tags: [...e.tags] }, opts));
  } else {
    const hash = e.password.kind === 'hash' ? pulumi.secret(e.password.hash) : pulumi.secret('');
    resources.push(
      new UserAccount(
        name,
        {
          connection: ctx.connection,
          name: e.name,
          tags: e.tags,
          passwordHash: hash,
          algorithm: e.password.kind === 'hash' ? e.password.algorithm : 'sha256',
        },
        opts,
      ),
    );
  }
  if (Object.keys(e.limits).length > 0) {
    const child = ctx.child(`${e.id}/limits`);
    resources.push(
      new UserLimits(
        child.name,
        { connection: ctx.connection, user: e.name, limits: e.limits },
        { ...child.opts, dependsOn: [ctx.guard, resources[0]!] },
      ),
    );
  }
  return { resources };
}

/**
 * A federation upstream, upstream set or shovel. Its URIs are resolved inside
 * an apply over the secrets they name, so they exist only as a secret output;
 * with no secret at all they are made one too (a URI may carry a token).
 * Never part of a vhost's VHostObjects, whose objects are in clear in state.
 */
function parameter(ctx: Context, e: ParameterEntry): Registered {
  const { name, opts } = entryChild(ctx, e);
  const keys = uriSecretKeys(e);
  const secrets = keys.map((key) => {
    const secret = own(ctx.options.secrets, key);
    if (!secret) throw new Error(`no secret ${key} was read for ${e.component} ${e.name}`);
    return secret;
  });
  const uris = pulumi
    .all(secrets)
    .apply((values) => resolveUris(e, Object.fromEntries(keys.map((key, i) => [key, values[i]!]))));
  const args = {
    connection: ctx.connection,
    component: e.component,
    vhost: e.vhost,
    name: e.name,
    value: e.value,
    uris: pulumi.secret(uris),
  };
  return { resources: [new RuntimeParameter(name, args, opts)] };
}

/**
 * Queue and binding arguments as the provider reads them back: a string map
 * when every value is a string, else JSON (which keeps numbers and booleans).
 * Sending the same form it reads makes refresh and import (`warren:adopt`)
 * see no difference, which for a queue would otherwise mean re-declaring it.
 * A map the SDK cannot carry as it is (a key `__proto__`: dynamic/wire-keys.ts)
 * goes as JSON too, which the provider keeps on read.
 */
export function typedArguments(args: JsonMap): { arguments: Record<string, string> } | { argumentsJson: string } {
  // printable: a binding's `arguments` is an input of its own, which the SDK prints (wire-keys.ts).
  return allStrings(args) && isWireSafe(args)
    ? { arguments: printable(args as Record<string, string>) }
    : { argumentsJson: JSON.stringify(args) };
}

/** The provider takes string maps; it turns integer strings back into numbers for policies. */
function stringMap(map: JsonMap): Record<string, string> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}

/** Entries after everything they depend on (the plan's dependencies form no cycles). */
function orderByDependencies(entries: readonly PlanEntry[]): PlanEntry[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const done = new Set<string>();
  const out: PlanEntry[] = [];
  const visit = (e: PlanEntry) => {
    if (done.has(e.id)) return;
    done.add(e.id);
    for (const d of e.dependsOn) {
      const dep = byId.get(d);
      if (dep) visit(dep);
    }
    out.push(e);
  };
  entries.forEach(visit);
  return out;
}
