// `warren import`: a broker's definitions export → topology data, one vhost at
// a time, plus users. Objects a topology cannot or should not hold (built-in
// exchanges, server-named queues, parameters of other plugins, objects of
// unlisted vhosts, all but the last of duplicates) are left out with a
// warning that points into the export. Federation upstreams, sets and shovels
// come in by import-parameters.ts; super streams by fold-super-streams.ts.
import { finding, type Finding } from '../diagnostics/diagnostic.js';
import { limitsFromBroker, VHOST_LIMITS, type VHostLimitValues } from '../format/limits.js';
import { reservedPrefix, SETTINGS_POLICY_PREFIX } from '../model/reserved-names.js';
import { BUILTIN_EXCHANGES } from '../model/topology-model.js';
import { DELAYED_TYPES, MATCH_MODES, QUEUE_TYPES } from '../format/format-constants.js';
import type {
  BindingSpec,
  ExchangeSpec,
  PolicySpec,
  QueueSpec,
  QueueType,
  UserSpec,
  VHostSpec,
} from '../format/topology-schema.js';
import type { BindingDef, Definitions, ExchangeDef, ParameterDef, VHostDef } from './definitions-schema.js';
import { dropUnusable } from './drop-unusable.js';
import { foldSuperStreams } from './fold-super-streams.js';
import { IMPORTED_COMPONENTS, importParameters } from './import-parameters.js';
import { foldSettingsPolicies, queueSpec } from './import-queues.js';
import { importUsers } from './import-users.js';
import { tagList } from './tag-list.js';

/** The argument the federation plugin marks the exchanges and queues of its links with. */
const INTERNAL_PURPOSE = 'x-internal-purpose';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface ImportedTopology {
  readonly vhosts: Map<string, VHostSpec>;
  readonly users: Map<string, UserSpec>;
  readonly findings: Finding[];
}

interface Ctx {
  readonly file: string;
  readonly findings: Finding[];
  readonly secretKeys: Map<string, string>;
}

/**
 * `only`: import just these vhosts, and the users with permissions in them
 * (a team taking over its part of a shared broker).
 */
export function importDefinitions(file: string, exported: Definitions, only?: readonly string[]): ImportedTopology {
  const ctx: Ctx = { file, findings: [], secretKeys: new Map() };
  const all = dropUnusable(file, exported, ctx.findings);
  // A --vhost the export does not hold is a mistake, not an empty topology.
  const names = new Set((all.vhosts ?? []).filter(Boolean).map((v) => v.name));
  for (const name of only ?? []) {
    if (!names.has(name))
      ctx.findings.push(
        finding(
          'unknown-vhost',
          { file, pointer: '/vhosts' },
          `--vhost ${name}: the export holds no such vhost (it has ${[...names].sort().join(', ') || 'none'})`,
        ),
      );
  }
  const d = only && only.length > 0 ? selectVhosts(all, new Set(only)) : all;
  // The first definition of each vhost name, in name order.
  const defs = new Map<string, VHostDef>();
  for (const v of d.vhosts ?? []) if (v && !defs.has(v.name)) defs.set(v.name, v);
  const vhosts = new Map<string, VHostSpec>();
  for (const name of [...defs.keys()].sort()) vhosts.set(name, importVhost(ctx, d, defs.get(name)!));
  skipParameters(ctx, d.parameters ?? []);
  const users = importUsers(ctx, d);
  return { vhosts, users, findings: ctx.findings };
}

function selectVhosts(d: Definitions, keep: Set<string>): Definitions {
  // Positions of skipped objects point into the file, so lists keep their
  // indexes: left-out objects become holes, which forEach and filter skip.
  const holes = <T>(list: T[] | undefined, wanted: (x: T) => boolean) => {
    if (!list) return undefined;
    const out = new Array<T>(list.length);
    list.forEach((x, i) => {
      if (wanted(x)) out[i] = x;
    });
    return out;
  };
  const inVhost = <T extends { vhost: string }>(list: T[] | undefined) => holes(list, (x) => keep.has(x.vhost));
  const permissions = inVhost(d.permissions);
  const topic = inVhost(d.topic_permissions);
  const users = new Set([...(permissions ?? []), ...(topic ?? [])].filter(Boolean).map((p) => p.user));
  return {
    ...d,
    vhosts: d.vhosts?.filter((v) => v && keep.has(v.name)),
    users: holes(d.users, (u) => users.has(u.name)),
    permissions,
    topic_permissions: topic,
    policies: inVhost(d.policies),
    queues: inVhost(d.queues),
    exchanges: inVhost(d.exchanges),
    bindings: inVhost(d.bindings),
    parameters: inVhost(d.parameters),
  };
}

function skip(ctx: Ctx, pointer: string, why: string): void {
  ctx.findings.push(finding('import-skipped', { file: ctx.file, pointer }, why));
}

/** An exchange or queue a plugin made for one of its links (`x-internal-purpose`, e.g. federation's): reported and left out. */
function madeForLink(ctx: Ctx, pointer: string, what: string, args: Record<string, unknown> | undefined): boolean {
  const purpose = args?.[INTERNAL_PURPOSE];
  if (purpose === undefined) return false;
  skip(ctx, pointer, `${what}: the ${String(purpose)} plugin made it for a link`);
  return true;
}

