import type { Plan } from './plan-types.js';
import { uriSecretKeys } from './resolve-uris.js';

/**
 * The keys of the secrets a plan needs, each once: its users' passwords (`password: { secret: key }`)
 * and its URIs' (federation upstreams, shovels: `{ secret: key }`, `{ uri, password: { secret: key } }`).
 */
export function secretKeys(plan: Plan): string[] {
  return [
    ...new Set(
      plan.entries.flatMap((e) =>
        e.kind === 'user' && e.password.kind === 'secret'
          ? [e.password.key]
          : e.kind === 'parameter'
            ? uriSecretKeys(e)
            : [],
      ),
    ),
  ];
}
