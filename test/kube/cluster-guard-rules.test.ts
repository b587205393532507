// The cluster guard's rules: what a deployed StatefulSet may not lose, and the steps each refusal writes out.
import { describe, expect, it } from 'vitest';
import { clusterGuardRefusals, type ClusterGuardInputs } from '../../src/cluster/cluster-guard-rules.js';

const deployed: ClusterGuardInputs = {
  namespace: 'mq',
  name: 'rabbitmq',
  replicas: 5,
  storage: { size: '10Gi' },
  allowReplace: false,
};
const next = (change: Partial<ClusterGuardInputs>): ClusterGuardInputs => ({ ...deployed, ...change });

describe('the cluster guard', () => {
  it('lets a first deployment, growth and unchanged storage through', () => {
    expect(clusterGuardRefusals(undefined, deployed)).toEqual([]);
    expect(clusterGuardRefusals(deployed, next({ replicas: 7 }))).toEqual([]);
    // The same size written another way is no change.
    expect(clusterGuardRefusals(deployed, next({ storage: { size: '10240Mi' } }))).toEqual([]);
  });

  it('refuses a scale-down, naming the departing pods and the steps that keep quorum queues available', () => {
    const [refusal, ...rest] = clusterGuardRefusals(deployed, next({ replicas: 3 }));
    expect(rest).toEqual([]);
    expect(refusal).toContain('cluster mq/rabbitmq: replicas 5 → 3 stops rabbitmq-4, rabbitmq-3 at once');
    expect(refusal).toContain(
      '`kubectl -n mq exec rabbitmq-0 -- rabbitmq-queues shrink rabbit@rabbitmq-4.rabbitmq-nodes.mq`, then `kubectl -n mq exec rabbitmq-0 -- rabbitmq-queues shrink rabbit@rabbitmq-3.rabbitmq-nodes.mq`',
    );
    expect(refusal).toContain('set warren:allow.scaleDownTo: 3');
    expect(refusal).toContain('rabbitmqctl forget_cluster_node rabbit@rabbitmq-4.rabbitmq-nodes.mq');
    expect(refusal).toContain('delete pvc persistence-rabbitmq-4 persistence-rabbitmq-3');
  });

  it('allows exactly the scale-down the stack names', () => {
    expect(clusterGuardRefusals(deployed, next({ replicas: 3, allowScaleDownTo: 3 }))).toEqual([]);
    expect(clusterGuardRefusals(deployed, next({ replicas: 1, allowScaleDownTo: 3 }))).toHaveLength(1);
  });

  it('refuses a storage change, which would re-create the StatefulSet, with the resize-in-place steps', () => {
    const [refusal] = clusterGuardRefusals(deployed, next({ storage: { size: '20Gi' } }));
    expect(refusal).toContain('storage 10Gi → 20Gi re-creates the StatefulSet');
    expect(refusal).toContain(
      `kubectl -n mq patch pvc persistence-rabbitmq-4 -p '{"spec":{"resources":{"requests":{"storage":"20Gi"}}}}'`,
    );
    expect(refusal).toContain('kubectl -n mq delete statefulset rabbitmq --cascade=orphan');
    expect(refusal).toContain('warren:allow.replaceCluster: true');
    expect(clusterGuardRefusals(deployed, next({ storage: { size: '10Gi', storageClass: 'fast' } }))[0]).toContain(
      'storage 10Gi → 10Gi (fast)',
    );
    expect(clusterGuardRefusals(deployed, next({ storage: { size: '20Gi' }, allowReplace: true }))).toEqual([]);
  });

  it('refuses a move to another name or namespace, and does not also call it a scale-down', () => {
    const refusals = clusterGuardRefusals(deployed, next({ namespace: 'other', replicas: 3 }));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain('moving it to other/rabbitmq re-creates the StatefulSet');
  });
});
