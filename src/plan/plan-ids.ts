// Stable resource ids: vhost + kind + name. A rename is a visible change (a
// new id); list positions never enter an id. Every id is an unambiguous
// encoding of what it names, whatever characters the names hold: two
// different objects never get one id (test/plan/plan-ids.test.ts proves it
// over generated names). Each name is percent-encoded where it would end its
// field: `%` (the escape itself) and `/` (between fields) everywhere, and
// inside a binding's name the character that ends each part (`>` after the
// source, `[` after the destination, `]` after the routing key). Names
// without those characters read as they are, and keep the ids they had.
import { type BrokerBinding, canonical } from '../model/binding-identity.js';

function part(name: string): string {
  return name.replace(/%/g, '%25').replace(/\//g, '%2F');
}

export const ids = {
  vhost: (vhost: string) => `vhost/${part(vhost)}`,
  user: (user: string) => `user/${part(user)}`,
  object: (vhost: string, kind: string, name: string) => `${part(vhost)}/${kind}/${part(name)}`,
  /**
   * A binding by the one binding identity: as the broker stores it (brokerBindingOf), arguments in canonical
   * form: `<source>><type>:<destination>[<key>]`, then ` <arguments>` when there are any.
   */
  binding: (vhost: string, b: BrokerBinding) => {
    const args = canonical(b.arguments ?? {});
    const source = part(b.source).replace(/>/g, '%3E');
    const destination = part(b.destination).replace(/\[/g, '%5B');
    const key = part(b.routingKey).replace(/]/g, '%5D');
    const named = `${source}>${b.destinationType}:${destination}[${key}]${args === '{}' ? '' : ` ${part(args)}`}`;
    // Pulumi URNs use `::` as a separator; it must not occur inside a name. Every other `%` is followed
    // by 25, 2F, 3E, 5B or 5D, so `%3A` reads back unambiguously.
    return `${part(vhost)}/binding/${named}`.replace(/::/g, ':%3A');
  },
};
