// One deadline for every request to a management API, from the CLI and from
// the dynamic providers alike: a broker that accepts the connection and never
// answers must not hang a command, and a busy one (a large estate listing its
// exchanges, a node under load) gets the same time everywhere.

/** Milliseconds per request: WARREN_MANAGEMENT_TIMEOUT_MS when it is a positive whole number, else 30 s. */
export function requestDeadline(): number {
  const n = Number(process.env.WARREN_MANAGEMENT_TIMEOUT_MS);
  return Number.isInteger(n) && n > 0 ? n : 30_000;
}