function importVhost(ctx: Ctx, d: Definitions, def: VHostDef): VHostSpec {
  const name = def.name;
  const spec: Mutable<VHostSpec> = vhostSettings(def, limitsOf(d.parameters ?? [], name));
  const exchanges = importExchanges(ctx, d, name);
  const policies = new Map<string, PolicySpec>();
  // Where each policy stands in the export, for the findings about it (dropUnusable left one definition per name).
  const policyAt = new Map<string, number>();
  (d.policies ?? []).forEach((p, i) => {
    if (p.vhost !== name) return;
    policyAt.set(p.name, i);
    policies.set(p.name, {
      pattern: p.pattern,
      applyTo: (p['apply-to'] ?? 'all') as PolicySpec['applyTo'],
      priority: p.priority ?? 0,
      definition: p.definition,
    });
  });
  const queues = new Map<string, Mutable<QueueSpec>>();
  (d.queues ?? []).forEach((q, i) => {
    if (q.vhost !== name) return;
    if (reservedPrefix('queue', q.name)) {
      skip(ctx, `/queues/${i}`, `queue ${q.name}: server-named and amq.* queues belong to applications`);
      return;
    }
    if (madeForLink(ctx, `/queues/${i}`, `queue ${q.name}`, q.arguments)) return;
    queues.set(q.name, queueSpec(q));
  });
  const { folded, foreign } = foldSettingsPolicies(queues, policies, spec.defaultQueueType ?? 'classic');
  for (const policy of folded) policies.delete(policy);
  for (const [policy, why] of foreign) {
    skip(
      ctx,
      `/policies/${policyAt.get(policy)}`,
      `policy ${policy}: ${why}; the \`${SETTINGS_POLICY_PREFIX}\` prefix is reserved for those`,
    );
    policies.delete(policy);
  }
  const withStreams = foldSuperStreams(exchanges, queues, importBindings(ctx, d, name, exchanges, queues));
  const bindings = withStreams.bindings;
  if (exchanges.size > 0) spec.exchanges = sorted(exchanges);
  if (queues.size > 0) spec.queues = sorted(queues);
  if (bindings.length > 0) spec.bindings = bindings;
  if (policies.size > 0) spec.policies = sorted(policies);
  const operatorPolicies = operatorPoliciesOf(ctx, d.parameters ?? [], name);
  if (operatorPolicies.size > 0) spec.operatorPolicies = sorted(operatorPolicies);
  const parameters = importParameters(ctx, d.parameters ?? [], name);
  if (parameters.federationUpstreams.size > 0) spec.federationUpstreams = sorted(parameters.federationUpstreams);
  if (parameters.federationUpstreamSets.size > 0)
    spec.federationUpstreamSets = sorted(parameters.federationUpstreamSets);
  if (parameters.shovels.size > 0) spec.shovels = sorted(parameters.shovels);
  if (withStreams.superStreams.size > 0) spec.superStreams = sorted(withStreams.superStreams);
  return spec;
}

function vhostSettings(def: VHostDef, limits: VHostLimitValues): Mutable<VHostSpec> {
  const spec: Mutable<VHostSpec> = {};
  const description = def.description ?? def.metadata?.description;
  const tags = tagList(def.tags ?? def.metadata?.tags);
  const queueType = def.default_queue_type ?? def.metadata?.default_queue_type;
  if (description) spec.description = description;
  if (tags.length > 0) spec.tags = tags;
  if ((QUEUE_TYPES as readonly string[]).includes(queueType ?? '')) spec.defaultQueueType = queueType as QueueType;
  if (Object.keys(limits).length > 0) spec.limits = limits;
  return spec;
}

function limitsOf(parameters: ParameterDef[], vhost: string): VHostLimitValues {
  // The lists have holes where entries were left out (dropUnusable, --vhost): `find` visits them, unlike `forEach`.
  const found = parameters.find((p) => p !== undefined && p.vhost === vhost && p.component === 'vhost-limits');
  return limitsFromBroker(VHOST_LIMITS, found?.value);
}

function importExchanges(ctx: Ctx, d: Definitions, vhost: string): Map<string, ExchangeSpec> {
  const out = new Map<string, ExchangeSpec>();
  (d.exchanges ?? []).forEach((x, i) => {
    if (x.vhost !== vhost || x.name === '' || BUILTIN_EXCHANGES.has(x.name)) return;
    if (reservedPrefix('exchange', x.name)) {
      skip(ctx, `/exchanges/${i}`, `exchange ${x.name}: amq.* names are reserved for the broker`);
      return;
    }
    if (madeForLink(ctx, `/exchanges/${i}`, `exchange ${x.name}`, x.arguments)) return;
    out.set(x.name, exchangeSpec(x));
  });
  return out;
}

