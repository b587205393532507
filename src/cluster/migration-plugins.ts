// A cluster whose topology may migrate queues (warren:allow.migrate, or a
// queue that `replaces:` another) needs RabbitMQ's shovel plugin: migrations
// move messages with dynamic shovels (pulumi/dynamic/migrate-queues.ts). The
// program adds it to `warren:cluster`'s plugins then, and only then, so that
// clusters without migrations keep their plugin list (and do not roll).
import type { Plan } from '../plan/plan-types.js';
import type { ClusterConfig } from './cluster-schema.js';

export const SHOVEL_PLUGIN = 'rabbitmq_shovel';

export function withMigrationPlugins(cluster: ClusterConfig, plan: Plan): ClusterConfig {
  const migrates = (plan.guard.allowMigrate?.length ?? 0) > 0 || Object.keys(plan.guard.replaces ?? {}).length > 0;
  if (!migrates || cluster.plugins.includes(SHOVEL_PLUGIN)) return cluster;
  return { ...cluster, plugins: [...cluster.plugins, SHOVEL_PLUGIN] };
}
