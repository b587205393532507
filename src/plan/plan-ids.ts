// Stable resource ids: vhost + kind + name. A rename is a visible change (a
// new id); list positions never enter an id. `/` and `%` inside names are
// escaped so that an id reads back unambiguously.
import { type BrokerBinding, canonical } from '../model/binding-identity.js';

function part(name: string): string {
  return name.replace(/%/g, '%25').replace(/\//g, '%2F');
}

export const ids = {
  vhost: (vhost: string) => `vhost/${part(vhost)}`,
  user: (user: string) => `user/${part(user)}`,
  object: (vhost: string, kind: string, name: string) => `${part(vhost)}/${kind}/${part(name)}`,
  /** A binding by the one binding identity: as the broker stores it (brokerBindingOf), arguments in canonical form. */
  binding: (vhost: string, b: BrokerBinding) => {
    const args = canonical(b.arguments ?? {});
    const extra = args === '{}' ? '' : ` ${args}`;
    const named = `${b.source}>${b.destinationType}:${b.destination}[${b.routingKey}]${extra}`;
    // Pulumi URNs use `::` as a separator; it must not occur inside a name.
    return `${part(vhost)}/binding/${part(named)}`.replace(/::/g, ':%3A');
  },
};
