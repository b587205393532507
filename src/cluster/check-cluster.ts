// Checks of a stack's `warren:cluster` (RabbitMQ on Kubernetes), before any
// Kubernetes object is planned: the schema, then the rules a schema cannot
// say (check-cluster-rules.ts), the admin, and a blue/green pair's own
// (check-pair.ts).
// Findings point into the stack file under CLUSTER_POINTER, like overrides.
import { translateAjvError } from '../check/translate-ajv-error.js';
import { finding, type Diagnostic, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { CONFIG_POINTER } from '../format/stack-settings.js';
import { loadValidator } from '../format/validator-file.js';
import { locateInFile } from '../load/locate-findings.js';
import { type BlueGreenPlan, isBlueGreen } from './blue-green.js';
import { checkRules } from './check-cluster-rules.js';
import { checkPairless, checkSides } from './check-pair.js';
import type { ClusterConfig } from './cluster-schema.js';

/** Where the cluster config stands in a Pulumi stack file. */
export const CLUSTER_POINTER = '/config/warren:cluster';

export interface ClusterValidation {
  readonly diagnostics: Diagnostic[];
  readonly valid: boolean;
  /** The config with defaults filled in; absent when the stack has none (no cluster) or it is invalid. */
  readonly cluster?: ClusterConfig;
  /** Blue/green (a `green` section): each side's config, the active and the retiring side. */
  readonly blueGreen?: BlueGreenPlan;
}

/**
 * `value` is the stack's `warren:cluster` as Pulumi config hands it over
 * (undefined: this stack deploys no cluster). Quorum queues in the topology
 * make an even replica count a warning outside production.
 */
export function validateCluster(
  stackFile: string,
  value: unknown,
  topologyHasQuorumQueues: boolean,
  /** The user name of the admin credentials the stack brings (warren:managementUser with a managementPassword). */
  adminUser?: string,
  /** `vhost/name` of the topology's quorum queues without a deliveryLimit (a pair across RabbitMQ 4.0 warns of them). */
  unlimitedQuorumQueues: readonly string[] = [],
): ClusterValidation {
  if (value === undefined) return { diagnostics: [], valid: true };
  const root: Source = { file: stackFile, pointer: CLUSTER_POINTER };
  // Compiled at build time with useDefaults, which fills the defaults in: so work on a copy.
  const compiled = loadValidator('cluster');
  const data = structuredClone(value);
  const top = compiled(data) ? (data as ClusterConfig) : undefined;
  const pair =
    top && isBlueGreen(top)
      ? checkSides(root, value as Record<string, unknown>, top, topologyHasQuorumQueues, unlimitedQuorumQueues)
      : undefined;
  const findings = top
    ? unique([
        ...checkRules(root, value, top, topologyHasQuorumQueues),
        ...checkAdmin(stackFile, top, adminUser),
        ...checkPairless(root, value, top),
        ...(pair?.findings ?? []),
      ])
    : (compiled.errors ?? []).map((e) => translateAjvError(root, e));
  const diagnostics = locateInFile(findings, stackFile);
  const valid = !diagnostics.some((d) => d.severity === 'error');
  return {
    diagnostics,
    valid,
    ...(valid ? { cluster: top! } : {}),
    ...(valid && pair?.plan ? { blueGreen: pair.plan } : {}),
  };
}

/** A finding an inherited setting gives on the top-level and on each side stands once. */
function unique(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}\0${f.pointer}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The cluster's admin is the stack's own user when it brings credentials. RabbitMQ lets `guest` log in from the
 * node itself only (`loopback_users`, by default), so a cluster whose admin is guest answers warren's maintenance,
 * upgrade guard and topology sync with 401, after it is created. Unless the stack's extraConfig lifts that.
 */
function checkAdmin(stackFile: string, c: ClusterConfig, adminUser: string | undefined): Finding[] {
  if (adminUser !== 'guest' || c.extraConfig.some((line) => /^\s*loopback_users\b/.test(line))) return [];
  return [
    finding(
      'cluster-guest-admin',
      { file: stackFile, pointer: `${CONFIG_POINTER}/warren:managementUser` },
      "guest may log in to RabbitMQ only from the node itself (loopback_users), so warren could not reach the cluster it creates: set warren:managementUser to another name (the cluster's admin is made with it)",
    ),
  ];
}
