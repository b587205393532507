// What the RabbitMQ Cluster Operator does around a roll, over the management
// API this program already reaches:
// - after every completed roll (or scale), give every quorum queue the members
//   it lacks on the running nodes (quorum-growth.ts: after a scale-up, a queue
//   keeps the members it was declared with), move queue leaders back over all
//   nodes (a roll leaves them on the nodes that restarted first) and enable
//   every stable feature flag (the next minor upgrade refuses to start while
//   flags of this one are off);
// - before the cluster is deleted, set the global parameter the preStop hook
//   looks for, so that nodes stopping for good do not wait for quorum queues
//   that are going away too (they would wait for the whole grace period).
import type * as pulumi from '@pulumi/pulumi';
import { firstOf } from '../../base/first-of.js';
import { DECOMMISSION_PARAMETER, SKIP_PRESTOP_LABEL } from '../../cluster/compile-cluster.js';
import { addsMembersOverHttp, type ListedQueue, quorumGrowth } from '../../cluster/quorum-growth.js';
import { parseVersion } from '../../cluster/upgrade-paths.js';
import { callApi, connectionChanged, readList, readOne, seg, type Connection } from '../dynamic/management-api.js';
import { plainError } from '../dynamic/plain-error.js';
import { DynamicResource, defineProvider } from '../dynamic/dynamic-resource.js';

export interface ClusterMaintenanceInputs {
  readonly connection: pulumi.Input<Connection>;
  /** Changes with whatever rolls or scales the StatefulSet (a hash of its spec). */
  readonly revision: pulumi.Input<string>;
  /** For the message when the cluster cannot be marked before deletion. */
  readonly namespace: string;
  readonly name: string;
}

interface State {
  connection: Connection;
  revision: string;
  namespace: string;
  name: string;
}

async function afterRoll(s: State): Promise<void> {
  // Members first: the rebalance then spreads leaders over the new ones too.
  await growQuorumQueues(s);
  await callApi(s.connection, 'POST', '/rebalance/queues');
  const flags = ((await callApi(s.connection, 'GET', '/feature-flags')).json ?? []) as {
    name: string;
    state: string;
    stability: string;
  }[];
  for (const flag of flags.filter((f) => f.state === 'disabled' && f.stability === 'stable')) {
    await callApi(s.connection, 'PUT', `/feature-flags/${seg(flag.name)}/enable`, {});
  }
}

/**
 * Adds the members quorum queues lack on the running nodes (quorumGrowth), one request per member, as
 * `rabbitmq-queues grow` does. A broker without the API (before 3.12.1) gets the commands that do it, as a warning:
 * the roll itself is complete, and failing `up` would not add them either. So does a member the broker refuses.
 */
