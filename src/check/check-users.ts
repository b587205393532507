// User rules: one password form, hashes that decode to salt + digest, and
// permissions that name declared vhosts and exchanges with patterns that compile.
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { DEFAULT_VHOST, hasExchange, type TopologyModel } from '../model/topology-model.js';
import type { PasswordSpec } from '../format/topology-schema.js';
import { checkRegex } from './check-regex.js';
import { checkSecretKey } from './check-reserved-names.js';

// rabbit_password_hashing: a 4-byte salt followed by the digest.
const HASH_BYTES = { sha256: 4 + 32, sha512: 4 + 64 } as const;

export function checkUsers(model: TopologyModel): Finding[] {
  const out: Finding[] = [];
  for (const user of model.users.values()) {
    if (!user.ok) continue;
    if (user.spec.password) checkPassword(out, user.spec.password, at(user.src, 'password'));
    for (const [vhost, perm] of Object.entries(user.spec.permissions ?? {})) {
      const src = at(user.src, 'permissions', vhost);
      checkVhost(out, model, vhost, src);
      for (const op of ['configure', 'write', 'read'] as const)
        out.push(...checkRegex(perm[op], at(src, op), `${op} permission`));
    }
    for (const [vhost, exchanges] of Object.entries(user.spec.topicPermissions ?? {})) {
      const src = at(user.src, 'topicPermissions', vhost);
      if (!checkVhost(out, model, vhost, src)) continue;
      for (const [exchange, perm] of Object.entries(exchanges)) {
        const here = at(src, exchange);
        const v = model.vhosts.get(vhost);
        if (v ? !hasExchange(v, exchange) : !exchange.startsWith('amq.')) {
          out.push(
            finding('unknown-exchange', here, `exchange \`${exchange}\` is not declared in vhost \`${vhost}\``, {
              target: 'key',
            }),
          );
        }
        for (const op of ['write', 'read'] as const)
          out.push(...checkRegex(perm[op], at(here, op), `topic ${op} permission`));
      }
    }
  }
  return out;
}

function checkVhost(out: Finding[], model: TopologyModel, vhost: string, src: Source): boolean {
  if (model.vhosts.has(vhost) || vhost === DEFAULT_VHOST) return true;
  out.push(finding('unknown-vhost', src, `vhost \`${vhost}\` is not declared in the topology`, { target: 'key' }));
  return false;
}

// Messages here never include the hash or anything derived from it.
function checkPassword(out: Finding[], password: PasswordSpec, src: Source): void {
  const forms = (password.secret !== undefined ? 1 : 0) + (password.hash !== undefined ? 1 : 0);
  if (forms !== 1) {
    out.push(
      finding(
        'password-form',
        src,
        forms === 0
          ? 'a password needs `secret` or `hash`'
          : 'a password is either `{ secret }` or `{ hash, algorithm }`, not both',
      ),
    );
    return;
  }
  checkSecretKey(out, password.secret, at(src, 'secret'));
  if (password.algorithm !== undefined && password.hash === undefined) {
    out.push(finding('password-form', at(src, 'algorithm'), '`algorithm` goes with `hash`', { target: 'key' }));
  }
  if (password.hash === undefined) return;
  const algorithm = password.algorithm ?? 'sha256';
  const valid = /^[A-Za-z0-9+/]*={0,2}$/.test(password.hash) && password.hash.length % 4 === 0;
  if (!valid || Buffer.from(password.hash, 'base64').length !== HASH_BYTES[algorithm]) {
    out.push(
      finding(
        'invalid-password-hash',
        at(src, 'hash'),
        `not a base64 ${algorithm} password hash (4-byte salt + ${HASH_BYTES[algorithm] - 4}-byte digest), as \`rabbitmqctl hash_password\` prints`,
      ),
    );
  }
}
