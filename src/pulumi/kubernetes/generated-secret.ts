// A random value made once and kept: the default user's password and the
// Erlang cookie. Neither may change once the cluster exists (RabbitMQ reads
// the default user only on first boot, and nodes with different cookies
// cannot talk), so the value lives in the Pulumi state, is never made again
// on update or refresh, and is a secret there and in every output.
// (@pulumi/random would do, but its plugin is one more download per machine.)
import crypto from 'node:crypto';
import type * as pulumi from '@pulumi/pulumi';
import { DynamicResource, defineProvider } from '../dynamic/dynamic-resource.js';

export interface GeneratedSecretInputs {
  /** Random bytes behind the value (base64url: 4 characters per 3 bytes). */
  readonly bytes: number;
}

interface State {
  readonly bytes: number;
  readonly value: string;
}

/** The provider, exported for unit tests of its lifecycle. */
export const generatedSecretProvider = defineProvider('GeneratedSecret', {
  async create(inputs: GeneratedSecretInputs) {
    const value = crypto.randomBytes(inputs.bytes).toString('base64url');
    return { id: crypto.randomUUID(), outs: { bytes: inputs.bytes, value } satisfies State };
  },
  // Only asking for a different length makes a new value; nothing else ever does.
  async diff(_id, olds: State, news: GeneratedSecretInputs) {
    const changed = olds.bytes !== news.bytes;
    return { changes: changed, replaces: changed ? ['bytes'] : [], deleteBeforeReplace: false };
  },
  async update(_id, olds: State, news: GeneratedSecretInputs) {
    return { outs: { bytes: news.bytes, value: olds.value } satisfies State };
  },
  // There is nothing outside the state to read back: refresh keeps the value.
  async read(id, props: State) {
    return { id, props };
  },
} satisfies pulumi.dynamic.ResourceProvider);

export class GeneratedSecret extends DynamicResource {
  declare readonly value: pulumi.Output<string>;
  declare readonly bytes: pulumi.Output<number>;

  constructor(name: string, args: GeneratedSecretInputs, opts?: pulumi.CustomResourceOptions) {
    super(
      generatedSecretProvider,
      name,
      { ...args, value: undefined },
      { ...opts, additionalSecretOutputs: ['value'] },
    );
  }
}
