// What `warren drift` reads from a broker: three GET requests of the
// management API, side by side, and nothing else (it never writes): the
// broker's own definitions export, its vhosts with their settings (the
// export of 3.10 lists only their names), and which policy and operator
// policy it applies to each queue. Each answer is checked for the shape
// drift reads before anything is compared: an answer that is not the
// broker's (a proxy's page, a list where an object should be, a row without
// a name) makes the broker unreadable, never an empty broker.
import { brokerReader, type BrokerAddress, type ReadResult } from '../broker/read-management.js';
import type { DefinitionsLike, Row } from './broker-objects.js';
import type { QueuePolicies } from './compare-broker.js';

export interface LiveBroker {
  readonly definitions: DefinitionsLike;
  readonly vhosts: readonly Row[];
  readonly queues: readonly QueuePolicies[];
}

/** The rows' fields that must be text, by list: what keys each object. */
const KEYS: Record<string, readonly string[]> = {
  vhosts: ['name'],
  users: ['name'],
  permissions: ['user', 'vhost', 'configure', 'write', 'read'],
  topic_permissions: ['user', 'vhost', 'exchange', 'write', 'read'],
  policies: ['vhost', 'name', 'pattern'],
  queues: ['vhost', 'name'],
  exchanges: ['vhost', 'name', 'type'],
  bindings: ['vhost', 'source', 'destination', 'destination_type', 'routing_key'],
  parameters: ['vhost', 'component', 'name'],
};

export async function readBroker(broker: BrokerAddress): Promise<LiveBroker | { readonly error: string }> {
  const read = brokerReader(broker);
  const [definitions, vhosts, queues] = await Promise.all([
    read('/definitions'),
    read('/vhosts'),
    read('/queues?columns=vhost,name,policy,operator_policy'),
  ]);
  const d = answer('/definitions', definitions, 'object');
  if ('error' in d) return d;
  const lists: Record<string, Row[]> = {};
  for (const [list, keys] of Object.entries(KEYS)) {
    const rows = (d.body as Record<string, unknown>)[list];
    if (rows === undefined) continue;
    const problem = checkRows(rows, keys);
    if (problem) return { error: `GET /api/definitions: ${list} ${problem}` };
    lists[list] = rows as Row[];
  }
  const v = answer('/vhosts', vhosts, 'list');
  if ('error' in v) return v;
  const vProblem = checkRows(v.body, KEYS.vhosts!);
  if (vProblem) return { error: `GET /api/vhosts: ${vProblem}` };
  const q = answer('/queues', queues, 'list');
  if ('error' in q) return q;
  const qProblem = checkRows(q.body, ['vhost', 'name']) ?? policyFields(q.body as Row[]);
  if (qProblem) return { error: `GET /api/queues: ${qProblem}` };
  return {
    definitions: lists as DefinitionsLike,
    vhosts: v.body as Row[],
    queues: q.body as unknown as QueuePolicies[],
  };
}

/** The body of a 200 answer of the expected shape, or why there is none. */
function answer(path: string, r: ReadResult, shape: 'object' | 'list'): { body: unknown } | { error: string } {
  if ('error' in r) return { error: r.error };
  if (r.status !== 200)
    return {
      error: `GET /api${path}: the broker answered ${r.status}${r.status === 401 ? ' (wrong user or password)' : r.status === 403 ? ' (the user lacks the monitoring or administrator tag drift needs to read every vhost)' : ''}`,
    };
  const ok = shape === 'list' ? Array.isArray(r.body) : isObject(r.body);
  if (!ok) return { error: `GET /api${path}: the broker's answer is not ${shape === 'list' ? 'a list' : 'an object'}` };
  return { body: r.body };
}

/** Why `rows` is not a list of objects whose `keys` are text, or undefined. */
function checkRows(rows: unknown, keys: readonly string[]): string | undefined {
  if (!Array.isArray(rows)) return 'is not a list';
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as unknown;
    if (!isObject(row)) return `[${i}] is not an object`;
    const bad = keys.find((k) => typeof row[k] !== 'string');
    if (bad !== undefined) return `[${i}] has no text \`${bad}\``;
  }
  return undefined;
}

/** A policy the broker names is text or null (absent: not said yet). */
function policyFields(rows: readonly Row[]): string | undefined {
  for (let i = 0; i < rows.length; i++) {
    for (const k of ['policy', 'operator_policy']) {
      const v = rows[i]![k];
      if (v !== undefined && v !== null && typeof v !== 'string') return `[${i}] has a \`${k}\` that is not text`;
    }
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
