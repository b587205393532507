// Per-user limits (max connections, max channels), which @pulumi/rabbitmq's
// User does not have. Deleting removes the limits, not the user.
import type * as pulumi from '@pulumi/pulumi';
import { limitsFromBroker, USER_LIMITS, type UserLimitValues } from '../../format/limits.js';
import { callApi, connectionChanged, readList, readOne, seg, type Connection } from './management-api.js';
import { putProvider } from './put-provider.js';
import { DynamicResource, defineProvider } from './dynamic-resource.js';

export interface UserLimitsInputs {
  readonly connection: pulumi.Input<Connection>;
  readonly user: pulumi.Input<string>;
  readonly limits: UserLimitValues;
}

type State = { connection: Connection; user: string; limits: UserLimitsInputs['limits'] };

async function apply(s: State, limits: UserLimitValues): Promise<void> {
  for (const { field, key } of USER_LIMITS) {
    const value = limits[field];
    if (value === undefined) await callApi(s.connection, 'DELETE', `/user-limits/${seg(s.user)}/${key}`);
    else await callApi(s.connection, 'PUT', `/user-limits/${seg(s.user)}/${key}`, { value });
  }
}

const provider = defineProvider(
  'UserLimits',
  putProvider<State>({
    id: (s) => s.user,
    put: (s) => apply(s, s.limits),
    async diff(_id, olds: State, news: State) {
      const changed = JSON.stringify(olds.limits) !== JSON.stringify(news.limits);
      return {
        changes: changed || olds.user !== news.user || connectionChanged(olds, news),
        replaces: olds.user !== news.user ? ['user'] : [],
      };
    },
    async read(id, props: State) {
      const value = (await readList(props.connection, `/user-limits/${seg(props.user)}`))[0]?.value;
      return { id, props: { ...props, limits: limitsFromBroker(USER_LIMITS, value) } };
    },
    async delete(_id, props: State) {
      if (await readOne(props.connection, `/users/${seg(props.user)}`, { name: props.user })) await apply(props, {});
    },
  }),
);

export class UserLimits extends DynamicResource {
  constructor(name: string, args: UserLimitsInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, { ...opts, additionalSecretOutputs: ['connection'] });
  }
}
