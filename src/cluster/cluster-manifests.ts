// The Kubernetes objects that run RabbitMQ, as plain manifests made from the
// cluster plan. Pure: the Pulumi layer (src/pulumi/kubernetes/) turns each into
// a resource, and the API-server tier test applies the very same objects to a
// real kube-apiserver. The generated password and Erlang cookie are passed in
// (Pulumi secrets in the program, fixed strings in tests).
import type { ClusterPlan, Port } from './cluster-plan.js';

export type Role =
  | 'namespace'
  | 'serviceAccount'
  | 'role'
  | 'roleBinding'
  | 'userSecret'
  | 'cookieSecret'
  | 'configMap'
  | 'headless'
  | 'client'
  | 'direct'
  | 'statefulSet'
  | 'pdb'
  | 'serviceMonitor'
  | 'networkPolicy';

export interface Manifest {
  /** What the object is for; also names its resource (`<component>/<suffix>`). */
  readonly role: Role;
  readonly object: { apiVersion: string; kind: string; metadata: Meta; [field: string]: unknown };
}

interface Meta {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
}

export function clusterManifests<S>(
  plan: ClusterPlan,
  secrets: { readonly password: S; readonly cookie: S },
): Manifest[] {
  const meta = (
    name: string,
    extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {},
  ): Meta => ({
    name,
    namespace: plan.namespace,
    labels: { ...plan.labels, ...extra.labels },
    ...(extra.annotations ? { annotations: { ...extra.annotations } } : {}),
  });
  const m = (
    role: Role,
    apiVersion: string,
    kind: string,
    metadata: Meta,
    body: Record<string, unknown>,
  ): Manifest => ({ role, object: { apiVersion, kind, metadata, ...body } });
  const matchLabels = { ...plan.selector };
  const out: Manifest[] = [];
  if (plan.createNamespace)
    out.push(m('namespace', 'v1', 'Namespace', { name: plan.namespace, labels: { ...plan.labels } }, {}));
  out.push(
    m('serviceAccount', 'v1', 'ServiceAccount', meta(plan.names.serviceAccount), {}),
    m('role', 'rbac.authorization.k8s.io/v1', 'Role', meta(plan.names.role), { rules: copy(plan.rbacRules) }),
    m('roleBinding', 'rbac.authorization.k8s.io/v1', 'RoleBinding', meta(plan.names.role), {
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: plan.names.role },
      subjects: [{ kind: 'ServiceAccount', name: plan.names.serviceAccount, namespace: plan.namespace }],
    }),
    m('userSecret', 'v1', 'Secret', meta(plan.names.userSecret), {
      type: 'kubernetes.io/basic-auth',
      stringData: { username: plan.username, password: secrets.password },
    }),
    m('cookieSecret', 'v1', 'Secret', meta(plan.names.cookieSecret), {
      type: 'Opaque',
      stringData: { '.erlang.cookie': secrets.cookie },
    }),
    m('configMap', 'v1', 'ConfigMap', meta(plan.names.configMap), { data: { ...plan.configFiles } }),
    // The headless Service gives each pod its stable DNS name, published before the pod is ready
    // (nodes must find each other to become ready); the client Service is what applications use.
    m('headless', 'v1', 'Service', meta(plan.names.headless), {
      spec: {
        clusterIP: 'None',
        publishNotReadyAddresses: true,
        selector: matchLabels,
        ports: ports(plan.headlessPorts),
      },
    }),
    {
      role: plan.side ? 'direct' : 'client',
      object: clientService(meta(plan.names.client, { annotations: plan.service.annotations }), plan, plan.selector),
    },
    m('statefulSet', 'apps/v1', 'StatefulSet', meta(plan.names.statefulSet), { spec: statefulSetSpec(plan) }),
  );
  if (plan.pdb)
    out.push(
      m('pdb', 'policy/v1', 'PodDisruptionBudget', meta(plan.name), {
        spec: { maxUnavailable: plan.pdb.maxUnavailable, selector: { matchLabels } },
      }),
    );
  if (plan.serviceMonitor) {
    const sm = plan.serviceMonitor;
    // Both Services carry the selector labels; only the client one has the metrics port the endpoint names.
    out.push(
      m('serviceMonitor', 'monitoring.coreos.com/v1', 'ServiceMonitor', meta(plan.name, { labels: sm.labels }), {
        spec: {
          selector: { matchLabels },
          namespaceSelector: { matchNames: [plan.namespace] },
          endpoints: [{ port: sm.port, interval: sm.interval, path: '/metrics', ...metricsTls(sm.tls) }],
        },
      }),
    );
  }
  if (plan.networkPolicy) {
    const np = plan.networkPolicy;
    const clients =
      np.allowFrom.length > 0
        ? [{ from: copy(np.allowFrom), ports: np.clientPorts.map((port) => ({ protocol: 'TCP', port })) }]
        : [];
    // Ingress only: egress stays open for DNS and (RabbitMQ ≤ 4.0) the Kubernetes API.
    out.push(
      m('networkPolicy', 'networking.k8s.io/v1', 'NetworkPolicy', meta(plan.name), {
        spec: {
          podSelector: { matchLabels },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: { matchLabels } }] }, ...clients],
        },
      }),
    );
  }
  return out;
}

