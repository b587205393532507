// Which quorum queues get a member on which running node after a roll or a
// scale-up: RabbitMQ places a quorum queue's members only when it is declared
// (on the nodes then running, up to x-quorum-initial-group-size), so a queue
// declared while the cluster had fewer nodes, or while one was down, keeps
// fewer members than the cluster could give it — one node lost then stops it.
// The RabbitMQ Cluster Operator leaves this to `rabbitmq-queues grow`; warren
// adds the missing members itself, through the management API where RabbitMQ
// has one (POST /api/queues/quorum/{vhost}/{name}/replicas/add, from 3.12.1).
// Members are only added, never removed: a queue someone shrank on purpose
// keeps its size only if its declaration says so (x-quorum-initial-group-size).
import { compareVersions, type Version } from './upgrade-paths.js';

/** The first release with the HTTP API for adding a quorum queue member (rabbitmq-server de75f3b, backported to 3.12.1). */
export const ADD_MEMBER_API_SINCE: Version = { major: 3, minor: 12, patch: 1 };

/** A queue as GET /api/queues?columns=vhost,name,type,members,arguments lists it. */
export interface ListedQueue {
  readonly vhost: string;
  readonly name: string;
  readonly type?: string;
  readonly members?: readonly string[];
  readonly arguments?: Readonly<Record<string, unknown>>;
}

export interface Growth {
  readonly vhost: string;
  readonly name: string;
  /** Running nodes to add as members, in order. */
  readonly add: readonly string[];
}

/**
 * For each quorum queue with fewer members than it should have — every running node, or its
 * x-quorum-initial-group-size when that is smaller — the running nodes that are not members yet, as many as it lacks.
 * A member on a node that is not running still counts (it comes back with its node). A quorum queue whose members
 * the broker did not list is `unknown` (`vhost/name`), never taken for a full one.
 */
export function quorumGrowth(
  running: readonly string[],
  queues: readonly ListedQueue[],
): { growth: Growth[]; unknown: string[] } {
  const nodes = [...running].sort();
  const growth: Growth[] = [];
  const unknown: string[] = [];
  for (const q of queues) {
    if (q.type !== 'quorum') continue;
    if (!Array.isArray(q.members)) {
      unknown.push(`${q.vhost}/${q.name}`);
      continue;
    }
    const size = q.arguments?.['x-quorum-initial-group-size'];
    const target = Math.min(nodes.length, typeof size === 'number' && size >= 1 ? size : nodes.length);
    const lacking = target - q.members.length;
    if (lacking <= 0) continue;
    growth.push({ vhost: q.vhost, name: q.name, add: nodes.filter((n) => !q.members!.includes(n)).slice(0, lacking) });
  }
  return { growth, unknown };
}

/** Whether a broker of this version adds members through its management API. */
export function addsMembersOverHttp(version: Version): boolean {
  return compareVersions(version, ADD_MEMBER_API_SINCE) >= 0;
}
