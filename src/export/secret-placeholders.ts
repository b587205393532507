// What `warren export` writes for a URI that carries a stack secret: never
// the secret, but a URI RabbitMQ still accepts (so `rabbitmqctl
// import_definitions` takes the document) that connects nowhere useful, and
// that `warren import` reads back as the same secret reference.
// - the whole URI a secret KEY:      amqp://KEY@warren-secret.invalid
//   (`.invalid` never resolves, RFC 2606: the link fails to connect);
// - the password a secret KEY:       the URI with password `warren-secret:KEY`
//   (the broker refuses the login).
import { withPassword } from '../plan/resolve-uris.js';
import type { UriPlan } from '../plan/plan-types.js';

export const PLACEHOLDER_HOST = 'warren-secret.invalid';
export const PLACEHOLDER_PASSWORD_PREFIX = 'warren-secret:';

export function placeholderUri(u: UriPlan): string {
  switch (u.kind) {
    case 'plain':
      return u.uri;
    case 'secret':
      return `amqp://${encodeURIComponent(u.key)}@${PLACEHOLDER_HOST}`;
    case 'password':
      return withPassword(u.uri, PLACEHOLDER_PASSWORD_PREFIX + u.key);
  }
}

/** The secret key an exported placeholder stands for, if the URI is one. */
export function placeholderKey(parts: { host: string; user?: string; password?: string }): string | undefined {
  if (parts.host === PLACEHOLDER_HOST && parts.user) return parts.user;
  if (parts.password?.startsWith(PLACEHOLDER_PASSWORD_PREFIX))
    return parts.password.slice(PLACEHOLDER_PASSWORD_PREFIX.length) || undefined;
  return undefined;
}
