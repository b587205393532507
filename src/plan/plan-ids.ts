// Stable resource ids: vhost + kind + name. A rename is a visible change (a
// new id); list positions never enter an id. `/` and `%` inside names are
// escaped so that an id reads back unambiguously.
import type { BindingSpec } from '../schema/topology-schema.js';

function part(name: string): string {
  return name.replace(/%/g, '%25').replace(/\//g, '%2F');
}

export const ids = {
  vhost: (vhost: string) => `vhost/${part(vhost)}`,
  user: (user: string) => `user/${part(user)}`,
  object: (vhost: string, kind: string, name: string) => `${part(vhost)}/${kind}/${part(name)}`,
  binding: (vhost: string, b: BindingSpec, argumentsKey: string) => {
    const destination = b.to !== undefined ? `queue:${b.to}` : `exchange:${b.toExchange ?? ''}`;
    const extra = argumentsKey === '{}' ? '' : ` ${argumentsKey}`;
    // Pulumi URNs use `::` as a separator; it must not occur inside a name.
    return `${part(vhost)}/binding/${part(`${b.from}>${destination}[${b.key ?? ''}]${extra}`)}`.replace(/::/g, ':%3A');
  },
};