function exchangeSpec(x: ExchangeDef): ExchangeSpec {
  const args: Record<string, unknown> = { ...x.arguments };
  const spec: Mutable<ExchangeSpec> = { type: x.type };
  if (!x.durable) spec.durable = false;
  if (x.auto_delete) spec.autoDelete = true;
  if (x.internal) spec.internal = true;
  if (typeof args['alternate-exchange'] === 'string') {
    spec.alternateExchange = args['alternate-exchange'];
    delete args['alternate-exchange'];
  }
  const delayed = args['x-delayed-type'];
  if (
    x.type === 'x-delayed-message' &&
    typeof delayed === 'string' &&
    (DELAYED_TYPES as readonly string[]).includes(delayed)
  ) {
    spec.delayedType = delayed as ExchangeSpec['delayedType'];
    delete args['x-delayed-type'];
  }
  if (Object.keys(args).length > 0) spec.arguments = args;
  return spec;
}

function importBindings(
  ctx: Ctx,
  d: Definitions,
  vhost: string,
  exchanges: Map<string, ExchangeSpec>,
  queues: Map<string, QueueSpec>,
): BindingSpec[] {
  const out: BindingSpec[] = [];
  (d.bindings ?? []).forEach((b, i) => {
    if (b.vhost !== vhost || b.source === '') return;
    const known = (x: string) => exchanges.has(x) || BUILTIN_EXCHANGES.has(x);
    const destinationKnown = b.destination_type === 'queue' ? queues.has(b.destination) : known(b.destination);
    if (!known(b.source) || !destinationKnown) {
      skip(
        ctx,
        `/bindings/${i}`,
        `binding ${b.source} → ${b.destination}: one of its ends is not imported${BUILTIN_EXCHANGES.has(b.source) || exchanges.has(b.source) ? '' : " (RabbitMQ's exports leave out internal exchanges: add --broker URL)"}`,
      );
      return;
    }
    out.push(bindingSpec(b, isHeaders(exchanges, b.source)));
  });
  const text = (b: BindingSpec) =>
    JSON.stringify([b.from, b.to ?? '', b.toExchange ?? '', b.key ?? '', b.headers ?? {}, b.arguments ?? {}]);
  return out.sort((a, b) => (text(a) < text(b) ? -1 : 1));
}

function isHeaders(exchanges: Map<string, ExchangeSpec>, name: string): boolean {
  const x = exchanges.get(name);
  if (!x) return BUILTIN_EXCHANGES.get(name) === 'headers';
  return x.type === 'headers' || (x.type === 'x-delayed-message' && x.delayedType === 'headers');
}

function bindingSpec(b: BindingDef, headersExchange: boolean): BindingSpec {
  const spec: Mutable<BindingSpec> = {
    from: b.source,
    ...(b.destination_type === 'queue' ? { to: b.destination } : { toExchange: b.destination }),
  };
  if (b.routing_key !== '') spec.key = b.routing_key;
  const { 'x-match': match, ...rest } = b.arguments;
  const scalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  if (headersExchange && (MATCH_MODES as readonly unknown[]).includes(match) && Object.values(rest).every(scalar)) {
    spec.match = match as BindingSpec['match'];
    spec.headers = rest as Record<string, string | number | boolean>;
  } else if (Object.keys(b.arguments).length > 0) {
    spec.arguments = b.arguments;
  }
  return spec;
}

function operatorPoliciesOf(ctx: Ctx, parameters: ParameterDef[], vhost: string): Map<string, PolicySpec> {
  const out = new Map<string, PolicySpec>();
  parameters.forEach((p, i) => {
    if (p.vhost !== vhost || p.component !== 'operator_policy') return;
    const v = (p.value ?? {}) as { pattern?: unknown; 'apply-to'?: unknown; priority?: unknown; definition?: unknown };
    const definition = v.definition;
    if (
      typeof v.pattern !== 'string' ||
      typeof definition !== 'object' ||
      definition === null ||
      Array.isArray(definition)
    ) {
      skip(ctx, `/parameters/${i}/value`, `operator policy ${p.name}: not a pattern and a definition`);
      return;
    }
    if (p.name.startsWith(SETTINGS_POLICY_PREFIX)) {
      skip(
        ctx,
        `/parameters/${i}/name`,
        `operator policy ${p.name}: warren writes no operator policies, and reserves the \`${SETTINGS_POLICY_PREFIX}\` prefix for the settings policies it writes`,
      );
      return;
    }
    const priority = typeof v.priority === 'number' ? v.priority : 0;
    out.set(p.name, {
      pattern: v.pattern,
      applyTo: (typeof v['apply-to'] === 'string' ? v['apply-to'] : 'queues') as PolicySpec['applyTo'],
      priority,
      definition: definition as Record<string, unknown>,
    });
  });
  return out;
}

function skipParameters(ctx: Ctx, parameters: ParameterDef[]): void {
  parameters.forEach((p, i) => {
    if (p.component === 'vhost-limits' || p.component === 'operator_policy' || IMPORTED_COMPONENTS.has(p.component))
      return;
    skip(
      ctx,
      `/parameters/${i}`,
      `parameter ${p.component} ${p.name}: warren does not manage ${p.component} parameters`,
    );
  });
}

function sorted<T>(map: Map<string, T>): Record<string, T> {
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
