// The stacks of the upgrade test (upgrade.test.ts): one per warren:granularity,
// deployed once by an earlier warren with make-upgrade-fixture.ts, which keeps
// its topology, stack file and `pulumi stack export` in test/fixtures/upgrade/<commit>/<granularity>/.
import { join } from 'node:path';
import { api, enc } from './broker.js';
import { ROOT } from './e2e-project.js';

export const GRANULARITIES = ['object', 'vhost'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Vhosts and users of the upgrade stacks start with this: no other suite uses it. */
export const prefixOf = (g: Granularity): string => `e2u-${g[0]}-`;

/**
 * The earlier warrens whose stacks must upgrade: 9a16801, before children were named after their topology (their
 * URNs change, through aliases), and a84f1f2, the last commit before the pipeline, the command modules, the config
 * schema and the component's one signature (issue 25; the providers were already out of the state).
 */
export const UPGRADE_FROM = ['9a16801', 'a84f1f2'] as const;
export type Earlier = (typeof UPGRADE_FROM)[number];

export const fixtureDir = (g: Granularity, from: Earlier): string => join(ROOT, 'test', 'fixtures', 'upgrade', from, g);

/** One object of every kind the Topology component registers a resource for. */
export function upgradeTopology(p: string): string {
  return `version: 1
vhosts:
  ${p}shop:
    description: Upgrade check
    limits: { maxQueues: 100 }
    exchanges:
      orders: { type: topic, alternateExchange: unrouted }
      unrouted: { type: fanout, internal: true }
    queues:
      work: { type: quorum, messageTtl: 60s }
      caught: {}
    bindings:
      - { from: orders, to: work, key: "order.#" }
      - { from: unrouted, to: caught }
    policies:
      cap: { pattern: "^caught$", applyTo: queues, definition: { max-length: 1000 } }
    operatorPolicies:
      limit: { pattern: ".*", applyTo: queues, definition: { max-length: 100000 } }
users:
  ${p}app:
    password: { secret: appPassword }
    limits: { maxConnections: 5 }
    permissions:
      ${p}shop: { configure: "^$", write: "^orders$", read: "^work$" }
    topicPermissions:
      ${p}shop:
        orders: { write: ".*", read: ".*" }
  ${p}monitor:
    tags: [monitoring]
    password: { hash: "kI0MHlX38jqO698UaneR9TZUFVcGhnVxJC1DTaU7m48+/o+y" }
`;
}

/** Deletes the stack's vhost and users from the broker (leftovers of an interrupted run). */
export async function dropBrokerObjects(p: string): Promise<void> {
  await api(`/vhosts/${enc(`${p}shop`)}`, 'DELETE');
  const users = (await api<{ name: string }[]>('/users')).body.filter((u) => u.name.startsWith(p));
  for (const u of users) await api(`/users/${enc(u.name)}`, 'DELETE');
}