/**
 * A blue/green pair's client Service (blue-green.ts): the name clients know, the top-level `service` settings, and
 * the active side's pods. Its labels are not a side's: no side's ServiceMonitor selects it.
 */
export function pairClientService(
  name: string,
  service: ClusterPlan['service'],
  active: ClusterPlan,
): Manifest['object'] {
  const labels = {
    'app.kubernetes.io/name': 'rabbitmq',
    'app.kubernetes.io/instance': `${name}-client`,
    'app.kubernetes.io/part-of': 'warren',
  };
  const meta: Meta = {
    name,
    namespace: active.namespace,
    labels,
    ...(Object.keys(service.annotations).length > 0 ? { annotations: { ...service.annotations } } : {}),
  };
  return clientService(meta, { ...active, service }, active.selector);
}

function clientService(
  metadata: Meta,
  plan: Pick<ClusterPlan, 'service' | 'clientPorts'>,
  selector: ClusterPlan['selector'],
): Manifest['object'] {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: {
      type: plan.service.type,
      selector: { ...selector },
      ports: ports(plan.clientPorts, plan.service.nodePorts),
    },
  };
}

function ports(list: readonly Port[], nodePorts: Readonly<Record<string, number>> = {}) {
  return list.map((p) => ({
    name: p.name,
    port: p.port,
    targetPort: p.port,
    protocol: 'TCP',
    ...(nodePorts[p.name] ? { nodePort: nodePorts[p.name] } : {}),
  }));
}

function metricsTls(
  tls: { readonly secretName: string; readonly serverName: string } | undefined,
): Record<string, unknown> {
  return tls
    ? {
        scheme: 'https',
        tlsConfig: { ca: { secret: { name: tls.secretName, key: 'ca.crt' } }, serverName: tls.serverName },
      }
    : {};
}

function statefulSetSpec(plan: ClusterPlan): Record<string, unknown> {
  const s = plan.statefulSet;
  return {
    replicas: s.replicas,
    serviceName: plan.names.headless,
    // All pods start together: after a full stop each node waits for the
    // peers it last saw, which OrderedReady would never start.
    podManagementPolicy: 'Parallel',
    // A blue/green side is retired only once empty (retire-guard.ts), and may be made anew later with another
    // version: its volumes go with it, or the new nodes would boot on the old one's data.
    ...(plan.side ? { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' } } : {}),
    updateStrategy: { type: 'RollingUpdate' },
    selector: { matchLabels: { ...plan.selector } },
    template: { metadata: { labels: { ...plan.labels }, annotations: { ...s.podAnnotations } }, spec: podSpec(plan) },
    volumeClaimTemplates: [
      {
        metadata: { name: 'persistence', labels: { ...plan.selector } },
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: s.storage.size } },
          ...(s.storage.storageClass ? { storageClassName: s.storage.storageClass } : {}),
        },
      },
    ],
  };
}

function podSpec(plan: ClusterPlan): Record<string, unknown> {
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
    initContainers: [
      {
        name: 'setup',
        image: p.image,
        command: [...p.initCommand],
        volumeMounts: copy(p.initMounts),
        securityContext: copy(p.containerSecurityContext),
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } },
      },
    ],
    containers: [
      {
        name: 'rabbitmq',
        image: p.image,
        ports: p.containerPorts.map((port) => ({ name: port.name, containerPort: port.port, protocol: 'TCP' })),
        env: copy(p.env),
        volumeMounts: copy(p.mounts),
        resources: copy(p.resources),
        startupProbe: copy(p.startupProbe),
        readinessProbe: copy(p.readinessProbe),
        lifecycle: { preStop: { exec: { command: [...p.preStop] } } },
        securityContext: copy(p.containerSecurityContext),
      },
    ],
  };
}

/** The plan is deeply readonly; manifests are mutable data. A copy keeps the plan untouched. */
function copy<T>(value: T): T {
  return structuredClone(value);
}
