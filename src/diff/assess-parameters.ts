// What a change to a federation upstream, upstream set or shovel does to
// messages. A shovel takes messages off its source: one that acknowledges
// them before the destination has them (no-ack), or that deletes itself after
// a number of messages or the source queue's length (src-delete-after), can
// lose messages — data-losing whenever such a shovel is added or changed.
// Removing or changing any of them stops or restarts links (disruptive).
import type { ParameterEntry, UriPlan } from '../plan/plan-types.js';

type Class = 'safe' | 'disruptive' | 'data-losing';

/** Why a shovel can lose messages, or undefined. */
export function shovelRisk(e: ParameterEntry): string | undefined {
  if (e.component !== 'shovel' || Array.isArray(e.value)) return undefined;
  const reasons: string[] = [];
  if (e.value['ack-mode'] === 'no-ack')
    reasons.push(
      'it acknowledges at the source before publishing (no-ack): messages in flight when a link fails are lost',
    );
  const after = e.value['src-delete-after'];
  if (after !== undefined && after !== 'never')
    reasons.push(
      `it deletes itself after ${after === 'queue-length' ? 'moving what the source queue held' : `${after} messages`} (src-delete-after): messages taken but not yet confirmed when it stops can be lost${e.value['src-exchange'] !== undefined ? ', and its queue on the source exchange is deleted with what it holds' : ''}`,
    );
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

export function describeParameter(e: ParameterEntry): string {
  const name = `${e.component.replace(/-/g, ' ')} ${e.name}`;
  if (e.component !== 'shovel' || Array.isArray(e.value)) return name;
  return `${name} (${end(e, 'src')} → ${end(e, 'dest')})`;
}

function end(e: ParameterEntry, side: 'src' | 'dest'): string {
  const v = e.value as Record<string, unknown>;
  const what =
    v[`${side}-queue`] !== undefined
      ? `queue ${String(v[`${side}-queue`])}`
      : v[`${side}-exchange`] !== undefined
        ? `exchange ${String(v[`${side}-exchange`])}`
        : 'the default exchange';
  return `${what} at ${uriText(e.uris[`${side}-uri`])}`;
}

/** A URI as diff may print it: never a secret's value, only its key. */
export function uriText(u: UriPlan | readonly UriPlan[] | undefined): string {
  if (u === undefined) return '?';
  if (Array.isArray(u)) return u.map((x: UriPlan) => uriText(x)).join(', ');
  const one = u as UriPlan;
  return one.kind === 'secret' ? `secret ${one.key}` : one.uri;
}

export function parameterAdded(e: ParameterEntry): [Class, string] {
  const risk = shovelRisk(e);
  return risk ? ['data-losing', `new ${describeParameter(e)}: ${risk}`] : ['safe', `new ${describeParameter(e)}`];
}

export function parameterRemoved(e: ParameterEntry): [Class, string] {
  switch (e.component) {
    case 'shovel':
      return ['disruptive', `${describeParameter(e)} is deleted: it stops moving messages`];
    case 'federation-upstream':
      return ['disruptive', `${describeParameter(e)} is deleted: federation links from it stop`];
    default:
      return ['disruptive', `${describeParameter(e)} is deleted: federation links through it stop`];
  }
}

export function parameterChanged(next: ParameterEntry, fields: string): [Class, string] {
  const risk = shovelRisk(next);
  const base = `${describeParameter(next)}: ${fields}; ${next.component === 'shovel' ? 'the shovel restarts' : 'its federation links restart'}`;
  return risk ? ['data-losing', `${base}: ${risk}`] : ['disruptive', base];
}
