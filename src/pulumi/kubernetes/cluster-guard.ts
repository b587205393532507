// The cluster's guard, like the queue guard: registered before every object of
// the cluster, which all depend on it. It compares the deployed StatefulSet's
// replicas, storage, identity and image with the new ones and refuses what
// clusterGuardRefusals refuses: nothing of the cluster is then touched. An
// image change is judged from the versions the nodes run, asked of the
// cluster's management API in `check` (so in preview too).
import type * as pulumi from '@pulumi/pulumi';
import {
  clusterGuardRefusals,
  needsRunningVersions,
  type ClusterGuardInputs,
} from '../../cluster/cluster-guard-rules.js';
import type { Connection } from '../dynamic/management-api.js';
import { guardProvider } from '../dynamic/guard-provider.js';
import { DynamicResource, defineProvider } from '../dynamic/dynamic-resource.js';
import { readRunningVersions } from './read-running-versions.js';

/** The guard's inputs: the rules' own, and where the running cluster answers (its management API, as an admin). */
type GuardState = ClusterGuardInputs & { readonly connection?: Connection };

const provider = defineProvider(
  'ClusterGuard',
  guardProvider<GuardState>({
    id: 'cluster-guard',
    property: 'replicas',
    refusals: async (previous, next) => clusterGuardRefusals(previous, next, await runningVersionsFor(previous, next)),
    // The image is part of what is deployed: the next deployment judges its upgrade from it.
    shape: (s) =>
      JSON.stringify([s.namespace, s.name, s.replicas, s.storage.size, s.storage.storageClass ?? '', s.image ?? '']),
  }),
);

/** The versions the nodes run, asked only when an image change is to be judged. */
async function runningVersionsFor(previous: GuardState | undefined, next: GuardState) {
  if (!needsRunningVersions(previous, next)) return undefined;
  return next.connection ? readRunningVersions(next.connection) : { unknown: 'the stack gives no management API' };
}

export class ClusterGuard extends DynamicResource {
  constructor(
    name: string,
    args: ClusterGuardInputs & { readonly connection?: pulumi.Input<Connection> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(provider, name, args, { ...opts, additionalSecretOutputs: ['connection'] });
  }
}
