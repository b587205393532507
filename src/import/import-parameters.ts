// `warren import` of federation upstreams, upstream sets and shovels
// (`parameters` with component federation-upstream, federation-upstream-set,
// shovel), by the field table (format/parameter-fields.ts) read backwards. A URI
// with a password never reaches the topology: it becomes the URI without the
// password plus `password: { secret: KEY }`, with an `import-secret` warning
// naming KEY (never the password). `warren export`'s placeholders come back as
// the secret references they stand for.
import { finding, type Finding } from '../diagnostics/diagnostic.js';
import { PLACEHOLDER_HOST, placeholderKey } from '../export/secret-placeholders.js';
import {
  ENDPOINT_FIELD,
  fromBroker,
  SHOVEL_FIELD,
  UPSTREAM_FIELD,
  type FieldFacts,
} from '../format/parameter-fields.js';
import type {
  EndpointSpec,
  ShovelSpec,
  UpstreamSetMemberSpec,
  UpstreamSpec,
  UriSpec,
} from '../format/topology-schema.js';
import { hasOwn, isMapping, own, setOwn } from '../base/own-keys.js';
import type { ParameterDef } from './definitions-schema.js';

export const IMPORTED_COMPONENTS: ReadonlySet<string> = new Set([
  'federation-upstream',
  'federation-upstream-set',
  'shovel',
]);

interface Ctx {
  readonly file: string;
  readonly findings: Finding[];
  /** The secret keys given so far in this import, each to one object (JSON of kind, vhost, name). */
  readonly secretKeys: Map<string, string>;
}

export interface ImportedParameters {
  readonly federationUpstreams: Map<string, UpstreamSpec>;
  readonly federationUpstreamSets: Map<string, UpstreamSetMemberSpec[]>;
  readonly shovels: Map<string, ShovelSpec>;
}

// Keys RabbitMQ has renamed: warren writes the current name and reads both.
const LEGACY_SHOVEL_KEYS: Readonly<Record<string, string>> = {
  'prefetch-count': 'src-prefetch-count',
  'delete-after': 'src-delete-after',
  'add-forward-headers': 'dest-add-forward-headers',
};

export function importParameters(ctx: Ctx, parameters: readonly ParameterDef[], vhost: string): ImportedParameters {
  const out: ImportedParameters = {
    federationUpstreams: new Map(),
    federationUpstreamSets: new Map(),
    shovels: new Map(),
  };
  parameters.forEach((p, i) => {
    if (!p || p.vhost !== vhost || !IMPORTED_COMPONENTS.has(p.component)) return;
    const at = `/parameters/${i}`;
    const what = `${p.component} ${p.name}`;
    if (p.component === 'federation-upstream-set') {
      const set = importSet(ctx, p.value, at, what);
      if (set) out.federationUpstreamSets.set(p.name, set);
    } else if (p.component === 'federation-upstream') {
      const upstream = importUpstream(ctx, p.value, at, what, secretKey(ctx, 'upstream', vhost, p.name));
      if (upstream) out.federationUpstreams.set(p.name, upstream);
    } else {
      const shovel = importShovel(ctx, p.value, at, what, secretKey(ctx, 'shovel', vhost, p.name));
      if (shovel) out.shovels.set(p.name, shovel);
    }
  });
  return out;
}

/**
 * A stack secret key for an imported URI's password: `<kind>.<vhost>.<name>`, in the characters keys allow,
 * one per object: names that read alike there (`a b` and `a_b`) get `-2`, `-3`… rather than one secret for
 * two passwords. (Keys derived from it add `.<side>` or `.<index>`; `.` is not left in a name, so they stay apart.)
 */
function secretKey(ctx: Ctx, kind: string, vhost: string, name: string): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_') || '_';
  const base = `${kind}.${safe(vhost)}.${safe(name)}`;
  const object = JSON.stringify([kind, vhost, name]);
  let key = base;
  for (let i = 2; ctx.secretKeys.has(key) && ctx.secretKeys.get(key) !== object; i++) key = `${base}-${i}`;
  ctx.secretKeys.set(key, object);
  return key;
}

