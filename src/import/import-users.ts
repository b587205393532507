// Users, their limits, permissions and topic permissions from a definitions
// export. A password hash stays a hash (`{ hash, algorithm }`): the clear text
// is not in an export, and a hash is all the broker needs. Legacy MD5 hashes
// cannot be expressed; such users are imported without a password, with a warning.
import { finding, type Finding } from '../diagnostics/diagnostic.js';
import { limitsFromBroker, USER_LIMITS } from '../format/limits.js';
import { own, setOwn } from '../base/own-keys.js';
import type { UserSpec } from '../format/topology-schema.js';
import type { Definitions, UserDef } from './definitions-schema.js';
import { tagList } from './tag-list.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Permissions = NonNullable<UserSpec['permissions']>;
type TopicPermissions = NonNullable<UserSpec['topicPermissions']>;

const ALGORITHMS: Record<string, 'sha256' | 'sha512'> = {
  rabbit_password_hashing_sha256: 'sha256',
  rabbit_password_hashing_sha512: 'sha512',
};

export function importUsers(ctx: { file: string; findings: Finding[] }, d: Definitions): Map<string, UserSpec> {
  const users = new Map<string, Mutable<UserSpec>>();
  (d.users ?? []).forEach((u, i) => {
    users.set(
      u.name,
      userSpec(u, () => {
        ctx.findings.push(
          finding(
            'import-skipped',
            { file: ctx.file, pointer: `/users/${i}/hashing_algorithm` },
            `user ${u.name}: ${u.hashing_algorithm} hashes cannot be imported; the user is imported without a password`,
          ),
        );
      }),
    );
  });
  (d.permissions ?? []).forEach((p, i) => {
    const user = users.get(p.user);
    if (!user) {
      ctx.findings.push(
        finding(
          'import-skipped',
          { file: ctx.file, pointer: `/permissions/${i}` },
          `permissions of ${p.user}: no such user in the export`,
        ),
      );
      return;
    }
    user.permissions ??= {};
    const permissions: Mutable<Permissions> = user.permissions;
    setOwn(permissions, p.vhost, { configure: p.configure, write: p.write, read: p.read });
  });
  (d.topic_permissions ?? []).forEach((p, i) => {
    const user = users.get(p.user);
    if (!user) {
      ctx.findings.push(
        finding(
          'import-skipped',
          { file: ctx.file, pointer: `/topic_permissions/${i}` },
          `topic permissions of ${p.user}: no such user in the export`,
        ),
      );
      return;
    }
    user.topicPermissions ??= {};
    const byVhost: Mutable<TopicPermissions> = user.topicPermissions;
    setOwn(byVhost, p.vhost, { ...own(byVhost, p.vhost), [p.exchange]: { write: p.write, read: p.read } });
  });
  for (const user of users.values()) {
    if (user.permissions) user.permissions = sortKeys(user.permissions);
    if (user.topicPermissions)
      user.topicPermissions = sortKeys(
        Object.fromEntries(Object.entries(user.topicPermissions).map(([v, x]) => [v, sortKeys(x)])),
      );
  }
  return new Map([...users].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function userSpec(u: UserDef, unsupportedHash: () => void): Mutable<UserSpec> {
  const spec: Mutable<UserSpec> = {};
  const tags = tagList(u.tags);
  if (tags.length > 0) spec.tags = tags;
  if (u.password_hash) {
    const algorithm = own(ALGORITHMS, u.hashing_algorithm ?? 'rabbit_password_hashing_sha256');
    if (algorithm) spec.password = { hash: u.password_hash, algorithm };
    else unsupportedHash();
  }
  const limits = limitsFromBroker(USER_LIMITS, u.limits);
  if (Object.keys(limits).length > 0) spec.limits = limits;
  return spec;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}
