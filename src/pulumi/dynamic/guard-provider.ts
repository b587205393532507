// What the queue guard and the cluster guard share: a resource whose `check`,
// which Pulumi runs in preview and before any change in `up`, compares the
// last deployment's inputs with the new ones and fails with one line per
// refusal; nothing that depends on it is then touched. Allowances matter only
// in `check`: `shape` says which inputs are a change to deploy.
import type * as pulumi from '@pulumi/pulumi';

export interface GuardSpec<I> {
  readonly id: string;
  /** The input the failures are reported on. */
  readonly property: string;
  /** May ask the running system (the cluster guard reads the versions its nodes run). */
  readonly refusals: (previous: I | undefined, next: I) => string[] | Promise<string[]>;
  readonly shape: (inputs: I) => string;
}

export function guardProvider<I extends object>(spec: GuardSpec<I>): pulumi.dynamic.ResourceProvider {
  return {
    async check(olds: I | undefined, news: I) {
      const refusals = await spec.refusals(olds && Object.keys(olds).length > 0 ? olds : undefined, news);
      return { inputs: news, failures: refusals.map((reason) => ({ property: spec.property, reason })) };
    },
    async create(inputs: I) {
      return { id: spec.id, outs: inputs };
    },
    async diff(_id: string, olds: I, news: I) {
      return { changes: spec.shape(olds) !== spec.shape(news) };
    },
    async update(_id: string, _olds: I, news: I) {
      return { outs: news };
    },
  };
}
