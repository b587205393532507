// The guard: one resource registered before every other, on which all others
// depend. It holds the fingerprint of every managed queue. In `check`, which
// Pulumi runs in preview and before any change in `up`, it compares them with
// the last deployment's and fails with the refusals of guardRefusals; no
// other resource is then registered, so the broker is left untouched.
import * as pulumi from '@pulumi/pulumi';
import { guardRefusals } from '../../plan/guard-rules.js';
import type { GuardInputs } from '../../plan/plan-types.js';

const provider: pulumi.dynamic.ResourceProvider = {
  async check(olds: GuardInputs | undefined, news: GuardInputs) {
    const refusals = guardRefusals(olds && Object.keys(olds).length > 0 ? olds : undefined, news);
    return { inputs: news, failures: refusals.map((reason) => ({ property: 'queues', reason })) };
  },
  async create(inputs: GuardInputs) {
    return { id: 'queue-guard', outs: inputs };
  },
  // Allowances only matter in `check`; adding or removing one is not a change to deploy.
  async diff(_id, olds: GuardInputs, news: GuardInputs) {
    return { changes: JSON.stringify(olds.queues) !== JSON.stringify(news.queues) };
  },
  async update(_id, _olds: GuardInputs, news: GuardInputs) {
    return { outs: news };
  },
};

export class QueueGuard extends pulumi.dynamic.Resource {
  constructor(name: string, args: GuardInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, opts, 'warren', 'QueueGuard');
  }
}
