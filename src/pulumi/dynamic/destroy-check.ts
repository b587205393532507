// `pulumi destroy` does not run the program, so no guard's `check` sees it:
// the engine deletes what the state holds. This resource depends on every
// other resource of the topology, so the engine deletes it first and alone
// (nothing else can go before it); its delete asks the broker
// what each queue holds and refuses while any holds messages, unless the
// stack allowed it (warren:allow.destroyNonEmpty) at its last `up` — the
// allowance is read from the state, as destroy knows nothing else.
import type * as pulumi from '@pulumi/pulumi';
import { callApi, seg, type Connection } from './management-api.js';
import { plainError } from './plain-error.js';
import { DynamicResource, defineProvider } from './dynamic-resource.js';

export interface DestroyCheckInputs {
  readonly connection: pulumi.Input<Connection>;
  /** The managed queues, as `vhost` and `name`. */
  readonly queues: readonly { readonly vhost: string; readonly name: string }[];
  readonly allowNonEmpty: boolean;
}

type State = { connection: Connection; queues: { vhost: string; name: string }[]; allowNonEmpty: boolean };

const provider = defineProvider('DestroyCheck', {
  async create(inputs: State) {
    return { id: 'destroy-check', outs: inputs };
  },
  async diff(_id, olds: State, news: State) {
    return { changes: JSON.stringify(olds) !== JSON.stringify(news) }; // the connection included: destroy needs the current one
  },
  async update(_id, _olds: State, news: State) {
    return { outs: news };
  },
  async delete(_id, s: State) {
    if (s.allowNonEmpty) return;
    const held: string[] = [];
    // One request per vhost, not per queue: large topologies have thousands of queues.
    for (const vhost of [...new Set(s.queues.map((q) => q.vhost))]) {
      const managed = new Set(s.queues.filter((q) => q.vhost === vhost).map((q) => q.name));
      const { status, json } = await callApi(s.connection, 'GET', `/queues/${seg(vhost)}?columns=name,messages`);
      const live = status === 404 ? [] : ((json ?? []) as { name: string; messages?: number }[]);
      for (const q of live.filter((l) => managed.has(l.name) && (l.messages ?? 0) > 0)) {
        held.push(`${vhost}/${q.name} (${q.messages!.toLocaleString('en-US')} message${q.messages === 1 ? '' : 's'})`);
      }
    }
    if (held.length > 0) {
      throw plainError(
        `refusing to delete queues that hold messages: ${held.join(', ')}. Drain them, or set warren:allow.destroyNonEmpty: true in the stack config and run pulumi up, then destroy again.`,
      );
    }
  },
} satisfies pulumi.dynamic.ResourceProvider);

export class DestroyCheck extends DynamicResource {
  constructor(name: string, args: DestroyCheckInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, { ...opts, additionalSecretOutputs: ['connection'] });
  }
}
