// The cluster's guard, like the queue guard: registered before every object of
// the cluster, which all depend on it. It compares the deployed StatefulSet's
// replicas, storage, identity and image with the new ones and refuses what
// clusterGuardRefusals refuses: nothing of the cluster is then touched.
import type * as pulumi from '@pulumi/pulumi';
import { clusterGuardRefusals, type ClusterGuardInputs } from '../../cluster/cluster-guard-rules.js';
import { guardProvider } from '../dynamic/guard-provider.js';
import { DynamicResource, defineProvider } from '../dynamic/dynamic-resource.js';

const provider = defineProvider(
  'ClusterGuard',
  guardProvider<ClusterGuardInputs>({
    id: 'cluster-guard',
    property: 'replicas',
    refusals: clusterGuardRefusals,
    // The image is part of what is deployed: the next deployment judges its upgrade from it.
    shape: (s) =>
      JSON.stringify([s.namespace, s.name, s.replicas, s.storage.size, s.storage.storageClass ?? '', s.image ?? '']),
  }),
);

export class ClusterGuard extends DynamicResource {
  constructor(name: string, args: ClusterGuardInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, opts);
  }
}
