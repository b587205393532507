// The rules that keep a running cluster's nodes and volumes: between the last
// deployment and this one, the StatefulSet may not lose replicas (Parallel pod
// management stops every departing node at once, and quorum queues with a
// majority of their members there stop) nor be re-created (Kubernetes cannot
// change volume claim templates, names or namespaces in place: Pulumi would
// delete it, stopping every node) unless the stack allows that exact change;
// and its image may only move along RabbitMQ's upgrade paths
// (upgrade-paths.ts): a skipped series or a downgrade is refused, and a step
// with a prerequisite warren cannot see from here (feature flags enabled, a
// minimum patch release) goes ahead only when the stack confirms it
// (warren:allow.upgradeTo). The version moved from is the one the nodes run,
// as the cluster answers just before the judgement (an image tag may name no
// version, or no longer what runs); only when the cluster cannot say is it
// the last deployed image's, and the refusal says so. Each refusal writes out
// the steps that make the change safe.
import { parseQuantity } from '../units/parse-quantity.js';
import { compareVersions, imageVersion, judgeUpgrade, parseVersion, type Version } from './upgrade-paths.js';

export interface ClusterGuardInputs {
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  readonly storage: { readonly size: string; readonly storageClass?: string };
  /** warren:allow.scaleDownTo: the replica count a scale-down may go to. */
  readonly allowScaleDownTo?: number;
  /** warren:allow.replaceCluster: a change that re-creates the StatefulSet may go ahead. */
  readonly allowReplace: boolean;
  /** The RabbitMQ image (absent in the state of a guard deployed before warren checked upgrades). */
  readonly image?: string;
  /** warren:allow.upgradeTo: the release series (`3.12`) whose prerequisites the stack confirms are met. */
  readonly allowUpgradeTo?: string;
}

/**
 * The RabbitMQ versions the cluster's running nodes report (the management API's node list: each node's `rabbit`
 * application), read just before an image change is judged; or why they could not be read.
 */
export type RunningVersions = { readonly versions: readonly string[] } | { readonly unknown: string };

/** Whether judging `next` needs the running versions: only an image change is judged against them. */
export function needsRunningVersions(previous: ClusterGuardInputs | undefined, next: ClusterGuardInputs): boolean {
  return (
    previous?.name !== undefined &&
    previous.namespace === next.namespace &&
    previous.name === next.name &&
    next.image !== undefined &&
    previous.image !== next.image &&
    imageVersion(next.image) !== undefined
  );
}

export function clusterGuardRefusals(
  previous: ClusterGuardInputs | undefined,
  next: ClusterGuardInputs,
  running?: RunningVersions,
): string[] {
  if (!previous?.name) return [];
  const out: string[] = [];
  const where = `cluster ${previous.namespace}/${previous.name}`;
  const identity = previous.namespace !== next.namespace || previous.name !== next.name;
  const storage =
    !sameSize(previous.storage.size, next.storage.size) ||
    (previous.storage.storageClass ?? '') !== (next.storage.storageClass ?? '');
  if ((identity || storage) && !next.allowReplace) {
    const what = identity
      ? `moving it to ${next.namespace}/${next.name}`
      : `storage ${describeStorage(previous.storage)} → ${describeStorage(next.storage)}`;
    out.push(
      `${where}: ${what} re-creates the StatefulSet (Kubernetes cannot change it in place): Pulumi would delete it and stop every node at once. ` +
        (identity
          ? 'Deploy the new cluster beside the old one and move the clients and messages (e.g. with a shovel) instead. '
          : `To grow the volumes without stopping a node: ${resizeSteps(previous, next.storage.size)}. `) +
        'Set warren:allow.replaceCluster: true in the stack config to go ahead.',
    );
  }
  if (!identity && next.replicas < previous.replicas && next.allowScaleDownTo !== next.replicas) {
    out.push(
      `${where}: replicas ${previous.replicas} → ${next.replicas} stops ${departing(previous, next.replicas)
        .map((n) => n.pod)
        .join(', ')} at once; ` +
        `quorum queues with a majority of their members on them would stop, and their messages would be out of reach. ${scaleDownSteps(previous, next.replicas)}`,
    );
  }
  const upgrade = upgradeRefusal(previous, next, running);
  if (upgrade) out.push(`${where}: ${upgrade}`);
  return out;
}

/**
 * Why the image may not move from what runs (else from the deployed image) to the new one in place, or undefined.
 * A version neither the nodes nor the tag name (`latest`, a digest, a cluster that does not answer) cannot be
 * judged here: `warren validate` warns about such images (`cluster-image-unpinned`).
 */
