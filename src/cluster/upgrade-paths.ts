// Which RabbitMQ release series a running cluster may move to in place, as one
// table with its source: RabbitMQ's "RabbitMQ Version Upgradability"
// (rabbitmq-website docs/upgrade.md, commit 0806dda; docs/feature-flags for
// the 4.x series: each requires the flags of the series before it enabled).
// A rolling upgrade goes one series at a time, never down; a hop the table
// does not hold is refused with the path that is supported: the chain of
// intermediate series, or a blue/green move to a new cluster.

/** A release series (`3.13`) and, where the table needs it, the patch it must at least be (`3.11.18`). */
export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch?: number;
}

export interface UpgradeStep {
  /** The series upgraded from, and the least patch release of it the step starts from. */
  readonly from: string;
  readonly minPatch: number;
  /** The series reached. */
  readonly to: string;
  /** What must be done on `from` before the step (an empty string: nothing). */
  readonly before: string;
}

const ALL_FLAGS = 'enable all feature flags (rabbitmqctl enable_feature_flag all) before the upgrade';
const STABLE_FLAGS = 'enable all stable feature flags (rabbitmqctl enable_feature_flag all) before the upgrade';

/** Each supported in-place step, oldest first. */
export const UPGRADE_STEPS: readonly UpgradeStep[] = [
  { from: '3.7', minPatch: 18, to: '3.8', before: '' },
  { from: '3.8', minPatch: 0, to: '3.9', before: '' },
  { from: '3.9', minPatch: 0, to: '3.10', before: '' },
  { from: '3.10', minPatch: 0, to: '3.11', before: STABLE_FLAGS },
  { from: '3.11', minPatch: 18, to: '3.12', before: ALL_FLAGS },
  { from: '3.12', minPatch: 0, to: '3.13', before: '' },
  {
    from: '3.13',
    minPatch: 0,
    to: '4.0',
    before: `${STABLE_FLAGS}; a 3.13 cluster with Khepri enabled cannot be upgraded in place (blue/green only)`,
  },
  { from: '4.0', minPatch: 0, to: '4.1', before: STABLE_FLAGS },
  { from: '4.1', minPatch: 0, to: '4.2', before: STABLE_FLAGS },
];

const series = (v: Version): string => `${v.major}.${v.minor}`;

/**
 * The version an image reference names, from its tag (`rabbitmq:3.10.8-management`, `rabbitmq:4.1`,
 * `registry/x/rabbitmq:3.10.8-debian-bookworm`); undefined when the tag names none (`latest`, a digest only):
 * the running version must then be read from the cluster.
 */
export function imageVersion(image: string): Version | undefined {
  const name = image.split('@')[0]!;
  const slash = name.lastIndexOf('/');
  const colon = name.indexOf(':', slash + 1);
  if (colon < 0) return undefined;
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:$|[-+])/.exec(name.slice(colon + 1));
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), ...(m[3] !== undefined ? { patch: Number(m[3]) } : {}) };
}

/** A version as RabbitMQ reports it (`/api/overview`'s `rabbitmq_version`: `3.10.8`, `4.0.5`, `4.1.0-rc.1`). */
export function parseVersion(text: string): Version | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m
    ? { major: Number(m[1]), minor: Number(m[2]), ...(m[3] !== undefined ? { patch: Number(m[3]) } : {}) }
    : undefined;
}

export type UpgradeVerdict =
  | { readonly kind: 'same-series' }
  | { readonly kind: 'step'; readonly step: UpgradeStep }
  | { readonly kind: 'refused'; readonly reason: string };

/** Whether a cluster running `from` may be rolled to `to` in place, and what must be done first. */
export function judgeUpgrade(from: Version, to: Version): UpgradeVerdict {
  const [a, b] = [series(from), series(to)];
  if (a === b) return { kind: 'same-series' };
  if (compareVersions(to, from) < 0)
    return {
      kind: 'refused',
      reason: `${a} → ${b} is a downgrade, which RabbitMQ does not support; to go back, deploy ${b} beside it and move the messages (blue/green: warren:cluster.green)`,
    };
  const step = UPGRADE_STEPS.find((s) => s.from === a && s.to === b);
  if (step) {
    if (from.patch !== undefined && from.patch < step.minPatch)
      return {
        kind: 'refused',
        reason: `${a} → ${b} starts from ${a}.${step.minPatch} or later: upgrade to ${a}.${step.minPatch} first${step.before ? `, ${step.before}` : ''}`,
      };
    return { kind: 'step', step };
  }
  const chain = pathBetween(a, b);
  return {
    kind: 'refused',
    reason: chain
      ? `${a} → ${b} skips a release series: go through ${chain.map((s) => s.to).join(' → ')} one series at a time (${chain
          .filter((s) => s.before)
          .map((s) => `on ${s.from}: ${s.before}`)
          .join('; ')}), or move to a new ${b} cluster (blue/green: warren:cluster.green)`
      : `${a} → ${b} is not a supported upgrade path: move to a new ${b} cluster (blue/green: warren:cluster.green)`,
  };
}

/** The steps from series `a` to series `b`, when the table joins them. */
function pathBetween(a: string, b: string): UpgradeStep[] | undefined {
  const out: UpgradeStep[] = [];
  for (let at = a; at !== b; ) {
    const next = UPGRADE_STEPS.find((s) => s.from === at);
    if (!next) return undefined;
    out.push(next);
    at = next.to;
  }
  return out;
}

/** Orders versions oldest first (a missing patch counts as 0). */
export function compareVersions(x: Version, y: Version): number {
  return x.major - y.major || x.minor - y.minor || (x.patch ?? 0) - (y.patch ?? 0);
}
