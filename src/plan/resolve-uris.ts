// The URI fields of a runtime parameter, resolved with the stack's secrets at
// apply time. Pure: the Pulumi layer calls it inside an apply over secret
// outputs, so its result only ever lives in secret state.
import { own } from '../base/own-keys.js';
import type { ParameterEntry, UriPlan } from './plan-types.js';

/** The secret config keys a parameter's URIs need, each once, in order. */
export function uriSecretKeys(entry: ParameterEntry): string[] {
  const keys = Object.values(entry.uris)
    .flatMap((u) => (Array.isArray(u) ? u : [u as UriPlan]))
    .flatMap((u) => (u.kind === 'plain' ? [] : [u.key]));
  return [...new Set(keys)];
}

/**
 * `entry.uris` as RabbitMQ stores them: one string, or a list, as declared.
 * Throws, naming the key (never a value), when a secret is missing.
 */
export function resolveUris(
  entry: ParameterEntry,
  secrets: Readonly<Record<string, string>>,
): Record<string, string | string[]> {
  const one = (u: UriPlan): string => {
    if (u.kind === 'plain') return u.uri;
    const secret = own(secrets, u.key);
    if (secret === undefined) throw new Error(`no secret ${u.key} was given for ${entry.component} ${entry.name}`);
    return u.kind === 'secret' ? secret : withPassword(u.uri, secret);
  };
  return Object.fromEntries(
    Object.entries(entry.uris).map(([field, u]) => [field, Array.isArray(u) ? u.map(one) : one(u as UriPlan)]),
  );
}

/**
 * `amqp://user@host/vh` with `password` put in as its userinfo's password,
 * percent-encoded (a password may hold `@`, `:` or `/`). The URI is written
 * without a password by the topology's checks, and has a user.
 */
export function withPassword(uri: string, password: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(uri)?.[0] ?? '';
  const rest = uri.slice(scheme.length);
  const at = rest.indexOf('@');
  const user = at < 0 ? '' : rest.slice(0, at);
  const host = at < 0 ? rest : rest.slice(at + 1);
  return `${scheme}${user}:${encodeURIComponent(password)}@${host}`;
}
