// A plan as a RabbitMQ definitions document (the shape `rabbitmqctl
// import_definitions` reads). Used by `npm run bench:engine` to compare with
// RabbitMQ's own bulk import, and the base of `warren export`.
// Users whose password is a stack secret carry no clear text here: they are
// exported without a password, and listed in `usersWithoutPassword`.
import { limitsToBroker, USER_LIMITS, VHOST_LIMITS } from '../format/limits.js';
import type { ParameterEntry, Plan, PlanEntry, UriPlan } from '../plan/plan-types.js';
import { placeholderUri } from './secret-placeholders.js';

export interface Definitions {
  vhosts: object[];
  users: object[];
  permissions: object[];
  topic_permissions: object[];
  policies: object[];
  queues: object[];
  exchanges: object[];
  bindings: object[];
  parameters: object[];
  global_parameters: object[];
}

/** A URI written as a placeholder because it carries a stack secret (only the secret's key, never its value). */
export interface SecretPlaceholder {
  readonly component: string;
  readonly vhost: string;
  readonly name: string;
  /** The value's URI field: `uri`, `src-uri`, `dest-uri`. */
  readonly field: string;
  readonly key: string;
}

export function planToDefinitions(plan: Plan): {
  definitions: Definitions;
  usersWithoutPassword: string[];
  placeholders: SecretPlaceholder[];
} {
  const d: Definitions = {
    vhosts: [],
    users: [],
    permissions: [],
    topic_permissions: [],
    policies: [],
    queues: [],
    exchanges: [],
    bindings: [],
    parameters: [],
    global_parameters: [],
  };
  const usersWithoutPassword: string[] = [];
  const placeholders: SecretPlaceholder[] = [];
  for (const e of plan.entries) {
    if (e.kind === 'parameter') d.parameters.push(parameter(e, placeholders));
    else add(d, e, usersWithoutPassword);
  }
  return { definitions: d, usersWithoutPassword, placeholders };
}

/** A runtime parameter as RabbitMQ exports it; URIs with secrets as placeholders, each listed. */
function parameter(e: ParameterEntry, placeholders: SecretPlaceholder[]): object {
  const one = (field: string, u: UriPlan) => {
    if (u.kind !== 'plain')
      placeholders.push({ component: e.component, vhost: e.vhost, name: e.name, field, key: u.key });
    return placeholderUri(u);
  };
  const uris = Object.fromEntries(
    Object.entries(e.uris).map(([field, u]) => [
      field,
      Array.isArray(u) ? u.map((x: UriPlan) => one(field, x)) : one(field, u as UriPlan),
    ]),
  );
  const value = Array.isArray(e.value) ? e.value : { ...uris, ...e.value };
  return { component: e.component, name: e.name, vhost: e.vhost, value };
}

function add(d: Definitions, e: Exclude<PlanEntry, ParameterEntry>, usersWithoutPassword: string[]): void {
  switch (e.kind) {
    case 'vhost': {
      d.vhosts.push({
        name: e.name,
        description: e.description ?? '',
        tags: [...e.tags],
        ...(e.defaultQueueType ? { default_queue_type: e.defaultQueueType } : {}),
      });
      const limits = limitsToBroker(VHOST_LIMITS, e.limits);
      if (Object.keys(limits).length > 0)
        d.parameters.push({ component: 'vhost-limits', name: 'limits', vhost: e.name, value: limits });
      return;
    }
    case 'exchange':
      d.exchanges.push({
        name: e.name,
        vhost: e.vhost,
        type: e.type,
        durable: e.durable,
        auto_delete: e.autoDelete,
        internal: e.internal,
        arguments: e.arguments,
      });
      return;
    case 'queue':
      d.queues.push({
        name: e.name,
        vhost: e.vhost,
        durable: e.durable,
        auto_delete: e.autoDelete,
        arguments: e.arguments,
      });
      return;
    case 'binding':
      d.bindings.push({
        source: e.source,
        vhost: e.vhost,
        destination: e.destination,
        destination_type: e.destinationType,
        routing_key: e.routingKey,
        arguments: e.arguments,
      });
      return;
    case 'policy':
      d.policies.push({
        name: e.name,
        vhost: e.vhost,
        pattern: e.pattern,
        'apply-to': e.applyTo,
        priority: e.priority,
        definition: e.definition,
      });
      return;
    case 'operator-policy':
      d.parameters.push({
        component: 'operator_policy',
        name: e.name,
        vhost: e.vhost,
        value: { pattern: e.pattern, 'apply-to': e.applyTo, priority: e.priority, definition: e.definition },
      });
      return;
    case 'user':
      if (e.password.kind === 'secret') usersWithoutPassword.push(e.name);
      d.users.push({
        name: e.name,
        password_hash: e.password.kind === 'hash' ? e.password.hash : '',
        hashing_algorithm: `rabbit_password_hashing_${e.password.kind === 'hash' ? e.password.algorithm : 'sha256'}`,
        tags: [...e.tags],
        ...(Object.keys(e.limits).length > 0 ? { limits: limitsToBroker(USER_LIMITS, e.limits) } : {}),
      });
      return;
    case 'permissions':
      d.permissions.push({ user: e.user, vhost: e.vhost, configure: e.configure, write: e.write, read: e.read });
      return;
    case 'topic-permissions':
      for (const p of e.permissions)
        d.topic_permissions.push({ user: e.user, vhost: e.vhost, exchange: p.exchange, write: p.write, read: p.read });
  }
}
