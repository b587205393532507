// Users @pulumi/rabbitmq cannot express (its User needs a clear-text
// password): users given a salted hash, and users without a password
// (certificate or other auth). The hash is a secret in state and outputs.
import type * as pulumi from '@pulumi/pulumi';
import { callApi, connectionChanged, readOne, seg, type Connection } from './management-api.js';
import { putProvider } from './put-provider.js';
import { DynamicResource, defineProvider } from './dynamic-resource.js';

export interface UserAccountInputs {
  readonly connection: pulumi.Input<Connection>;
  readonly name: string;
  readonly tags: readonly string[];
  /** Base64 salted hash; "" for no password. */
  readonly passwordHash: pulumi.Input<string>;
  readonly algorithm: 'sha256' | 'sha512';
}

type State = Omit<UserAccountInputs, 'connection' | 'passwordHash'> & { connection: Connection; passwordHash: string };

async function put(s: State): Promise<void> {
  await callApi(s.connection, 'PUT', `/users/${seg(s.name)}`, {
    password_hash: s.passwordHash,
    hashing_algorithm: `rabbit_password_hashing_${s.algorithm}`,
    tags: s.tags.join(','),
  });
}

const provider = defineProvider(
  'UserAccount',
  putProvider<State>({
    id: (s) => s.name,
    put: put,
    async diff(_id, olds: State, news: State) {
      const changed = (['tags', 'passwordHash', 'algorithm'] as const).some(
        (k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]),
      );
      return {
        changes: changed || olds.name !== news.name || connectionChanged(olds, news),
        replaces: olds.name !== news.name ? ['name'] : [],
        deleteBeforeReplace: true,
      };
    },
    async read(id, props: State) {
      const u = (await readOne(props.connection, `/users/${seg(props.name)}`, { name: props.name })) as
        | { password_hash?: string; tags?: string[] | string }
        | undefined;
      if (!u) return { id: '', props: {} };
      const tags = Array.isArray(u.tags) ? u.tags : typeof u.tags === 'string' && u.tags ? u.tags.split(',') : [];
      return {
        id,
        props: { ...props, tags, passwordHash: typeof u.password_hash === 'string' ? u.password_hash : '' },
      };
    },
    async delete(_id, props: State) {
      await callApi(props.connection, 'DELETE', `/users/${seg(props.name)}`);
    },
  }),
);

export class UserAccount extends DynamicResource {
  constructor(name: string, args: UserAccountInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, { ...opts, additionalSecretOutputs: ['connection', 'passwordHash'] });
  }
}
