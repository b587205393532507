// Adds what the broker holds to the changes that would lose it: the reason of
// a data-losing queue change then says how many messages and consumers.
import type { Change } from './diff-plans.js';
import { refKey, type LiveCount, type QueueRef } from './read-live-counts.js';

export type LiveChange = Change & { readonly live?: LiveCount };

/** The queues whose messages a change would lose. */
export function queuesAtRisk(changes: readonly Change[]): QueueRef[] {
  return changes.filter((c) => c.kind === 'queue' && c.class === 'data-losing' && c.vhost !== null && c.name !== undefined).map((c) => ({ vhost: c.vhost!, name: c.name! }));
}

export function annotateLive(changes: readonly Change[], counts: ReadonlyMap<string, LiveCount>): LiveChange[] {
  return changes.map((c) => {
    const live = c.vhost !== null && c.name !== undefined && c.kind === 'queue' ? counts.get(refKey({ vhost: c.vhost, name: c.name })) : undefined;
    return live ? { ...c, live, reason: c.reason.replace(/its messages would be lost$/, describe(live)) } : c;
  });
}

function describe(live: LiveCount): string {
  if ('absent' in live) return 'the queue is not on the broker (nothing to lose there)';
  if ('unknown' in live) return `its messages would be lost (count unknown: ${live.unknown})`;
  const messages = `${live.messages.toLocaleString('en-US')} message${live.messages === 1 ? '' : 's'} would be lost`;
  return live.consumers > 0 ? `${messages}; ${live.consumers} consumer${live.consumers === 1 ? ' is' : 's are'} connected` : messages;
}
