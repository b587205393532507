// The cluster guard's rules: what a deployed StatefulSet may not lose, and the steps each refusal writes out.
import { describe, expect, it } from 'vitest';
import {
  clusterGuardRefusals,
  needsRunningVersions,
  type ClusterGuardInputs,
} from '../../src/cluster/cluster-guard-rules.js';
import { runningVersionsOf } from '../../src/cluster/running-versions.js';

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

describe('the cluster guard: RabbitMQ upgrades along the supported paths', () => {
  const at = (image: string, allowUpgradeTo?: string) => next({ image, ...(allowUpgradeTo ? { allowUpgradeTo } : {}) });

  it('lets a patch release, and a step without prerequisites, through', () => {
    expect(clusterGuardRefusals(at('rabbitmq:3.10.8-management'), at('rabbitmq:3.10.25-management'))).toEqual([]);
    expect(clusterGuardRefusals(at('rabbitmq:3.12.14-management'), at('rabbitmq:3.13.7-management'))).toEqual([]);
  });

  it('refuses a skipped series and a downgrade, with the way through', () => {
    const [skip] = clusterGuardRefusals(at('rabbitmq:3.10.8-management'), at('rabbitmq:4.0.5-management'));
    expect(skip).toMatch(
      /^cluster mq\/rabbitmq: image rabbitmq:3\.10\.8-management → rabbitmq:4\.0\.5-management \(judged from the deployed image: the running version is unknown, not read\) is refused: 3\.10 → 4\.0 skips a release series: go through 3\.11 → 3\.12 → 3\.13 → 4\.0/,
    );
    const [down] = clusterGuardRefusals(at('rabbitmq:4.1.6'), at('rabbitmq:4.0.5'));
    expect(down).toContain('4.1 → 4.0 is a downgrade');
    // A confirmation does not make a refused hop possible.
    expect(clusterGuardRefusals(at('rabbitmq:3.10.8'), at('rabbitmq:4.0.5', '4.0'))).toHaveLength(1);
  });

  it('holds a step whose prerequisite warren cannot see until the stack confirms exactly that step', () => {
    const [held] = clusterGuardRefusals(at('rabbitmq:3.11.28'), at('rabbitmq:3.12.14'));
    expect(held).toContain('rolls every node to 3.12, which needs first:');
    expect(held).toContain('set warren:allow.upgradeTo: "3.12"');
    expect(clusterGuardRefusals(at('rabbitmq:3.11.28'), at('rabbitmq:3.12.14', '3.12'))).toEqual([]);
    expect(clusterGuardRefusals(at('rabbitmq:3.11.28'), at('rabbitmq:3.12.14', '3.13'))).toHaveLength(1);
    // Below the step's minimum patch release, refused whatever the stack says.
    expect(clusterGuardRefusals(at('rabbitmq:3.11.5'), at('rabbitmq:3.12.14', '3.12'))[0]).toContain(
      'upgrade to 3.11.18 first',
    );
  });

  it('cannot judge an image that names no version, nor a guard deployed before it recorded the image, when the cluster does not say', () => {
    const silent = { unknown: 'the management API did not answer (ECONNREFUSED)' };
    expect(clusterGuardRefusals(at('rabbitmq:latest'), at('rabbitmq:3.12.14'), silent)).toEqual([]);
    expect(clusterGuardRefusals(deployed, at('rabbitmq:4.0.5'), silent)).toEqual([]);
    expect(clusterGuardRefusals(at('rabbitmq:3.12.14'), at('rabbitmq:latest'), silent)).toEqual([]);
    // Judged from the tag then, and the refusal says why.
    expect(clusterGuardRefusals(at('rabbitmq:4.1.6'), at('rabbitmq:4.0.5'), silent)[0]).toContain(
      '(judged from the deployed image: the running version is unknown, the management API did not answer (ECONNREFUSED)) is refused: 4.1 → 4.0 is a downgrade',
    );
  });

  it('judges from the versions the nodes run, the oldest of them, over the deployed tag', () => {
    const running = (...versions: string[]) => ({ versions });
    // The tag says 4.1, the nodes run 3.10: a hop to 4.0 skips three series.
    const [skip] = clusterGuardRefusals(at('rabbitmq:4.1.6'), at('rabbitmq:4.0.5'), running('3.10.8', '3.10.8'));
    expect(skip).toContain('image rabbitmq:4.1.6 → rabbitmq:4.0.5 (the nodes run 3.10.8) is refused: 3.10 → 4.0 skips');
    // An unversioned tag and a guard that never recorded the image are judged too, from what runs.
    expect(clusterGuardRefusals(at('rabbitmq:latest'), at('rabbitmq:3.9.29'), running('3.10.8'))[0]).toContain(
      '3.10 → 3.9 is a downgrade',
    );
    expect(clusterGuardRefusals(deployed, at('rabbitmq:4.0.5'), running('3.13.7'))[0]).toContain(
      'image (not recorded) → rabbitmq:4.0.5 (the nodes run 3.13.7) rolls every node to 4.0',
    );
    // Mid-roll, nodes on two versions: the oldest decides, both are named.
    const [mixed] = clusterGuardRefusals(at('rabbitmq:3.12.14'), at('rabbitmq:3.13.7'), running('3.12.14', '3.11.28'));
    expect(mixed).toContain('(the nodes run 3.11.28, 3.12.14) is refused: 3.11 → 3.13 skips a release series');
    expect(clusterGuardRefusals(at('rabbitmq:3.12.14'), at('rabbitmq:3.13.7'), running('3.12.14'))).toEqual([]);
    // A version that does not parse is no version: judged from the tag, saying so.
    expect(clusterGuardRefusals(at('rabbitmq:4.1.6'), at('rabbitmq:4.0.5'), running('garbage'))[0]).toContain(
      'the running version is unknown, a node reported garbage',
    );
  });

  it('reads the running versions only for an image change it can judge', () => {
    expect(needsRunningVersions(at('rabbitmq:4.0.5'), at('rabbitmq:4.0.5'))).toBe(false);
    expect(needsRunningVersions(at('rabbitmq:4.0.5'), at('rabbitmq:latest'))).toBe(false);
    expect(needsRunningVersions(undefined, at('rabbitmq:4.0.5'))).toBe(false);
    expect(needsRunningVersions(at('rabbitmq:4.0.5'), { ...at('rabbitmq:4.1.6'), namespace: 'other' })).toBe(false);
    expect(needsRunningVersions(at('rabbitmq:4.0.5'), at('rabbitmq:4.1.6'))).toBe(true);
    expect(needsRunningVersions(deployed, at('rabbitmq:4.1.6'))).toBe(true);
  });
});

describe('the versions the node list reports', () => {
  const node = (name: string, running: boolean, version?: string) => ({
    name,
    running,
    applications: version === undefined ? [{ name: 'os_mon', version: '2.8' }] : [{ name: 'rabbit', version }],
  });

  it("takes every running node's rabbit application", () => {
    expect(runningVersionsOf([node('a', true, '3.10.8'), node('b', true, '4.0.5'), node('c', false)])).toEqual({
      versions: ['3.10.8', '4.0.5'],
    });
  });

  it('says unknown when a running node has not reported, none runs, or the answer is not a node list', () => {
    expect(runningVersionsOf([node('a', true, '3.10.8'), node('b', true)])).toEqual({
      unknown: 'node b has not reported its version yet',
    });
    expect(runningVersionsOf([node('a', false, '3.10.8')])).toEqual({ unknown: 'no node is reported running' });
    for (const junk of [null, {}, 'x', [1], [null]])
      expect(runningVersionsOf(junk)).toEqual({ unknown: 'the answer is not a node list' });
    expect(runningVersionsOf([{ name: 'a', running: true, applications: [{ name: 'rabbit', version: 3 }] }])).toEqual({
      unknown: 'node a has not reported its version yet',
    });
  });
});
