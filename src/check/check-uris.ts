// The URIs of federation upstreams and shovels: one of the three forms, an
// AMQP URI, and never a password in clear text. A URI without a host names
// this broker: its vhost and the objects named next to it are cross-checked
// when the topology declares that vhost.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { readUri, type UriReading } from '../model/read-uri.js';
import { hasExchange, hasQueue, type TopologyModel } from '../model/topology-model.js';
import type { UriSpec } from '../format/topology-schema.js';
import { closestName } from '../diagnostics/closest-name.js';
import { checkSecretKey } from './check-reserved-names.js';

/** Checks one URI; its reading when it has a text warren may read (not a whole-URI secret). */
export function checkUri(out: Finding[], spec: UriSpec, src: Source): UriReading | undefined {
  if (typeof spec === 'string') return readText(out, spec, src, false);
  if (typeof spec !== 'object' || spec === null) return undefined;
  const hasSecret = spec.secret !== undefined;
  const hasUri = spec.uri !== undefined;
  const hasPassword = spec.password !== undefined;
  checkSecretKey(out, spec.secret, at(src, 'secret'));
  checkSecretKey(out, (spec.password as { secret?: unknown } | undefined)?.secret, at(src, 'password', 'secret'));
  if (hasSecret && !hasUri && !hasPassword) return undefined;
  if (!hasSecret && hasUri && hasPassword) {
    const reading = readText(out, spec.uri!, at(src, 'uri'), true);
    if (reading && reading.user === undefined)
      out.push(
        finding('uri-form', at(src, 'uri'), 'a URI whose password is a secret needs a user (`amqp://user@host/vhost`)'),
      );
    return reading;
  }
  out.push(
    finding(
      'uri-form',
      src,
      hasSecret
        ? 'a URI is either `{ secret }` (the whole URI) or `{ uri, password: { secret } }`, not both'
        : hasUri
          ? 'a URI object with `uri` needs `password: { secret }`; without a password, write the URI as a string'
          : 'a URI is a string, `{ secret }` or `{ uri, password: { secret } }`',
    ),
  );
  return undefined;
}

function readText(out: Finding[], text: string, src: Source, passwordApart: boolean): UriReading | undefined {
  if (typeof text !== 'string') return undefined;
  const reading = readUri(text);
  if ('problem' in reading) {
    out.push(finding('invalid-uri', src, `not a usable AMQP URI: ${reading.problem}`));
    return undefined;
  }
  if (reading.hasPassword) {
    out.push(
      finding(
        'clear-text-password',
        src,
        passwordApart
          ? 'the URI holds a password in clear text; it comes from `password: { secret }` alone'
          : 'the URI holds a password in clear text; write `{ uri: <URI without the password>, password: { secret: KEY } }` or `{ secret: KEY }`',
      ),
    );
  }
  return reading;
}

/**
 * For a URI of this broker whose vhost the topology declares: the named queue
 * or exchange must be declared there. `"" ` is the default exchange.
 */
export function checkLocalObject(
  out: Finding[],
  model: TopologyModel,
  reading: UriReading | undefined,
  kind: 'queue' | 'exchange',
  name: string | undefined,
  src: Source,
): void {
  if (!reading?.local || name === undefined) return;
  const vhost = model.vhosts.get(reading.vhost);
  if (!vhost) return;
  const known = kind === 'queue' ? hasQueue(vhost, name) : name === '' || hasExchange(vhost, name);
  if (known) return;
  const names = kind === 'queue' ? [...vhost.queues.keys()] : [...vhost.exchanges.keys()];
  const hint = closestName(name, names);
  out.push(
    finding(
      kind === 'queue' ? 'unknown-queue' : 'unknown-exchange',
      src,
      `${kind} \`${name}\` is not declared in vhost \`${vhost.name}\` (the URI names this broker)${hint ? ` (did you mean \`${hint}\`?)` : ''}`,
    ),
  );
}
