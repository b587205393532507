// The dynamic providers that converge an object by PUTting its whole desired
// state share create and update: write, then report the inputs as state.
import type * as pulumi from '@pulumi/pulumi';

export interface PutProviderSpec<S> {
  readonly id: (state: S) => string;
  readonly put: (state: S) => Promise<void>;
  readonly diff: NonNullable<pulumi.dynamic.ResourceProvider['diff']>;
  readonly read: NonNullable<pulumi.dynamic.ResourceProvider['read']>;
  readonly delete: NonNullable<pulumi.dynamic.ResourceProvider['delete']>;
}

export function putProvider<S>(spec: PutProviderSpec<S>): pulumi.dynamic.ResourceProvider {
  return {
    async create(inputs: S) {
      await spec.put(inputs);
      return { id: spec.id(inputs), outs: inputs };
    },
    async update(_id: string, _olds: S, news: S) {
      await spec.put(news);
      return { outs: news };
    },
    diff: spec.diff,
    read: spec.read,
    delete: spec.delete,
  };
}
