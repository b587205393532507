// RabbitMQ itself on Kubernetes: the cluster plan mapped onto resources, all
// under this component and the explicit Kubernetes provider the caller made
// from its kubeconfig. No checks here (check-cluster.ts ran before). Object
// names are fixed, not auto-named, so that DNS names (the nodes' identities)
// and volume claims stay the same for the life of the cluster.
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ClusterPlan } from '../../cluster/compile-cluster.js';
import { createStatefulSet } from './create-stateful-set.js';
import { GeneratedSecret } from './generated-secret.js';

export class RabbitCluster extends pulumi.ComponentResource {
  /** The management API as this program reaches it (managementEndpoint, else the in-cluster service); depends on `ready`. */
  readonly managementUrl: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  /** The generated default user's password; a secret. */
  readonly password: pulumi.Output<string>;
  /** Done when every node is ready (see create-stateful-set.ts): make the broker's resources depend on it. */
  readonly ready: k8s.apps.v1.StatefulSet;
  /** Every resource by role (tests read these). */
  readonly resources: Readonly<Record<string, pulumi.Resource>>;

  constructor(name: string, plan: ClusterPlan, provider: k8s.Provider, opts?: pulumi.ComponentResourceOptions) {
    super('warren:kubernetes:RabbitCluster', name, {}, opts);
    const o = { parent: this, provider };
    const r: Record<string, pulumi.Resource> = {};
    const ns = plan.createNamespace
      ? (r.namespace = new k8s.core.v1.Namespace(`${name}/namespace`, { metadata: { name: plan.namespace, labels: { ...plan.labels } } }, { ...o, protect: plan.protect })).metadata.name
      : pulumi.output(plan.namespace);
    const meta = (objectName: string, extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}) =>
      ({ name: objectName, namespace: ns, labels: { ...plan.labels, ...extra.labels }, ...(extra.annotations ? { annotations: extra.annotations } : {}) });

    // A new cookie would split a rolling cluster; a new password would not reach RabbitMQ (first boot only).
    const password = new GeneratedSecret(`${name}/password`, { bytes: plan.secretBytes }, { parent: this, protect: plan.protect });
    const cookie = new GeneratedSecret(`${name}/cookie`, { bytes: plan.secretBytes }, { parent: this, protect: plan.protect });
    r.userSecret = new k8s.core.v1.Secret(`${name}/default-user`, { metadata: meta(plan.names.userSecret), type: 'kubernetes.io/basic-auth',
      stringData: { username: plan.username, password: password.value } }, o);
    r.cookieSecret = new k8s.core.v1.Secret(`${name}/erlang-cookie`, { metadata: meta(plan.names.cookieSecret), type: 'Opaque',
      stringData: { '.erlang.cookie': cookie.value } }, o);
    r.configMap = new k8s.core.v1.ConfigMap(`${name}/config`, { metadata: meta(plan.names.configMap), data: { ...plan.configFiles } }, o);
    Object.assign(r, this.peerDiscoveryAccess(name, plan, meta, o));
    const services = this.services(name, plan, meta, o);
    Object.assign(r, services);

