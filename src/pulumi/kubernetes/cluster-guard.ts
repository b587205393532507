// The cluster's guard, like the queue guard: registered before every object of
// the cluster, which all depend on it. Its `check`, which Pulumi runs in
// preview and before any change in `up`, compares the deployed StatefulSet's
// replicas, storage and identity with the new ones and fails with the
// refusals of clusterGuardRefusals: nothing of the cluster is then touched.
import * as pulumi from '@pulumi/pulumi';
import { clusterGuardRefusals, type ClusterGuardInputs } from '../../cluster/cluster-guard-rules.js';

const provider: pulumi.dynamic.ResourceProvider = {
  async check(olds: ClusterGuardInputs | undefined, news: ClusterGuardInputs) {
    const refusals = clusterGuardRefusals(olds && Object.keys(olds).length > 0 ? olds : undefined, news);
    return { inputs: news, failures: refusals.map((reason) => ({ property: 'replicas', reason })) };
  },
  async create(inputs: ClusterGuardInputs) {
    return { id: 'cluster-guard', outs: inputs };
  },
  // Allowances only matter in `check`: adding or removing one changes nothing to deploy.
  async diff(_id, olds: ClusterGuardInputs, news: ClusterGuardInputs) {
    const shape = (s: ClusterGuardInputs) => JSON.stringify([s.namespace, s.name, s.replicas, s.storage.size, s.storage.storageClass ?? '']);
    return { changes: shape(olds) !== shape(news) };
  },
  async update(_id, _olds: ClusterGuardInputs, news: ClusterGuardInputs) {
    return { outs: news };
  },
};

export class ClusterGuard extends pulumi.dynamic.Resource {
  constructor(name: string, args: ClusterGuardInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, opts, 'warren', 'ClusterGuard');
  }
}
