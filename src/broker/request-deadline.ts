// One deadline for every request to a management API, from the CLI and from
// the dynamic providers alike: a broker that accepts the connection and never
// answers must not hang a command, and a busy one (a large estate listing its
// exchanges, a node under load) gets the same time everywhere.
import { readEnvironment } from '../load/read-environment.js';

/** Milliseconds per request: WARREN_MANAGEMENT_TIMEOUT_MS (default 30 s); one that does not parse throws, naming it. */
export function requestDeadline(): number {
  return readEnvironment('WARREN_MANAGEMENT_TIMEOUT_MS');
}
