// The StatefulSet that runs the RabbitMQ nodes, mapped from the cluster plan.
// @pulumi/kubernetes awaits a StatefulSet by default: create and update
// complete only when status.readyReplicas (and replicas, currentReplicas)
// match spec.replicas, currentRevision equals updateRevision and the
// controller has observed the new generation. The resource therefore stands
// for "the cluster is up" to whatever depends on it.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ClusterPlan } from '../../cluster/compile-cluster.js';

export interface StatefulSetRefs {
  readonly namespace: pulumi.Input<string>;
  /** The headless Service's name (an output, so the Service exists first). */
  readonly serviceName: pulumi.Input<string>;
  /** Config, secrets and RBAC the pods read at start. */
  readonly dependsOn: pulumi.Resource[];
}

export function createStatefulSet(name: string, plan: ClusterPlan, refs: StatefulSetRefs, opts: pulumi.CustomResourceOptions): k8s.apps.v1.StatefulSet {
  const s = plan.statefulSet;
  return new k8s.apps.v1.StatefulSet(name, {
    metadata: { name: plan.names.statefulSet, namespace: refs.namespace, labels: { ...plan.labels } },
    spec: {
      replicas: s.replicas,
      serviceName: refs.serviceName,
      // All pods start together: after a full stop each node waits for the
      // peers it last saw, which OrderedReady would never start.
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate' },
      selector: { matchLabels: { ...plan.selector } },
      template: { metadata: { labels: { ...plan.labels }, annotations: { ...s.podAnnotations } }, spec: podSpec(plan) },
      volumeClaimTemplates: [{
        metadata: { name: 'persistence', labels: { ...plan.selector } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: s.storage.size } },
          ...(s.storage.storageClass ? { storageClassName: s.storage.storageClass } : {}),
        },
      }],
    },
  }, { ...opts, dependsOn: refs.dependsOn, customTimeouts: { create: s.timeouts.create, update: s.timeouts.update } });
}

function podSpec(plan: ClusterPlan): k8s.types.input.core.v1.PodSpec {
  const p = plan.statefulSet.pod;
  const anti = p.antiAffinity.required
    ? { requiredDuringSchedulingIgnoredDuringExecution: copy(p.antiAffinity.required) }
    : { preferredDuringSchedulingIgnoredDuringExecution: copy(p.antiAffinity.preferred ?? []) };
  return {
    serviceAccountName: plan.names.serviceAccount,
    terminationGracePeriodSeconds: p.terminationGracePeriodSeconds,
    securityContext: copy(p.securityContext),
    affinity: { podAntiAffinity: anti },
    ...(p.topologySpread.length > 0 ? { topologySpreadConstraints: copy(p.topologySpread) } : {}),
    volumes: copy(p.volumes),
    initContainers: [{
      name: 'setup',
      image: p.image,
      command: [...p.initCommand],
      volumeMounts: copy(p.initMounts),
      securityContext: copy(p.containerSecurityContext),
      resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
    }],
    containers: [{
      name: 'rabbitmq',
      image: p.image,
      ports: p.containerPorts.map((port) => ({ name: port.name, containerPort: port.port, protocol: 'TCP' })),
      env: copy(p.env),
      volumeMounts: copy(p.mounts),
      resources: copy(p.resources),
      startupProbe: copy(p.startupProbe),
      readinessProbe: copy(p.readinessProbe),
      livenessProbe: copy(p.livenessProbe),
      lifecycle: { preStop: { exec: { command: [...p.preStop] } } },
      securityContext: copy(p.containerSecurityContext),
    }],
  };
}

/** The plan is deeply readonly; Pulumi's input types are mutable. A copy keeps the plan untouched. */
function copy<T>(value: T): Mutable<T> {
  return structuredClone(value) as Mutable<T>;
}

type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
