// The resource limits RabbitMQ keeps per vhost and per user, one row each: its
// field in a topology file, its key on the broker (the management API's
// /api/vhost-limits and /api/user-limits, and a definitions export) and what
// it means. The schema, the plan types, export, import and the Pulumi
// providers all read these rows, so a limit is added or renamed here once.
// Plain data and pure functions: the Pulumi dynamic providers capture them.

export interface Limit {
  /** The field in a topology file (`limits: { maxConnections: 10 }`). */
  readonly field: string;
  /** The broker's name for it. */
  readonly key: string;
  /** The schema's description (editors show it). */
  readonly description: string;
}

export const VHOST_LIMITS = [
  { field: 'maxConnections', key: 'max-connections', description: 'Most client connections to the vhost at once' },
  { field: 'maxQueues', key: 'max-queues', description: 'Most queues the vhost may hold' },
] as const satisfies readonly Limit[];

export const USER_LIMITS = [
  { field: 'maxConnections', key: 'max-connections', description: 'Most connections the user may have open at once' },
  {
    field: 'maxChannels',
    key: 'max-channels',
    description: 'Most channels the user may have open at once, over all their connections',
  },
] as const satisfies readonly Limit[];

/** The limits a topology sets: only the fields of `T`, each optional. */
export type LimitValues<T extends readonly Limit[]> = { readonly [F in T[number]['field']]?: number };
export type VHostLimitValues = LimitValues<typeof VHOST_LIMITS>;
export type UserLimitValues = LimitValues<typeof USER_LIMITS>;

/** The limits that are set, under the broker's keys (a definitions export's `value`, the API's). */
export function limitsToBroker(table: readonly Limit[], limits: Readonly<Record<string, number | undefined>>) {
  const out: Record<string, number> = {};
  for (const { field, key } of table) if (limits[field] !== undefined) out[key] = limits[field];
  return out;
}

/**
 * The broker's limits as topology fields. Only whole numbers of at least 0:
 * RabbitMQ stores -1 for "no limit", which a topology says by leaving the field out.
 */
export function limitsFromBroker<T extends readonly Limit[]>(table: T, value: unknown): LimitValues<T> {
  const out: Record<string, number> = {};
  const given = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  for (const { field, key } of table) {
    const v = given[key];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) out[field] = v;
  }
  return out as LimitValues<T>;
}