function skip(ctx: Ctx, pointer: string, why: string): void {
  ctx.findings.push(finding('import-skipped', { file: ctx.file, pointer }, why));
}

/**
 * The fields of `table` read from `value`'s keys (`prefix` + key); keys read
 * are removed from `rest`. A value the field cannot hold is left out, with a
 * warning.
 */
function readFields(
  ctx: Ctx,
  table: Record<string, FieldFacts>,
  value: Record<string, unknown>,
  rest: Set<string>,
  at: string,
  what: string,
  prefix = '',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, facts] of Object.entries(table)) {
    const key = prefix + facts.key;
    if (!hasOwn(value, key)) continue;
    rest.delete(key);
    const read = fromBroker(facts, value[key]);
    if (read === undefined)
      skip(ctx, `${at}/${pointerToken(key)}`, `${what}: \`${key}\` is not a value warren can hold; left out`);
    else out[field] = read;
  }
  return out;
}

function leftOver(ctx: Ctx, rest: Set<string>, at: string, what: string): void {
  for (const key of rest)
    skip(ctx, `${at}/${pointerToken(key)}`, `${what}: warren does not manage \`${key}\`; left out`);
}

function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function importUpstream(ctx: Ctx, value: unknown, at: string, what: string, key: string): UpstreamSpec | undefined {
  if (!isMapping(value)) {
    skip(ctx, `${at}/value`, `${what}: its value is not a mapping`);
    return undefined;
  }
  const rest = new Set(Object.keys(value));
  rest.delete('uri');
  const raw = value.uri;
  let uri: Pick<UpstreamSpec, 'uri' | 'uris'>;
  if (typeof raw === 'string') {
    const one = importUri(ctx, raw, `${at}/value/uri`, what, key);
    if (!one) return undefined;
    uri = { uri: one };
  } else if (Array.isArray(raw) && raw.length > 0 && raw.every((u) => typeof u === 'string')) {
    const list = raw.map((u, i) => importUri(ctx, u as string, `${at}/value/uri/${i}`, what, `${key}.${i}`));
    if (list.some((u) => u === undefined)) return undefined;
    uri = { uris: list as UriSpec[] };
  } else {
    skip(ctx, `${at}/value/uri`, `${what}: \`uri\` is not a URI or a list of URIs`);
    return undefined;
  }
  const fields = readFields(ctx, UPSTREAM_FIELD, value, rest, `${at}/value`, what);
  leftOver(ctx, rest, `${at}/value`, what);
  return { ...uri, ...fields } as UpstreamSpec;
}

function importSet(ctx: Ctx, value: unknown, at: string, what: string): UpstreamSetMemberSpec[] | undefined {
  if (!Array.isArray(value)) {
    skip(ctx, `${at}/value`, `${what}: its value is not a list of upstreams`);
    return undefined;
  }
  const members: UpstreamSetMemberSpec[] = [];
  value.forEach((m, i) => {
    const here = `${at}/value/${i}`;
    if (!isMapping(m) || typeof m.upstream !== 'string') {
      skip(ctx, here, `${what}: member ${i} names no upstream; left out`);
      return;
    }
    const rest = new Set(Object.keys(m));
    rest.delete('upstream');
    const fields = readFields(ctx, UPSTREAM_FIELD, m, rest, here, what);
    leftOver(ctx, rest, here, what);
    members.push(Object.keys(fields).length === 0 ? m.upstream : { upstream: m.upstream, ...fields });
  });
  return members;
}

