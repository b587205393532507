// Names a topology cannot hold (model/reserved-names.ts): a name under a prefix
// the broker or warren keep for their own objects (`reserved-name`), and `.`
// or `..`, which no management API path can name (`unaddressable-name`),
// whether as an object's name or as the properties key of a binding without
// arguments (its routing key), by which the binding is deleted; and secrets
// that name one of warren's own stack settings (checkSecretKey, called where
// passwords and URIs are checked).
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { brokerBindingOf } from '../model/binding-identity.js';
import {
  isUnaddressable,
  type NamedKind,
  reservedPrefix,
  reservedSecretKey,
  UNADDRESSABLE_WHY,
} from '../model/reserved-names.js';
import type { Declared, TopologyModel } from '../model/topology-model.js';

export function checkReservedNames(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  const check = (kind: NamedKind, name: string, src: Source) => {
    const reserved = reservedPrefix(kind, name);
    if (reserved)
      out.push(
        finding(
          'reserved-name',
          src,
          `${kind} name \`${name}\` starts with \`${reserved.prefix}\`, which ${reserved.owner}`,
          { target: 'key' },
        ),
      );
    if (isUnaddressable(name))
      out.push(
        finding(
          'unaddressable-name',
          src,
          `${kind} name \`${name}\`: ${UNADDRESSABLE_WHY}, so warren could not manage it`,
          {
            target: 'key',
          },
        ),
      );
  };
  const each = (kind: NamedKind, objects: ReadonlyMap<string, Declared<unknown>>) => {
    for (const o of objects.values()) check(kind, o.name, o.src);
  };
  for (const vhost of model.vhosts.values()) {
    for (const src of vhost.sources) check('vhost', vhost.name, src);
    each('exchange', vhost.exchanges);
    each('queue', vhost.queues);
    each('super stream', vhost.superStreams);
    each('policy', vhost.policies);
    each('operator policy', vhost.operatorPolicies);
    each('federation upstream', vhost.federationUpstreams);
    each('federation upstream set', vhost.federationUpstreamSets);
    each('shovel', vhost.shovels);
    for (const b of vhost.bindings.values()) {
      // Most keys are not `.` or `..`: skip building the broker's form for them (hot with many bindings).
      if (!b.ok || !isUnaddressable(b.spec.key ?? '')) continue;
      const broker = brokerBindingOf(b.spec);
      // With arguments, the properties key is `<key>~<hash of the arguments>`: never a dot segment.
      if (Object.keys(broker.arguments).length > 0 || !isUnaddressable(broker.routingKey)) continue;
      out.push(
        finding(
          'unaddressable-name',
          at(b.src, 'key'),
          `binding key \`${broker.routingKey}\` without arguments: the broker names the binding by its key in the path that deletes it, and ${UNADDRESSABLE_WHY}, so the binding could be created but never deleted`,
        ),
      );
    }
  }
  each('user', model.users);
  return out;
}

/** A secret key (a user's password, a URI's) that names one of warren's own stack settings. */
export function checkSecretKey(out: Finding[], key: unknown, src: Source): void {
  const setting = typeof key === 'string' ? reservedSecretKey(key) : undefined;
  if (setting === undefined) return;
  out.push(
    finding(
      'reserved-name',
      src,
      `secret \`${key as string}\` names warren's own stack setting warren:${setting}: the secret would be read from it; name another key`,
    ),
  );
}
