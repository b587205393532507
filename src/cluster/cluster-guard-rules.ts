// The rules that keep a running cluster's nodes and volumes: between the last
// deployment and this one, the StatefulSet may not lose replicas (Parallel pod
// management stops every departing node at once, and quorum queues with a
// majority of their members there stop) nor be re-created (Kubernetes cannot
// change volume claim templates, names or namespaces in place: Pulumi would
// delete it, stopping every node) unless the stack allows that exact change.
// Each refusal writes out the steps that make the change safe.
import { parseQuantity } from '../units/parse-quantity.js';

export interface ClusterGuardInputs {
  readonly namespace: string;
  readonly name: string;
  readonly replicas: number;
  readonly storage: { readonly size: string; readonly storageClass?: string };
  /** warren:allow.scaleDownTo: the replica count a scale-down may go to. */
  readonly allowScaleDownTo?: number;
  /** warren:allow.replaceCluster: a change that re-creates the StatefulSet may go ahead. */
  readonly allowReplace: boolean;
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
  return out;
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
