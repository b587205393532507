// The thin Pulumi layer: each plan entry becomes resources, with the stack's
// explicit provider, the topology component as parent, the plan's
// dependencies, and the guard first of all. No validation happens here.
import * as pulumi from '@pulumi/pulumi';
import * as rabbitmq from '@pulumi/rabbitmq';
import type {
  BindingEntry,
  ExchangeEntry,
  JsonMap,
  Plan,
  PlanEntry,
  PolicyEntry,
  QueueEntry,
  UserEntry,
  VHostEntry,
} from '../plan/plan-types.js';
import { allStrings } from './adoption.js';
import type { TlsSettings } from '../broker/tls-request.js';
import type { Connection } from './dynamic/management-api.js';
import { InternalExchange } from './dynamic/internal-exchange.js';
import { DestroyCheck } from './dynamic/destroy-check.js';
import { QueueGuard } from './dynamic/queue-guard.js';
import { UserAccount } from './dynamic/user-account.js';
import { UserLimits } from './dynamic/user-limits.js';
import { VHostSettings } from './dynamic/vhost-settings.js';
import { VHostObjectsResource } from './dynamic/vhost-objects.js';
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
  /** Secret config values by key, for users whose password is `{ secret: key }`. */
  readonly secrets: Readonly<Record<string, pulumi.Output<string>>>;
  /** Mark queues `protect` (except those the stack allows to be re-declared). */
  readonly protectQueues: boolean;
  /** Plan id → provider id of objects to adopt from the broker (`warren:adopt`, see adoption.ts). */
  readonly adopt?: ReadonlyMap<string, string>;
  /** `pulumi destroy` may delete queues that hold messages (warren:allow.destroyNonEmpty). */
  readonly destroyNonEmpty?: boolean;
  /** warren:granularity: a resource per broker object (default), or one per vhost for its exchanges, queues, bindings and policies. */
  readonly granularity?: Granularity;
}

export type Granularity = 'object' | 'vhost';

/** What was registered for each plan entry: the resources, and the options given (tests read these). */
export interface Registered {
  readonly resources: pulumi.CustomResource[];
  readonly opts: pulumi.CustomResourceOptions;
}

export class Topology extends pulumi.ComponentResource {
  readonly registered = new Map<string, Registered>();
  readonly guard: QueueGuard;
  readonly destroyCheck: DestroyCheck;

  constructor(name: string, plan: Plan, options: TopologyOptions, opts?: pulumi.ComponentResourceOptions) {
    super('warren:index:Topology', name, {}, opts);
    const tls = options.broker.tls;
    const provider = new rabbitmq.Provider(
      'broker',
      {
        endpoint: options.broker.url,
        username: options.broker.username,
        password: options.broker.password,
        ...(tls?.files.ca ? { cacertFile: tls.files.ca } : {}),
        ...(tls?.files.cert ? { clientcertFile: tls.files.cert } : {}),
        ...(tls?.files.key ? { clientkeyFile: tls.files.key } : {}),
        ...(tls?.settings.insecure ? { insecure: true } : {}),
      },
      { parent: this },
    );
    // Everything depends on the guard, so the guard waiting for the broker makes everything wait.
    // The guard records a vhost granularity, and refuses a switch (guard-rules.ts): it would delete every queue.
    const byVhost = options.granularity === 'vhost';
    this.guard = new QueueGuard('queue-guard', byVhost ? { ...plan.guard, granularity: 'vhost' } : plan.guard, {
      parent: this,
      ...(options.broker.ready ? { dependsOn: [options.broker.ready] } : {}),
    });
    const connection = pulumi.output({
      url: options.broker.url,
      username: options.broker.username,
      password: options.broker.password,
      ...(tls ? { tls: tls.settings } : {}),
    });
    const ctx: Context = {
      provider,
      connection,
      options,
      registered: this.registered,
      parent: this,
      guard: this.guard,
    };
    // Plan entries come sorted by id; create them so that dependencies exist first.
    const groups = byVhost ? new Map(groupByVhost(plan, options.protectQueues).map((g) => [g.vhostId, g])) : undefined;
    for (const entry of orderByDependencies(plan.entries)) {
      if (groups && isGroupedEntry(entry)) continue; // registered with its vhost's group
      this.registered.set(entry.id, createEntry(ctx, entry));
      const group = groups?.get(entry.id);
      if (group) registerGroup(ctx, group);
    }
    // Depends on everything else, so that `pulumi destroy` deletes it first and alone: when it refuses
    // (queues hold messages), nothing at all has been deleted.
    const queues = plan.entries.flatMap((e) => (e.kind === 'queue' ? [e] : []));
    this.destroyCheck = new DestroyCheck(
      'destroy-check',
      {
        connection,
        queues: queues.map((q) => ({ vhost: q.vhost, name: q.name })),
        allowNonEmpty: options.destroyNonEmpty ?? false,
      },
      { parent: this, dependsOn: [this.guard, ...new Set([...this.registered.values()].flatMap((r) => r.resources))] },
    );
    this.registerOutputs({});
  }
}