function upgradeRefusal(
  previous: ClusterGuardInputs,
  next: ClusterGuardInputs,
  running: RunningVersions | undefined,
): string | undefined {
  if (!needsRunningVersions(previous, next)) return undefined;
  const to = imageVersion(next.image!)!;
  const source = versionFrom(previous, running);
  if (!source) return undefined;
  const verdict = judgeUpgrade(source.version, to);
  const hop = `image ${previous.image ?? '(not recorded)'} → ${next.image} (${source.said})`;
  if (verdict.kind === 'refused') return `${hop} is refused: ${verdict.reason}.`;
  if (verdict.kind === 'step' && verdict.step.before && next.allowUpgradeTo !== verdict.step.to)
    return `${hop} rolls every node to ${verdict.step.to}, which needs first: ${verdict.step.before}. warren cannot see that from the stack: once it is done, set warren:allow.upgradeTo: "${verdict.step.to}" in the stack config and run pulumi up.`;
  return undefined;
}

/** The version the upgrade starts from, and how it is known: the oldest a running node reports, else the deployed tag's. */
function versionFrom(
  previous: ClusterGuardInputs,
  running: RunningVersions | undefined,
): { version: Version; said: string } | undefined {
  const versions = running && 'versions' in running ? running.versions : [];
  const reported = versions.map(parseVersion);
  if (reported.length > 0 && reported.every((v) => v !== undefined)) {
    const oldest = [...(reported as Version[])].sort(compareVersions)[0]!;
    return { version: oldest, said: `the nodes run ${[...new Set(versions)].sort().join(', ')}` };
  }
  const tagged = previous.image === undefined ? undefined : imageVersion(previous.image);
  if (!tagged) return undefined;
  const why =
    running === undefined
      ? 'not read'
      : 'unknown' in running
        ? running.unknown
        : `a node reported ${versions.find((v) => !parseVersion(v)) ?? 'no version'}`;
  return { version: tagged, said: `judged from the deployed image: the running version is unknown, ${why}` };
}

function departing(c: ClusterGuardInputs, to: number): { pod: string; node: string }[] {
  return Array.from({ length: c.replicas - to }, (_, i) => c.replicas - 1 - i).map((ordinal) => {
    const pod = `${c.name}-${ordinal}`;
    return { pod, node: `rabbit@${pod}.${c.name}-nodes.${c.namespace}` };
  });
}

function scaleDownSteps(c: ClusterGuardInputs, to: number): string {
  const exec = `kubectl -n ${c.namespace} exec ${c.name}-0 --`;
  const nodes = departing(c, to);
  return [
    `To scale down: (1) move the queue members off the departing nodes, one node at a time: ${nodes.map((n) => `\`${exec} rabbitmq-queues shrink ${n.node}\``).join(', then ')}`,
    `(2) set warren:allow.scaleDownTo: ${to} in the stack config and run pulumi up`,
    `(3) remove the departed nodes from the cluster: ${nodes.map((n) => `\`${exec} rabbitmqctl forget_cluster_node ${n.node}\``).join(', ')}`,
    `(4) delete their volumes: \`kubectl -n ${c.namespace} delete pvc ${nodes.map((n) => `persistence-${n.pod}`).join(' ')}\``,
    `(5) where a queue should keep more members, add them on the remaining nodes (\`rabbitmq-queues grow <node> all\`).`,
  ].join('; ');
}

function resizeSteps(c: ClusterGuardInputs, size: string): string {
  const claims = Array.from({ length: c.replicas }, (_, i) => `persistence-${c.name}-${i}`);
  return [
    `(1) expand each claim (its StorageClass must allow volume expansion): ${claims.map((p) => `\`kubectl -n ${c.namespace} patch pvc ${p} -p '{"spec":{"resources":{"requests":{"storage":"${size}"}}}}'\``).join(', ')}`,
    `(2) delete the StatefulSet but not its pods: \`kubectl -n ${c.namespace} delete statefulset ${c.name} --cascade=orphan\``,
    '(3) `pulumi refresh`, then `pulumi up` with the allowance below: the new StatefulSet adopts the running pods',
  ].join('; ');
}

function describeStorage(s: ClusterGuardInputs['storage']): string {
  return s.storageClass ? `${s.size} (${s.storageClass})` : s.size;
}

function sameSize(a: string, b: string): boolean {
  return a === b || (parseQuantity(a) !== undefined && parseQuantity(a) === parseQuantity(b));
}
