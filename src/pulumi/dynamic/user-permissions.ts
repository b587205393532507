// A user's permissions or topic permissions in a vhost, when the user's or the
// vhost's name holds `@`. @pulumi/rabbitmq's Permissions and TopicPermissions
// name their object `user@vhost` and split that id at `@` into exactly two
// parts on every read and delete, so with such a name the create fails after
// writing, and the object is left on the broker that nothing manages
// (create-topology.ts, providerCannotName). Here the user and the vhost stay
// two fields. Permissions change in place; topic permissions are written
// whole (those of exchanges no longer listed are deleted first).
import type * as pulumi from '@pulumi/pulumi';
import { canonical } from '../../model/binding-identity.js';
import { callApi, connectionChanged, seg, type Connection } from './management-api.js';
import { putProvider } from './put-provider.js';
import { DynamicResource, defineProvider } from './dynamic-resource.js';

export interface Permissions {
  readonly configure: string;
  readonly write: string;
  readonly read: string;
}
export interface TopicPermission {
  readonly exchange: string;
  readonly write: string;
  readonly read: string;
}

export interface UserPermissionsInputs {
  readonly connection: pulumi.Input<Connection>;
  readonly user: pulumi.Input<string>;
  readonly vhost: string;
  /** Exactly one of the two. */
  readonly permissions?: Permissions;
  readonly topicPermissions?: readonly TopicPermission[];
}

type State = Omit<UserPermissionsInputs, 'connection' | 'user'> & { connection: Connection; user: string };

const path = (s: State) =>
  `/${s.topicPermissions ? 'topic-permissions' : 'permissions'}/${seg(s.vhost)}/${seg(s.user)}`;

async function put(s: State): Promise<void> {
  if (s.permissions) {
    const { configure, write, read } = s.permissions;
    await callApi(s.connection, 'PUT', path(s), { configure, write, read });
    return;
  }
  // Whole: the exchanges no longer listed lose theirs (DELETE removes every exchange's of the user in the vhost).
  await callApi(s.connection, 'DELETE', path(s));
  for (const { exchange, write, read } of s.topicPermissions ?? [])
    await callApi(s.connection, 'PUT', path(s), { exchange, write, read });
}

const provider = defineProvider(
  'UserPermissions',
  putProvider<State>({
    id: (s) => JSON.stringify([s.topicPermissions ? 'topic-permissions' : 'permissions', s.vhost, s.user]),
    put,
    async diff(_id, olds: State, news: State) {
      const moved = (['user', 'vhost'] as const).filter((k) => olds[k] !== news[k]);
      const kind = Boolean(olds.topicPermissions) !== Boolean(news.topicPermissions);
      const changed =
        canonical(olds.permissions ?? null) !== canonical(news.permissions ?? null) ||
        canonical(olds.topicPermissions ?? null) !== canonical(news.topicPermissions ?? null);
      return {
        changes: changed || moved.length > 0 || connectionChanged(olds, news),
        replaces: [...moved, ...(kind ? ['topicPermissions'] : [])],
        deleteBeforeReplace: true,
      };
    },
    async read(id, props: State) {
      const { status, json } = await callApi(props.connection, 'GET', path(props));
      if (status === 404) return { id: '', props: {} };
      if (!props.topicPermissions) {
        const p = json as Permissions;
        return { id, props: { ...props, permissions: { configure: p.configure, write: p.write, read: p.read } } };
      }
      const rows = ((json ?? []) as TopicPermission[]).map(({ exchange, write, read }) => ({ exchange, write, read }));
      if (rows.length === 0) return { id: '', props: {} };
      rows.sort((a, b) => (a.exchange < b.exchange ? -1 : a.exchange > b.exchange ? 1 : 0));
      return { id, props: { ...props, topicPermissions: rows } };
    },
    async delete(_id, props: State) {
      await callApi(props.connection, 'DELETE', path(props)); // 404: already gone (with its user or vhost)
    },
  }),
);

export class UserPermissions extends DynamicResource {
  declare readonly user: pulumi.Output<string>;
  constructor(name: string, args: UserPermissionsInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args }, { ...opts, additionalSecretOutputs: ['connection'] });
  }
}

/** The provider itself, for the unit tests. */
export const userPermissionsProvider = provider;
