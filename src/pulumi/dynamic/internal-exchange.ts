// Internal exchanges (reachable only through exchange-to-exchange bindings),
// which @pulumi/rabbitmq's Exchange cannot declare. Like that provider, any
// change re-declares the exchange (deleting first: names are fixed); an
// exchange holds no messages, and warren re-creates its bindings.
// Also exchanges that are not internal (`internal: false`) whose arguments
// that provider cannot carry: its `arguments` is a map the SDK rebuilds by
// assignment, which loses a key `__proto__` (dynamic/wire-keys.ts).
import type * as pulumi from '@pulumi/pulumi';
import { callApi, connectionChanged, readOne, seg, type Connection } from './management-api.js';
import { DynamicResource, defineProvider } from './dynamic-resource.js';

export interface InternalExchangeInputs {
  readonly connection: pulumi.Input<Connection>;
  readonly vhost: pulumi.Input<string>;
  readonly name: string;
  readonly type: string;
  readonly durable: boolean;
  readonly autoDelete: boolean;
  readonly arguments: Record<string, unknown>;
  /** Absent: internal (as for every exchange this resource declared before it took others). */
  readonly internal?: false;
}

type State = Omit<InternalExchangeInputs, 'connection' | 'vhost'> & { connection: Connection; vhost: string };
const FIELDS = ['vhost', 'name', 'type', 'durable', 'autoDelete', 'arguments', 'internal'] as const;

const provider = defineProvider('InternalExchange', {
  async create(s: State) {
    await callApi(s.connection, 'PUT', `/exchanges/${seg(s.vhost)}/${seg(s.name)}`, {
      type: s.type,
      durable: s.durable,
      auto_delete: s.autoDelete,
      internal: s.internal ?? true,
      arguments: s.arguments,
    });
    return { id: `${s.vhost}/${s.name}`, outs: s };
  },
  async diff(_id, olds: State, news: State) {
    const replaces = FIELDS.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: replaces.length > 0 || connectionChanged(olds, news), replaces, deleteBeforeReplace: true };
  },
  // Only the connection can change without a replacement: keep the new one.
  async update(_id, _olds: State, news: State) {
    return { outs: news };
  },
  async read(id, props: State) {
    const x = (await readOne(props.connection, `/exchanges/${seg(props.vhost)}/${seg(props.name)}`, {
      vhost: props.vhost,
      name: props.name,
    })) as { type: string; durable: boolean; auto_delete: boolean; arguments: Record<string, unknown> } | undefined;
    if (!x) return { id: '', props: {} };
    return {
      id,
      props: { ...props, type: x.type, durable: x.durable, autoDelete: x.auto_delete, arguments: x.arguments },
    };
  },
  async delete(_id, props: State) {
    await callApi(props.connection, 'DELETE', `/exchanges/${seg(props.vhost)}/${seg(props.name)}`);
  },
} satisfies pulumi.dynamic.ResourceProvider);

export class InternalExchange extends DynamicResource {
  declare readonly name: pulumi.Output<string>;
  constructor(name: string, args: InternalExchangeInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args }, { ...opts, additionalSecretOutputs: ['connection'] });
  }
}
