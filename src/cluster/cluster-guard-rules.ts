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
// (warren:allow.upgradeTo). Each refusal writes out the steps that make the
// change safe.
import { parseQuantity } from '../units/parse-quantity.js';
import { imageVersion, judgeUpgrade } from './upgrade-paths.js';

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

export function clusterGuardRefusals(previous: ClusterGuardInputs | undefined, next: ClusterGuardInputs): string[] {
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
  const upgrade = upgradeRefusal(previous, next);
  if (upgrade) out.push(`${where}: ${upgrade}`);
  return out;
}

/**
 * Why the image may not move from the deployed one to the new one in place, or undefined. A version neither tag
 * names (`latest`, a digest) cannot be judged here: `warren validate` warns about such images
 * (`cluster-image-unpinned`).
 */
function upgradeRefusal(previous: ClusterGuardInputs, next: ClusterGuardInputs): string | undefined {
  if (previous.image === undefined || next.image === undefined || previous.image === next.image) return undefined;
  const [from, to] = [imageVersion(previous.image), imageVersion(next.image)];
  if (!from || !to) return undefined;
  const verdict = judgeUpgrade(from, to);
  const hop = `image ${previous.image} → ${next.image}`;
  if (verdict.kind === 'refused') return `${hop} is refused: ${verdict.reason}.`;
  if (verdict.kind === 'step' && verdict.step.before && next.allowUpgradeTo !== verdict.step.to)
    return `${hop} rolls every node to ${verdict.step.to}, which needs first: ${verdict.step.before}. warren cannot see that from the stack: once it is done, set warren:allow.upgradeTo: "${verdict.step.to}" in the stack config and run pulumi up.`;
  return undefined;
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
