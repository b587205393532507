// A blue/green pair (cluster/blue-green.ts) as Pulumi resources. What both
// sides share lives at the stack's top, not inside a side: the namespace, the
// admin password (users, permissions and passwords are the same on both sides,
// so clients need no new credentials) and the client Service `<name>`. They
// were the cluster's own children before the stack had a green side: aliases
// carry them over, so entering blue/green neither re-creates the Service (its
// address, its node ports) nor makes a new password.
//
// Phases, each a resource `pulumi preview` shows:
//   green created     `rabbitmq-green` (a RabbitCluster) and its topology
//   drains set up     `rabbitmq/drain`, from the inactive side to the active one (drain-side.ts)
//   switch            `rabbitmq/client`'s selector, then the drain's direction
//   retired           `rabbitmq/retire-<side>` (retire-guard.ts), the side's resources deleted
import type * as K8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { type BlueGreenPlan, inactiveOf, SIDES, type Side, sideName } from '../../cluster/blue-green.js';
import { pairClientService } from '../../cluster/cluster-manifests.js';
import type { ClusterPlan } from '../../cluster/cluster-plan.js';
import type { ClusterConfig } from '../../cluster/cluster-schema.js';
import { compileCluster } from '../../cluster/compile-cluster.js';
import { PORTS } from '../../cluster/cluster-plan.js';
import type { Connection } from '../dynamic/management-api.js';
import { forced, RabbitCluster, type RabbitClusterOptions } from './create-cluster.js';
import { type DrainQueue, DrainSide } from './drain-side.js';
import { GeneratedSecret } from './generated-secret.js';
import { RetireGuard } from './retire-guard.js';

/** The Pulumi name of the cluster component before blue/green, which blue keeps. */
const BLUE = 'rabbitmq';
const componentName = (side: Side) => (side === 'blue' ? BLUE : sideName(BLUE, side));
/** What the pair shares was blue's component's: the aliases name it as the parent these resources had. */
const fromBlue = (): pulumi.CustomResourceOptions => ({
  aliases: [{ parent: pulumi.createUrn(BLUE, 'warren:kubernetes:RabbitCluster') }],
});

export interface BlueGreenPair {
  readonly active: Side;
  /** The running sides (the retiring one is not deployed). */
  readonly clusters: Partial<Record<Side, RabbitCluster>>;
  readonly plans: Readonly<Record<Side, ClusterPlan>>;
  readonly username: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;
}

export function deployBlueGreen(
  top: ClusterConfig,
  pair: BlueGreenPlan,
  options: Omit<RabbitClusterOptions, 'namespace'>,
  provider: pulumi.ProviderResource,
  k8s: typeof K8s,
): BlueGreenPair {
  const plans = Object.fromEntries(
    SIDES.map((side) => [side, compileCluster(withShovels(pair.sides[side]), { side, pairName: top.name })]),
  ) as Record<Side, ClusterPlan>;
  const namespace = top.createNamespace
    ? new k8s.core.v1.Namespace(
        `${BLUE}/namespace`,
        forced({
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: top.namespace, labels: { ...plans.blue.labels } },
        }) as never,
        { provider, protect: top.production, ...fromBlue() },
      )
    : undefined;
  const username = options.credentials?.username ?? plans.blue.username;
  const password =
    options.credentials?.password ??
    new GeneratedSecret(
      `${BLUE}/password`,
      { bytes: plans.blue.secretBytes },
      { protect: top.production, ...fromBlue() },
    ).value;
  const clusters: Partial<Record<Side, RabbitCluster>> = {};
  for (const side of SIDES) {
    if (side === pair.retiring) continue;
    clusters[side] = new RabbitCluster(
      componentName(side),
      plans[side],
      { ...options, credentials: { username, password }, ...(namespace ? { namespace } : {}) },
      { providers: [provider] },
    );
  }
  return { active: pair.active, clusters, plans, username: pulumi.output(username), password };
}

/**
 * The client Service `<name>` on the active side's pods, once `activeReady` (its topology) is there; the drain of
 * the inactive side once the Service has moved; the retiring side's guard.
 */
export function switchClients(
  top: ClusterConfig,
  pair: BlueGreenPair,
  queues: readonly DrainQueue[],
  activeReady: readonly pulumi.Resource[],
  inactiveReady: readonly pulumi.Resource[],
  provider: pulumi.ProviderResource,
  k8s: typeof K8s,
): void {
  const active = pair.plans[pair.active];
  const service = { type: top.service.type, annotations: top.service.annotations, nodePorts: top.service.nodePorts };
  const client = new k8s.core.v1.Service(
    `${BLUE}/client`,
    forced(pairClientService(top.name, service, active)) as never,
    { provider, dependsOn: [...activeReady], ...fromBlue() },
  );
  const inactive = inactiveOf(pair.active);
  const label = (side: Side) => `${top.namespace}/${pair.plans[side].name} (${side})`;
  const connection = (side: Side): pulumi.Output<Connection> =>
    pulumi.secret(
      pulumi
        .all([pair.username, pair.password])
        .apply(([username, password]) => ({ url: pair.plans[side].managementUrl, username, password })),
    );
  if (pair.clusters[inactive]) {
    new DrainSide(
      `${BLUE}/drain`,
      {
        from: connection(inactive),
        to: connection(pair.active),
        destination: { host: `${active.names.client}.${active.namespace}.svc`, port: PORTS.amqp },
        queues,
        fromName: label(inactive),
        toName: label(pair.active),
      },
      { dependsOn: [client, ...inactiveReady] },
    );
  } else {
    // The side is not deployed any more: its guard asks it, first, whether anything is left.
    new RetireGuard(`${BLUE}/retire-${inactive}`, {
      connection: connection(inactive),
      cluster: label(inactive),
      statisticsMs: statisticsInterval(pair.plans[inactive]),
    });
  }
}

/** The cluster's collect_statistics_interval (ms): RabbitMQ's default 5000 unless its rabbitmq.conf sets one. */
function statisticsInterval(plan: ClusterPlan): number {
  const set = /^\s*collect_statistics_interval\s*=\s*(\d+)\s*$/m.exec(plan.configFiles['rabbitmq.conf']);
  return set ? Number(set[1]) : 5000;
}

/** Both sides run the shovel plugin: the drains are dynamic shovels. */
function withShovels(c: ClusterConfig): ClusterConfig {
  return c.plugins.includes('rabbitmq_shovel') ? c : { ...c, plugins: [...c.plugins, 'rabbitmq_shovel'] };
}
