// What the RabbitMQ Cluster Operator does around a roll, over the management
// API this program already reaches:
// - after every completed roll (or scale), move queue leaders back over all
//   nodes (a roll leaves them on the nodes that restarted first) and enable
//   every stable feature flag (the next minor upgrade refuses to start while
//   flags of this one are off);
// - before the cluster is deleted, set the global parameter the preStop hook
//   looks for, so that nodes stopping for good do not wait for quorum queues
//   that are going away too (they would wait for the whole grace period).
import type * as pulumi from '@pulumi/pulumi';
import { DECOMMISSION_PARAMETER, SKIP_PRESTOP_LABEL } from '../../cluster/compile-cluster.js';
import { callApi, connectionChanged, seg, type Connection } from '../dynamic/management-api.js';
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
