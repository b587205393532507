// What a cluster's node list (the management API's GET /api/nodes) says about
// the RabbitMQ versions its running nodes run: each node's `rabbit`
// application, from the node statistics RabbitMQ collects every few seconds.
// Judged strictly, as the guard relies on it: a running node that has not
// reported its version yet (just started), or an answer that is not RabbitMQ's
// list, makes the whole answer unknown, never a version guessed from the rest.
import type { RunningVersions } from './cluster-guard-rules.js';
import { isMapping } from '../base/own-keys.js';

export function runningVersionsOf(list: unknown): RunningVersions {
  if (!Array.isArray(list) || !list.every(isMapping)) return { unknown: 'the answer is not a node list' };
  const running = list.filter((n) => n.running === true);
  if (running.length === 0) return { unknown: 'no node is reported running' };
  const versions: string[] = [];
  for (const node of running) {
    const apps = Array.isArray(node.applications) ? node.applications : [];
    const rabbit = apps.find((a): a is { version: unknown } => isMapping(a) && a.name === 'rabbit');
    if (typeof rabbit?.version !== 'string')
      return { unknown: `node ${String(node.name).slice(0, 200)} has not reported its version yet` };
    versions.push(rabbit.version.slice(0, 50));
  }
  return { versions };
}