    this.ready = createStatefulSet(`${name}/statefulset`, plan, {
      namespace: ns,
      serviceName: services.headless.metadata.name,
      dependsOn: [r.configMap, r.userSecret, r.cookieSecret, r.roleBinding!],
    }, { ...o, protect: plan.protect });
    r.statefulSet = this.ready;
    Object.assign(r, this.extras(name, plan, meta, ns, o));
    this.resources = r;
    // Known in preview (a URN is), resolved only once the nodes are ready, and
    // carrying the StatefulSet as a dependency: whatever connects through it waits.
    this.managementUrl = this.ready.urn.apply(() => plan.managementUrl);
    this.username = pulumi.output(plan.username);
    this.password = password.value;
    this.registerOutputs({ managementUrl: this.managementUrl, username: this.username, password: this.password });
  }

  /** Peer discovery up to RabbitMQ 4.0 lists the headless Service's endpoints and records events. */
  private peerDiscoveryAccess(name: string, plan: ClusterPlan, meta: Meta, o: pulumi.CustomResourceOptions) {
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}/service-account`, { metadata: meta(plan.names.serviceAccount) }, o);
    const role = new k8s.rbac.v1.Role(`${name}/role`, { metadata: meta(plan.names.role), rules: plan.rbacRules.map((rule) => ({
      apiGroups: [...rule.apiGroups], resources: [...rule.resources], verbs: [...rule.verbs] })) }, o);
    const roleBinding = new k8s.rbac.v1.RoleBinding(`${name}/role-binding`, {
      metadata: meta(plan.names.role),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount.metadata.name, namespace: serviceAccount.metadata.namespace }],
    }, o);
    return { serviceAccount, role, roleBinding };
  }

  /**
   * The headless Service gives each pod its stable DNS name, published before
   * the pod is ready (nodes must find each other to become ready). The client
   * Service is what applications and this program connect to.
   */
  private services(name: string, plan: ClusterPlan, meta: Meta, o: pulumi.CustomResourceOptions) {
    const ports = (list: ClusterPlan['clientPorts']) => list.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: 'TCP' }));
    const headless = new k8s.core.v1.Service(`${name}/headless`, { metadata: meta(plan.names.headless), spec: {
      clusterIP: 'None', publishNotReadyAddresses: true, selector: { ...plan.selector }, ports: ports(plan.headlessPorts) } }, o);
    const client = new k8s.core.v1.Service(`${name}/client`, { metadata: meta(plan.names.client, { annotations: { ...plan.service.annotations } }), spec: {
      type: plan.service.type, selector: { ...plan.selector }, ports: ports(plan.clientPorts) } }, o);
    return { headless, client };
  }

  private extras(name: string, plan: ClusterPlan, meta: Meta, ns: pulumi.Input<string>, o: pulumi.CustomResourceOptions): Record<string, pulumi.Resource> {
    const r: Record<string, pulumi.Resource> = {};
    const matchLabels = { ...plan.selector };
    if (plan.pdb) {
      r.pdb = new k8s.policy.v1.PodDisruptionBudget(`${name}/pdb`, { metadata: meta(plan.name), spec: { maxUnavailable: plan.pdb.maxUnavailable, selector: { matchLabels } } }, o);
    }
    if (plan.serviceMonitor) {
      const sm = plan.serviceMonitor;
      // Both Services carry the selector labels; only the client one has the metrics port the endpoint names.
      r.serviceMonitor = new k8s.apiextensions.CustomResource(`${name}/service-monitor`, {
        apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: meta(plan.name, { labels: { ...sm.labels } }),
        spec: { selector: { matchLabels }, namespaceSelector: { matchNames: [ns] }, endpoints: [{ port: sm.port, interval: sm.interval, path: '/metrics' }] },
      }, o);
    }
    if (plan.networkPolicy) {
      const np = plan.networkPolicy;
      const clients = np.allowFrom.length > 0 ? [{ from: structuredClone(np.allowFrom) as k8s.types.input.networking.v1.NetworkPolicyPeer[], ports: np.clientPorts.map((port) => ({ protocol: 'TCP', port })) }] : [];
      // Ingress only: egress stays open for DNS and (RabbitMQ ≤ 4.0) the Kubernetes API.
      r.networkPolicy = new k8s.networking.v1.NetworkPolicy(`${name}/network-policy`, { metadata: meta(plan.name), spec: {
        podSelector: { matchLabels }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels } }] }, ...clients] } }, o);
    }
    return r;
  }
}

type Meta = (objectName: string, extra?: { labels?: Record<string, string>; annotations?: Record<string, string> }) => k8s.types.input.meta.v1.ObjectMeta;
