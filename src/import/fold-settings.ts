// The inverse of plan/queue-settings.ts: a `warren.queue.<name>` policy found
// on a broker becomes the queue's changeable fields again. That policy holds
// the user policy that would otherwise apply, overlaid with the queue's own
// settings, so keys equal to the inherited user policy are left out: compiling
// the imported topology writes the same policy back.
import type { JsonMap } from '../plan/plan-types.js';
import type { QueueSpec } from '../schema/topology-schema.js';
import { formatDuration, formatSize } from '../units/format-units.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Setter = (spec: Mutable<QueueSpec>, value: unknown) => boolean;

const num = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const str = (v: unknown): v is string => typeof v === 'string';

/** Policy key → how it sets a queue field; false when the value cannot be a field. */
const SETTERS: Record<string, Setter> = {
  'message-ttl': (s, v) => {
    if (!num(v)) return false;
    s.messageTtl = formatDuration(v);
    return true;
  },
  expires: (s, v) => {
    if (!num(v)) return false;
    s.expires = formatDuration(v);
    return true;
  },
  'max-length': (s, v) => {
    if (!num(v)) return false;
    s.maxLength = v;
    return true;
  },
  'max-length-bytes': (s, v) => {
    if (!num(v)) return false;
    s.maxLengthBytes = formatSize(v);
    return true;
  },
  overflow: (s, v) => {
    if (v !== 'drop-head' && v !== 'reject-publish' && v !== 'reject-publish-dlx') return false;
    s.overflow = v;
    return true;
  },
  'delivery-limit': (s, v) => {
    if (!num(v)) return false;
    s.deliveryLimit = v;
    return true;
  },
  'queue-leader-locator': (s, v) => {
    if (v !== 'client-local' && v !== 'balanced') return false;
    s.leaderLocator = v;
    return true;
  },
  'max-age': (s, v) => {
    const seconds = str(v) ? /^(\d+)s$/.exec(v)?.[1] : undefined;
    if (seconds === undefined) return false;
    s.maxAge = formatDuration(Number(seconds) * 1000);
    return true;
  },
};
const DEAD_LETTER = ['dead-letter-exchange', 'dead-letter-routing-key', 'dead-letter-strategy'];

/**
 * The queue's own settings from its warren policy, given the user policy
 * definition it inherited; undefined when some key cannot be expressed as a
 * field (then the caller keeps the policy as it is).
 */
export function foldSettings(policy: JsonMap, inherited: JsonMap): Partial<QueueSpec> | undefined {
  const own = Object.entries(policy).filter(([k, v]) => JSON.stringify(inherited[k]) !== JSON.stringify(v));
  const spec: Mutable<QueueSpec> = {};
  for (const [key, value] of own) {
    if (DEAD_LETTER.includes(key)) continue;
    const set = SETTERS[key];
    if (!set?.(spec, value)) return undefined;
  }
  if (own.some(([k]) => DEAD_LETTER.includes(k))) {
    // deadLetter needs its exchange even when only the key or strategy is the queue's own.
    const [exchange, routingKey, strategy] = DEAD_LETTER.map((k) => policy[k]);
    if (!str(exchange) || (routingKey !== undefined && !str(routingKey))) return undefined;
    if (strategy !== undefined && strategy !== 'at-most-once' && strategy !== 'at-least-once') return undefined;
    spec.deadLetter = {
      exchange,
      ...(routingKey !== undefined ? { routingKey } : {}),
      ...(strategy !== undefined ? { strategy } : {}),
    };
  }
  return spec;
}
