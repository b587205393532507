// AMQP URIs as federation upstreams and shovels take them
// (amqp://user@host:port/vhost?options). Read only as far as warren needs: the
// scheme, whether the userinfo holds a password (never clear text in a
// topology), and, for a URI without a host (this broker, a direct
// connection), its vhost. Problems are described without the URI's text,
// which may hold a secret.
import type { UriSpec } from '../format/topology-schema.js';

export interface UriReading {
  readonly scheme: string;
  /** The user of the userinfo, percent-decoded; undefined without one. */
  readonly user?: string;
  /** The userinfo holds a password (`user:password@`). */
  readonly hasPassword: boolean;
  /** No host: the URI names this broker (RabbitMQ connects directly). */
  readonly local: boolean;
  /** The vhost: the path, percent-decoded; `/` without one. */
  readonly vhost: string;
}

const SCHEMES = ['amqp', 'amqps'];

/** The URI read, or a problem (in words that do not repeat the URI). */
export function readUri(uri: string): UriReading | { problem: string } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(\/[^?#]*)?(\?[^#]*)?$/.exec(uri);
  if (!m) {
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1];
    if (scheme && !SCHEMES.includes(scheme.toLowerCase()))
      return { problem: `the scheme \`${scheme}\` is not amqp or amqps` };
    return { problem: 'not an AMQP URI (amqp://[user@]host[:port][/vhost][?options])' };
  }
  const scheme = m[1]!.toLowerCase();
  if (!SCHEMES.includes(scheme)) return { problem: `the scheme \`${m[1]}\` is not amqp or amqps` };
  const authority = m[2]!;
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : authority.slice(0, at);
  const hostport = at < 0 ? authority : authority.slice(at + 1);
  const colon = userinfo?.indexOf(':') ?? -1;
  const rawUser = userinfo === undefined ? undefined : colon < 0 ? userinfo : userinfo.slice(0, colon);
  const hasPassword = userinfo !== undefined && colon >= 0 && userinfo.length > colon + 1;
  const port = /^(?:\[[0-9A-Fa-f:.]+\]|[^:[\]]*)(?::(\d*))?$/.exec(hostport);
  if (!port) return { problem: 'its host is malformed' };
  if (port[1] !== undefined && (port[1] === '' || Number(port[1]) < 1 || Number(port[1]) > 65535))
    return { problem: 'its port is not a number from 1 to 65535' };
  const host = hostport.replace(/:\d*$/, '');
  const path = m[3] ?? '';
  if (path.indexOf('/', 1) >= 0)
    return { problem: 'its path holds more than a vhost (write a `/` in a vhost name as %2F)' };
  const user = rawUser === undefined ? undefined : decode(rawUser);
  const vhost = path === '' ? '/' : decode(path.slice(1));
  if (user === null || vhost === null) return { problem: 'it holds a malformed percent-encoding' };
  return {
    scheme,
    ...(user !== undefined && user !== '' ? { user } : {}),
    hasPassword,
    local: host === '',
    vhost,
  };
}

function decode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

/** The URI of a declared URI that carries no secret (a plain string, or the user part of `{ uri, password }`). */
export function uriText(spec: UriSpec): string | undefined {
  if (typeof spec === 'string') return spec;
  return spec.uri;
}

/** The text of a URI safe to show: the URI itself (it holds no password), or which secret holds it. */
export function describeUri(spec: UriSpec): string {
  if (typeof spec === 'string') return spec;
  if (spec.secret !== undefined) return `secret ${spec.secret}`;
  return `${spec.uri ?? ''} (password: secret ${spec.password?.secret ?? ''})`;
}
