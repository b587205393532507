// A plan as a RabbitMQ definitions document (the shape `rabbitmqctl
// import_definitions` reads). Used by `npm run bench:engine` to compare with
// RabbitMQ's own bulk import, and the base of `warren export` (issue 5).
// Users whose password is a stack secret carry no clear text here: they are
// exported without a password, and listed in `usersWithoutPassword`.
import { limitsToBroker, USER_LIMITS, VHOST_LIMITS } from '../model/limits.js';
import type { Plan, PlanEntry } from '../plan/plan-types.js';

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

export function planToDefinitions(plan: Plan): { definitions: Definitions; usersWithoutPassword: string[] } {
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
  for (const e of plan.entries) add(d, e, usersWithoutPassword);
  return { definitions: d, usersWithoutPassword };
}

function add(d: Definitions, e: PlanEntry, usersWithoutPassword: string[]): void {
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