interface Context {
  readonly provider: rabbitmq.Provider;
  readonly connection: pulumi.Output<Connection>;
  readonly options: TopologyOptions;
  readonly registered: Map<string, Registered>;
  readonly parent: pulumi.Resource;
  readonly guard: QueueGuard;
}

/** A vhost's objects as one resource; each grouped plan id maps to it, so dependencies on them hold. */
function registerGroup(ctx: Context, g: VHostGroup): void {
  const vhost = ctx.registered.get(g.vhostId)!.resources[0] as rabbitmq.VHost;
  const opts: pulumi.CustomResourceOptions = {
    parent: ctx.parent,
    dependsOn: [ctx.guard, vhost],
    ...(g.protectedQueues.length > 0 ? { protect: true } : {}),
  };
  const resource = new VHostObjectsResource(
    `${g.vhostId}/objects`,
    { connection: ctx.connection, vhost: vhost.name, objects: g.objects, protectedQueues: g.protectedQueues },
    opts,
  );
  for (const id of g.entryIds) ctx.registered.set(id, { opts, resources: [resource] });
}

function optsFor(
  ctx: Context,
  entry: PlanEntry,
  extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
  const dependsOn = [ctx.guard, ...entry.dependsOn.flatMap((id) => ctx.registered.get(id)?.resources ?? [])];
  const adopted = ctx.options.adopt?.get(entry.id);
  return {
    parent: ctx.parent,
    provider: ctx.provider,
    dependsOn,
    ...(adopted !== undefined ? { import: adopted } : {}),
    ...extra,
  };
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
      const opts = optsFor(ctx, entry);
      return {
        opts,
        resources: [
          new rabbitmq.Permissions(
            entry.id,
            {
              user: nameOf(ctx, entry.userId, entry.user),
              vhost: entry.vhost,
              permissions: { configure: entry.configure, write: entry.write, read: entry.read },
            },
            opts,
          ),
        ],
      };
    }
    case 'topic-permissions': {
      const opts = optsFor(ctx, entry);
      return {
        opts,
        resources: [
          new rabbitmq.TopicPermissions(
            entry.id,
            {
              user: nameOf(ctx, entry.userId, entry.user),
              vhost: entry.vhost,
              permissions: entry.permissions.map((p) => ({ ...p })),
            },
            opts,
          ),
        ],
      };
    }
  }
}

function vhost(ctx: Context, e: VHostEntry): Registered {
  const opts = optsFor(ctx, e);
  const resource = new rabbitmq.VHost(e.id, { name: e.name }, opts);
  const hasSettings =
    e.description !== undefined ||
    e.tags.length > 0 ||
    e.defaultQueueType !== undefined ||
    Object.keys(e.limits).length > 0;
  if (!hasSettings) return { opts, resources: [resource] };
  const settings = new VHostSettings(
    `${e.id}/settings`,
    {
      connection: ctx.connection,
      vhost: resource.name,
      description: e.description ?? '',
      tags: e.tags,
      ...(e.defaultQueueType ? { defaultQueueType: e.defaultQueueType } : {}),
      limits: e.limits,
    },
    { parent: ctx.parent, dependsOn: [ctx.guard, resource] },
  );
  return { opts, resources: [resource, settings] };
}

