// Blue/green: two clusters of one stack behind one client Service, so that a
// move across RabbitMQ versions the rolling upgrade cannot make (a skipped
// series, 3.x to 4.x) is run by `pulumi up` (docs/kubernetes.md, "Blue/green").
// A stack is in blue/green mode once its `warren:cluster` has a `green`
// section. The top-level settings are both sides' defaults; `blue` and `green`
// override them per side. Blue keeps the cluster's name (its StatefulSet and
// volumes are the cluster that ran before), green is `<name>-green`. The
// client Service keeps the name `<name>` (its DNS name, its node ports from the
// top-level `service`) and selects the active side's pods; each side gets its
// own Service, `<name>-blue` and `<name>-green`, for warren and for operators.
// Pure: the Pulumi layer (src/pulumi/kubernetes/deploy-blue-green.ts) reads it.
import { SIDE_FIELDS, type ClusterConfig } from './cluster-schema.js';

export type Side = 'blue' | 'green';
export const SIDES: readonly Side[] = ['blue', 'green'];

export interface BlueGreenPlan {
  readonly active: Side;
  /** The inactive side, when the stack retires it: not deployed, its removal guarded (retire-guard). */
  readonly retiring?: Side;
  /** Each side's whole config (defaults filled in), the retiring one too (the guard reaches it). */
  readonly sides: Readonly<Record<Side, ClusterConfig>>;
}

/** Whether the stack's (checked) cluster runs blue/green. */
export function isBlueGreen(c: Pick<ClusterConfig, 'green'>): boolean {
  return c.green !== undefined;
}

export const inactiveOf = (side: Side): Side => (side === 'blue' ? 'green' : 'blue');

/** The cluster name of a side: blue keeps the stack's cluster name, green is `<name>-green`. */
export function sideName(name: string, side: Side): string {
  return side === 'blue' ? name : `${name}-green`;
}

/** The side's own client Service: `<name>-blue`, `<name>-green` (the client Service `<name>` is the shared one). */
export function sideServiceName(name: string, side: Side): string {
  return `${name}-${side}`;
}

/** Top-level settings that belong to the pair, not to a side. */
const PAIR_ONLY = ['blue', 'green', 'active', 'retireInactive', 'service', 'managementEndpoint'];
/** Settings whose objects a side merges into the top-level ones, key by key. */
const MERGED = new Set(['resources', 'storage']);

/**
 * A side's config as the stack spells it (before defaults): the top-level settings but the pair's own, with the
 * side's over them. `service` and `managementEndpoint` are the side's only (the top-level ones are the client
 * Service's); the namespace is shared, made once for both (createNamespace false per side).
 */
export function sideInput(input: Record<string, unknown>, side: Side): Record<string, unknown> {
  const own = (input[side] ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) if (!PAIR_ONLY.includes(key)) out[key] = value;
  for (const key of SIDE_FIELDS) {
    if (own[key] === undefined) continue;
    out[key] = MERGED.has(key) ? deepMerge(out[key], own[key]) : own[key];
  }
  out.name = sideName(typeof input.name === 'string' ? input.name : 'rabbitmq', side);
  out.createNamespace = false;
  return out;
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObject(base) || !isObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
