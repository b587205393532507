// The guard: one resource registered before every other, on which all others
// depend. It holds the fingerprint of every managed queue, and refuses (in
// preview, and before any change in `up`) what guardRefusals refuses, so that
// no other resource is registered and the broker is left untouched.
import type * as pulumi from '@pulumi/pulumi';
import { guardRefusals } from '../../plan/guard-rules.js';
import type { GuardInputs } from '../../plan/plan-types.js';
import { guardProvider } from './guard-provider.js';
import { DynamicResource, defineProvider } from './dynamic-resource.js';

const provider = defineProvider(
  'QueueGuard',
  guardProvider<GuardInputs>({
    id: 'queue-guard',
    property: 'queues',
    refusals: guardRefusals,
    shape: (s) => JSON.stringify(s.queues) + (s.granularity ? ` ${s.granularity}` : ''),
  }),
);

export class QueueGuard extends DynamicResource {
  constructor(name: string, args: GuardInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, opts);
  }
}
