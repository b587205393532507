// The repository's example topology (topology/), as the cluster checks see it beside a stack file.
import { join } from 'node:path';
import { loadTopology } from '../../src/load-topology.js';
import { quorumQueuesWithoutDeliveryLimit } from '../../src/model/topology-model.js';

/** Its quorum queues without a deliveryLimit, as `warren validate --stack` finds them. */
export const EXAMPLE_UNLIMITED_QUORUM = quorumQueuesWithoutDeliveryLimit(
  loadTopology({ paths: [join(import.meta.dirname, '..', '..', 'topology')], plan: false }).model!,
);