async function growQuorumQueues(s: State): Promise<void> {
  const overview = (await callApi(s.connection, 'GET', '/overview')).json as { rabbitmq_version?: unknown } | undefined;
  const reported = typeof overview?.rabbitmq_version === 'string' ? overview.rabbitmq_version.slice(0, 30) : undefined;
  const version = reported === undefined ? undefined : parseVersion(reported);
  const running = (await readList(s.connection, '/nodes'))
    .filter((n) => n.running === true && typeof n.name === 'string')
    .map((n) => n.name as string);
  const listed = (await readList(
    s.connection,
    '/queues?columns=vhost,name,type,members,arguments',
  )) as unknown as ListedQueue[];
  // A list without a quorum queue's members (a broker that leaves them out of lists) is asked queue by queue:
  // a queue whose members are unknown must not pass for one that lacks none.
  const queues: ListedQueue[] = [];
  for (const q of listed) {
    if (q.type !== 'quorum' || Array.isArray(q.members)) queues.push(q);
    else queues.push(((await readOne(s.connection, `/queues/${seg(q.vhost)}/${seg(q.name)}`)) ?? q) as ListedQueue);
  }
  const { growth, unknown } = quorumGrowth(running, queues);
  const exec = `kubectl -n ${s.namespace} exec ${s.name}-0 --`;
  if (unknown.length > 0)
    warn(
      `cluster ${s.namespace}/${s.name}: the broker did not say which members ${unknown.length} quorum queue(s) have (${names(unknown)}): whether they lack any is unknown. ` +
        `To be sure: \`${exec} rabbitmq-queues grow <node> all\` for each node.`,
    );
  if (growth.length === 0) return;
  if (!version || !addsMembersOverHttp(version)) {
    const nodes = [...new Set(growth.flatMap((g) => g.add))].sort();
    warn(
      `cluster ${s.namespace}/${s.name}: ${growth.length} quorum queue(s) have fewer members than the running nodes allow (${names(growth.map((g) => `${g.vhost}/${g.name}`))}); ` +
        `RabbitMQ ${reported ?? '(version unknown)'} has no API to add them (3.12.1 and later have). ` +
        `Add them: ${nodes.map((n) => `\`${exec} rabbitmq-queues grow ${n} all\``).join(', then ')}.`,
    );
    return;
  }
  const refused: string[] = [];
  for (const g of growth)
    for (const node of g.add) {
      const path = `/queues/quorum/${seg(g.vhost)}/${seg(g.name)}/replicas/add`;
      // 404: the queue went meanwhile; 503: the broker's refusal (a member already, a node gone), said below.
      const { status, json } = await callApi(s.connection, 'POST', path, { node }, [503]);
      if (status === 503)
        refused.push(
          `${g.vhost}/${g.name} on ${node}: ${String((json as { reason?: unknown })?.reason ?? '').slice(0, 200)}`,
        );
    }
  if (refused.length > 0)
    warn(
      `cluster ${s.namespace}/${s.name}: RabbitMQ did not add ${refused.length} quorum queue member(s): ${refused.slice(0, 10).join('; ')}. ` +
        `The next roll tries again; by hand: \`${exec} rabbitmq-queues grow <node> all\`.`,
    );
}

/** Queue ids (`vhost/name`) for a message: the first five, and how many more. */
const names = (ids: readonly string[]): string => firstOf(ids, 5);

/** A warning in `up`'s output: the dynamic-provider host has no engine to log to, and shows what it writes to stderr. */
function warn(message: string): void {
  console.warn(`warning: ${message}`);
}

const provider = defineProvider('ClusterMaintenance', {
  async create(inputs: State) {
    // A cluster made again under the same name must not inherit a marker of the one deleted before.
    await callApi(inputs.connection, 'DELETE', `/global-parameters/${seg(DECOMMISSION_PARAMETER)}`);
    await afterRoll(inputs);
    return { id: `${inputs.namespace}/${inputs.name}`, outs: inputs };
  },
  async diff(_id, olds: State, news: State) {
    return { changes: olds.revision !== news.revision || connectionChanged(olds, news) };
  },
  async update(_id, olds: State, news: State) {
    if (olds.revision !== news.revision) await afterRoll(news);
    return { outs: news };
  },
  async delete(_id, s: State) {
    try {
      await callApi(s.connection, 'PUT', `/global-parameters/${seg(DECOMMISSION_PARAMETER)}`, { value: 'true' });
    } catch (e) {
      throw plainError(
        `cannot mark cluster ${s.namespace}/${s.name} for deletion (${(e as Error).message}): its stopping nodes would wait for their quorum queues for up to terminationGracePeriodSeconds. ` +
          `Mark its pods instead: kubectl -n ${s.namespace} label pods -l app.kubernetes.io/instance=${s.name} ${SKIP_PRESTOP_LABEL}=true; then delete this resource from the state (pulumi state delete) and run destroy again.`,
      );
    }
  },
} satisfies pulumi.dynamic.ResourceProvider);

export class ClusterMaintenance extends DynamicResource {
  constructor(name: string, args: ClusterMaintenanceInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, { ...opts, additionalSecretOutputs: ['connection'] });
  }
}
