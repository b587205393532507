// Adds what the broker holds to the changes that could lose it. A queue that
// is deleted or re-declared: the reason says how many messages would be lost
// and how many consumers are connected. A setting that can drop or expire
// held messages: the reason says how many messages each queue holds now.
// JSON gets `live` when the change concerns one queue, `liveByQueue` when a
// policy concerns several.
import type { Change } from './diff-plans.js';
import { refKey, type LiveCount, type QueueRef } from './read-live-counts.js';

export type LiveChange = Change & {
  readonly live?: LiveCount;
  readonly liveByQueue?: Readonly<Record<string, LiveCount>>;
};

/** The queues whose messages a change could lose, each once. */
export function queuesAtRisk(changes: readonly Change[]): QueueRef[] {
  const out = new Map<string, QueueRef>();
  for (const c of changes) {
    if ((c.class !== 'data-losing' && !c.migration) || c.vhost === null) continue;
    for (const name of c.atRisk ?? []) out.set(refKey({ vhost: c.vhost, name }), { vhost: c.vhost, name });
  }
  return [...out.values()];
}

export function annotateLive(changes: readonly Change[], counts: ReadonlyMap<string, LiveCount>): LiveChange[] {
  return changes.map((c) => {
    const vhost = c.vhost;
    if (vhost === null || !c.atRisk || (c.class !== 'data-losing' && !c.migration)) return c;
    const found = c.atRisk.flatMap((name) => {
      const live = counts.get(refKey({ vhost, name }));
      return live ? [[name, live] as const] : [];
    });
    if (found.length === 0) return c;
    // A migration moves what the queue holds: the count is what moves.
    if (c.migration) return { ...c, live: found[0]![1], reason: `${c.reason}; ${held(found[0]![1])}` };
    if (c.kind === 'queue')
      return { ...c, live: found[0]![1], reason: c.reason.replace(/its messages would be lost$/, lost(found[0]![1])) };
    if (c.atRisk.length === 1) return { ...c, live: found[0]![1], reason: `${c.reason}; ${held(found[0]![1])}` };
    return {
      ...c,
      liveByQueue: Object.fromEntries(found),
      reason: `${c.reason}; ${found.map(([name, live]) => `${name}: ${held(live)}`).join('; ')}`,
    };
  });
}

/** For a queue deleted or re-declared. */
function lost(live: LiveCount): string {
  if ('absent' in live) return 'the queue is not on the broker (nothing to lose there)';
  const why = 'unknown' in live ? live.unknown : '';
  const messages =
    live.messages === undefined
      ? `its messages would be lost (count unknown: ${why})`
      : `${plural(live.messages, 'message')} would be lost`;
  return messages + others(live, '; ', why);
}

/** For a queue that stays and whose settings change. */
function held(live: LiveCount): string {
  if ('absent' in live) return 'the queue is not on the broker';
  const why = 'unknown' in live ? live.unknown : '';
  const messages =
    live.messages === undefined ? `count unknown: ${why}` : `${plural(live.messages, 'message')} in the queue`;
  return messages + others(live, ', ', why);
}

/** The consumers connected, if any; or that their count is unknown when the message count is known. */
function others(live: Exclude<LiveCount, { absent: true }>, separator: string, why: string): string {
  if (live.consumers === undefined)
    return live.messages === undefined ? '' : `${separator}consumer count unknown: ${why}`;
  return live.consumers > 0 ? `${separator}${consumers(live.consumers)}` : '';
}

function plural(n: number, what: string): string {
  return `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;
}

function consumers(n: number): string {
  return `${n} consumer${n === 1 ? ' is' : 's are'} connected`;
}
