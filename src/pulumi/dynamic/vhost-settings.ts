// What @pulumi/rabbitmq's VHost cannot hold (it takes only a name):
// description, tags, default queue type and limits, kept in sync through the
// management API. Deleting it clears them and leaves the vhost.
import type * as pulumi from '@pulumi/pulumi';
import { limitsFromBroker, VHOST_LIMITS, type VHostLimitValues } from '../../format/limits.js';
import { callApi, connectionChanged, readList, readOne, seg, type Connection } from './management-api.js';
import { putProvider } from './put-provider.js';
import { DynamicResource, defineProvider } from './dynamic-resource.js';

export interface VHostSettingsInputs {
  readonly connection: pulumi.Input<Connection>;
  readonly vhost: pulumi.Input<string>;
  readonly description: string;
  readonly tags: readonly string[];
  readonly defaultQueueType?: string;
  readonly limits: VHostLimitValues;
}

type State = Omit<VHostSettingsInputs, 'connection' | 'vhost'> & { connection: Connection; vhost: string };

async function apply(s: State): Promise<void> {
  await callApi(s.connection, 'PUT', `/vhosts/${seg(s.vhost)}`, {
    description: s.description,
    tags: s.tags.join(','),
    ...(s.defaultQueueType ? { default_queue_type: s.defaultQueueType } : {}),
  });
  for (const { field, key } of VHOST_LIMITS) {
    const value = s.limits[field];
    if (value === undefined) await callApi(s.connection, 'DELETE', `/vhost-limits/${seg(s.vhost)}/${key}`);
    else await callApi(s.connection, 'PUT', `/vhost-limits/${seg(s.vhost)}/${key}`, { value });
  }
}

const provider = defineProvider(
  'VHostSettings',
  putProvider<State>({
    id: (s) => s.vhost,
    put: apply,
    async diff(_id, olds: State, news: State) {
      const keys = ['description', 'tags', 'defaultQueueType', 'limits'] as const;
      const changes = keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
      return {
        changes: changes.length > 0 || olds.vhost !== news.vhost || connectionChanged(olds, news),
        replaces: olds.vhost !== news.vhost ? ['vhost'] : [],
      };
    },
    async read(id, props: State) {
      const v = (await readOne(props.connection, `/vhosts/${seg(props.vhost)}`, { name: props.vhost })) as
        | { description?: string; tags?: string[] | string }
        | undefined;
      if (!v) return { id: '', props: {} };
      const tags = Array.isArray(v.tags) ? v.tags : typeof v.tags === 'string' && v.tags ? v.tags.split(',') : [];
      const value = (await readList(props.connection, `/vhost-limits/${seg(props.vhost)}`))[0]?.value;
      return {
        id,
        props: {
          ...props,
          description: typeof v.description === 'string' ? v.description : '',
          tags,
          limits: limitsFromBroker(VHOST_LIMITS, value),
        },
      };
    },
    async delete(_id, props: State) {
      // Clearing must not re-create a vhost that is already gone.
      if (await readOne(props.connection, `/vhosts/${seg(props.vhost)}`, { name: props.vhost }))
        await apply({ ...props, description: '', tags: [], limits: {} });
    },
  }),
);

export class VHostSettings extends DynamicResource {
  constructor(name: string, args: VHostSettingsInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, { ...opts, additionalSecretOutputs: ['connection'] });
  }
}