function importShovel(ctx: Ctx, value: unknown, at: string, what: string, key: string): ShovelSpec | undefined {
  if (!isMapping(value)) {
    skip(ctx, `${at}/value`, `${what}: its value is not a mapping`);
    return undefined;
  }
  for (const side of ['src', 'dest'])
    if (value[`${side}-protocol`] !== undefined && value[`${side}-protocol`] !== 'amqp091') {
      skip(ctx, `${at}/value/${side}-protocol`, `${what}: warren manages AMQP 0-9-1 shovels only`);
      return undefined;
    }
  const current: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'src-protocol' || k === 'dest-protocol') continue;
    const renamed = own(LEGACY_SHOVEL_KEYS, k);
    if (renamed && !hasOwn(value, renamed)) current[renamed] = v;
    else if (!renamed) setOwn(current, k, v);
  }
  const rest = new Set(Object.keys(current));
  const ends: Partial<Record<'src' | 'dest', EndpointSpec>> = {};
  for (const side of ['src', 'dest'] as const) {
    const uriKey = `${side}-uri`;
    rest.delete(uriKey);
    let raw = current[uriKey];
    if (Array.isArray(raw) && raw.length === 1) raw = raw[0];
    if (typeof raw !== 'string') {
      skip(
        ctx,
        `${at}/value/${uriKey}`,
        `${what}: \`${uriKey}\` is ${Array.isArray(raw) ? 'a list of several URIs; a shovel end in a topology has one' : 'not a URI'}`,
      );
      return undefined;
    }
    const uri = importUri(ctx, raw, `${at}/value/${uriKey}`, what, `${key}.${side}`);
    if (!uri) return undefined;
    ends[side] = {
      uri,
      ...readFields(ctx, ENDPOINT_FIELD, current, rest, `${at}/value`, what, `${side}-`),
    } as EndpointSpec;
  }
  const fields = readFields(ctx, SHOVEL_FIELD, current, rest, `${at}/value`, what);
  leftOver(ctx, rest, `${at}/value`, what);
  return { source: ends.src!, destination: ends.dest!, ...fields } as ShovelSpec;
}

/**
 * A URI of the export as the topology holds it: as it is without a password;
 * with one, the URI without it and a secret reference; an export placeholder,
 * the secret it stands for.
 */
function importUri(ctx: Ctx, text: string, pointer: string, what: string, key: string): UriSpec | undefined {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(text);
  if (!m) {
    skip(ctx, pointer, `${what}: not an AMQP URI`);
    return undefined;
  }
  const [, scheme, authority, rest] = m as unknown as [string, string, string, string];
  const at = authority.lastIndexOf('@');
  if (at < 0) return text;
  const userinfo = authority.slice(0, at);
  const host = authority.slice(at + 1);
  const colon = userinfo.indexOf(':');
  const rawUser = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const rawPassword = colon < 0 ? undefined : userinfo.slice(colon + 1);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  const placeholder = placeholderKey({
    host: host.replace(/:\d*$/, ''),
    user: decode(rawUser),
    ...(rawPassword !== undefined ? { password: decode(rawPassword) } : {}),
  });
  const withoutPassword = `${scheme}${rawUser}@${host}${rest}`;
  if (placeholder !== undefined && /^[A-Za-z0-9_.:-]+$/.test(placeholder)) {
    const whole = host.replace(/:\d*$/, '') === PLACEHOLDER_HOST;
    secretFinding(ctx, pointer, what, placeholder, true);
    return whole ? { secret: placeholder } : { uri: withoutPassword, password: { secret: placeholder } };
  }
  if (rawPassword === undefined || rawPassword === '') return colon < 0 ? text : withoutPassword;
  secretFinding(ctx, pointer, what, key, false);
  return { uri: withoutPassword, password: { secret: key } };
}

function secretFinding(ctx: Ctx, pointer: string, what: string, key: string, placeholder: boolean): void {
  ctx.findings.push(
    finding(
      'import-secret',
      { file: ctx.file, pointer },
      placeholder
        ? `${what}: the URI is warren export's placeholder for stack secret ${key}; set it with \`pulumi config set --secret warren:${key}\``
        : `${what}: the URI's password is now stack secret ${key}; set it with \`pulumi config set --secret warren:${key}\``,
    ),
  );
}