function exchange(ctx: Context, e: ExchangeEntry): Registered {
  // Names are fixed, so a re-declaration must delete first.
  const opts = optsFor(ctx, e, { deleteBeforeReplace: true });
  if (e.internal) {
    const { provider: _, ...dynamicOpts } = opts;
    return {
      opts: dynamicOpts,
      resources: [
        new InternalExchange(
          e.id,
          {
            connection: ctx.connection,
            vhost: e.vhost,
            name: e.name,
            type: e.type,
            durable: e.durable,
            autoDelete: e.autoDelete,
            arguments: e.arguments,
          },
          dynamicOpts,
        ),
      ],
    };
  }
  const settings = { type: e.type, durable: e.durable, autoDelete: e.autoDelete, arguments: stringMap(e.arguments) };
  return { opts, resources: [new rabbitmq.Exchange(e.id, { name: e.name, vhost: e.vhost, settings }, opts)] };
}

function queue(ctx: Context, e: QueueEntry): Registered {
  const opts = optsFor(ctx, e, { deleteBeforeReplace: true, protect: ctx.options.protectQueues && !e.allowRecreate });
  const settings = { durable: e.durable, autoDelete: e.autoDelete, ...typedArguments(e.arguments) };
  return { opts, resources: [new rabbitmq.Queue(e.id, { name: e.name, vhost: e.vhost, settings }, opts)] };
}

function binding(ctx: Context, e: BindingEntry): Registered {
  // Ends come from the resources' outputs when warren manages them: when
  // either is re-declared, Pulumi then re-creates the binding in the same run.
  const opts = optsFor(ctx, e, { deleteBeforeReplace: true });
  return {
    opts,
    resources: [
      new rabbitmq.Binding(
        e.id,
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
  const opts = optsFor(ctx, e);
  const args = {
    name: e.name,
    vhost: e.vhost,
    policy: { pattern: e.pattern, priority: e.priority, applyTo: e.applyTo, definition: stringMap(e.definition) },
  };
  const resource =
    e.kind === 'policy' ? new rabbitmq.Policy(e.id, args, opts) : new rabbitmq.OperatorPolicy(e.id, args, opts);
  return { opts, resources: [resource] };
}

function user(ctx: Context, e: UserEntry): Registered {
  let opts = optsFor(ctx, e);
  const resources: pulumi.CustomResource[] = [];
  if (e.password.kind === 'secret') {
    const password = ctx.options.secrets[e.password.key];
    if (!password) throw new Error(`no secret ${e.password.key} was read for user ${e.name}`);
    resources.push(new rabbitmq.User(e.id, { name: e.name, password, tags: [...e.tags] }, opts));
  } else {
    const { provider: _, ...dynamicOpts } = opts;
    const hash = e.password.kind === 'hash' ? pulumi.secret(e.password.hash) : pulumi.secret('');
    resources.push(
      new UserAccount(
        e.id,
        {
          connection: ctx.connection,
          name: e.name,
          tags: e.tags,
          passwordHash: hash,
          algorithm: e.password.kind === 'hash' ? e.password.algorithm : 'sha256',
        },
        dynamicOpts,
      ),
    );
    opts = dynamicOpts;
  }
  if (Object.keys(e.limits).length > 0) {
    resources.push(
      new UserLimits(
        `${e.id}/limits`,
        { connection: ctx.connection, user: e.name, limits: e.limits },
        { parent: ctx.parent, dependsOn: [ctx.guard, resources[0]!] },
      ),
    );
  }
  return { opts, resources };
}

/**
 * Queue and binding arguments as the provider reads them back: a string map
 * when every value is a string, else JSON (which keeps numbers and booleans).
 * Sending the same form it reads makes refresh and import (`warren:adopt`)
 * see no difference, which for a queue would otherwise mean re-declaring it.
 */
function typedArguments(args: JsonMap): { arguments: Record<string, string> } | { argumentsJson: string } {
  return allStrings(args) ? { arguments: args as Record<string, string> } : { argumentsJson: JSON.stringify(args) };
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
