// Whether a change widens who may do what on the broker, and how. What counts:
// - a user given a tag it did not have (any tag: administrator, management,
//   policymaker, monitoring and impersonator open the management API and its
//   powers; other tags are read by plugins and auth backends);
// - a new user without a password (it logs in by other means, e.g. a
//   certificate), and any change of an existing user's password: a new
//   credential logs in, and a removed one leaves the other means;
// - a new permissions entry (any entry, even `^$` everywhere, lets the user
//   open the vhost), or a configure/write/read pattern that may match more;
// - topic permissions removed for an exchange while the user keeps its
//   permissions in the vhost: RabbitMQ authorises every routing key on an
//   exchange the user has no topic permissions for (so new topic permissions
//   narrow); or a write/read pattern that may match more.
// Whether one regular expression matches more than another is only decided
// for the common shapes (match-all, deny-all, literal names or prefixes and
// their alternations); any other changed pattern counts as widening.
import { ids } from '../plan/plan-ids.js';
import type { PermissionsEntry, PlanEntry, TopicPermissionsEntry, UserEntry } from '../plan/plan-types.js';

/**
 * Why the change from `old` to `next` (either absent for an add or a removal)
 * widens access; undefined when it does not. `inHead` tells which entry ids
 * the new plan holds.
 */
export function accessWidening(
  old: PlanEntry | undefined,
  next: PlanEntry | undefined,
  inHead: (id: string) => boolean,
): string | undefined {
  const kind = (next ?? old)?.kind;
  if (kind === 'user') return userWidening(old as UserEntry | undefined, next as UserEntry | undefined);
  if (kind === 'permissions' && next)
    return permissionsWidening(old as PermissionsEntry | undefined, next as PermissionsEntry);
  if (old?.kind === 'topic-permissions') {
    // Without permissions in the vhost (the user or the vhost deleted, or access revoked) no key is published at all.
    if (!next && !inHead(ids.object(old.vhost, 'permissions', old.user))) return undefined;
    return topicWidening(old, next as TopicPermissionsEntry | undefined);
  }
  return undefined;
}

function userWidening(old: UserEntry | undefined, next: UserEntry | undefined): string | undefined {
  if (!next) return undefined;
  const why: string[] = [];
  const granted = next.tags.filter((t) => !(old?.tags ?? []).includes(t));
  if (granted.length > 0) why.push(`tag${granted.length === 1 ? '' : 's'} ${granted.join(', ')} granted`);
  if (!old && next.password.kind === 'none')
    why.push('a user without a password (it logs in by other means, e.g. a certificate)');
  if (old && JSON.stringify(old.password) !== JSON.stringify(next.password)) {
    why.push(
      next.password.kind === 'none'
        ? 'password removed (it logs in by other means, e.g. a certificate)'
        : 'password changed: a new credential logs in',
    );
  }
  return why.length > 0 ? why.join('; ') : undefined;
}

function permissionsWidening(old: PermissionsEntry | undefined, next: PermissionsEntry): string | undefined {
  if (!old) return `new permissions of ${next.user} in vhost ${next.vhost}`;
  const wider = (['configure', 'write', 'read'] as const)
    .filter((k) => widens(old[k], next[k], true))
    .map((k) => `${k} ${old[k] || '""'} → ${next[k] || '""'}`);
  return wider.length > 0 ? wider.join(', ') : undefined;
}

function topicWidening(old: TopicPermissionsEntry, next: TopicPermissionsEntry | undefined): string | undefined {
  const now = new Map((next?.permissions ?? []).map((p) => [p.exchange, p]));
  const why: string[] = [];
  for (const p of old.permissions) {
    const n = now.get(p.exchange);
    if (!n) why.push(`topic permissions on exchange ${p.exchange} removed: every routing key is allowed there`);
    else
      for (const k of ['write', 'read'] as const)
        if (widens(p[k], n[k], false)) why.push(`exchange ${p.exchange}: ${k} ${p[k] || '""'} → ${n[k] || '""'}`);
  }
  return why.length > 0 ? why.join(', ') : undefined;
}

const MATCH_ALL = new Set(['.*', '^.*', '.*$', '^.*$']);

/** Whether `after` may match a name `before` does not. For permissions, "" denies like "^$". */
function widens(before: string, after: string, emptyDenies: boolean): boolean {
  if (before === after || MATCH_ALL.has(before) || (before === '' && !emptyDenies)) return false;
  if (after === '^$' || (emptyDenies && after === '')) return false;
  const was = literals(before === '' && emptyDenies ? '^$' : before);
  const now = literals(after);
  if (!was || !now) return true;
  return now.some(
    (n) => !was.some((w) => (w.text === n.text ? w.prefix || !n.prefix : w.prefix && n.text.startsWith(w.text))),
  );
}

interface Literal {
  readonly text: string;
  /** `^text` without `$`: every name starting with text. */
  readonly prefix: boolean;
}

/** `^a$`, `^a`, `^(a|b)$`, `^(?:a|b)` as literal names or prefixes; undefined for any other shape. */
function literals(pattern: string): Literal[] | undefined {
  const m = /^\^(?:\((?:\?:)?([^()]*)\)|([^()]*?))(\$?)$/.exec(pattern);
  if (!m) return undefined;
  const prefix = m[3] === '';
  const alternatives = (m[1] ?? m[2]!).split('|');
  if (m[1] === undefined && alternatives.length > 1) return undefined;
  const out: Literal[] = [];
  for (const alt of alternatives) {
    const text = unescapeLiteral(alt);
    if (text === undefined) return undefined;
    out.push({ text, prefix });
  }
  return out;
}

/** The literal text of a pattern piece with only escaped punctuation; undefined when it holds regex syntax. */
function unescapeLiteral(piece: string): string | undefined {
  let out = '';
  for (let i = 0; i < piece.length; i++) {
    const ch = piece[i]!;
    if (ch === '\\') {
      const next = piece[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) return undefined;
      out += next;
      i++;
    } else if ('.*+?[]{}^$|'.includes(ch)) return undefined;
    else out += ch;
  }
  return out;
}
