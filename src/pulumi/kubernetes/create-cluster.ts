// RabbitMQ itself on Kubernetes: each manifest of the cluster plan
// (cluster/cluster-manifests.ts) becomes a resource of @pulumi/kubernetes,
// all under this component, whose Kubernetes provider (the caller's
// `providers`, as for any component) they inherit. No checks here
// (check-cluster.ts ran before).
// Object names are fixed, not auto-named, so that DNS names (the nodes'
// identities) and volume claims stay the same for the life of the cluster.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as K8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ClusterGuardInputs } from '../../cluster/cluster-guard-rules.js';
import { clusterManifests, type Manifest, type Role } from '../../cluster/cluster-manifests.js';
import type { ClusterPlan } from '../../cluster/cluster-plan.js';
import { ClusterGuard } from './cluster-guard.js';
import { ClusterMaintenance } from './cluster-maintenance.js';
import type { KubeAccess } from './kube-access.js';
import { RolloutWait } from './rollout-wait.js';
import { GeneratedSecret } from './generated-secret.js';

export interface RabbitClusterOptions {
  /** The stack's own admin credentials (a secret store's); default: a generated password for the plan's user. */
  readonly credentials?: { readonly username?: string; readonly password: pulumi.Output<string> };
  /** warren:allow for the cluster: the one scale-down and the re-creation the stack permits. */
  readonly allow?: Pick<ClusterGuardInputs, 'allowScaleDownTo' | 'allowReplace' | 'allowUpgradeTo'>;
  /** This program reaches the management API: rebalance and enable feature flags after a roll, mark the cluster before deletion. */
  readonly maintain?: boolean;
  /** How the rollout wait reaches the Kubernetes API (kube-access.ts); undefined: it waits for nothing. */
  readonly kubeAccess?: pulumi.Input<KubeAccess | undefined>;
  /** The namespace, made outside the cluster (a blue/green pair's, shared by both sides). */
  readonly namespace?: pulumi.Resource;
}

type Factory = (name: string, args: never, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

// The Kubernetes SDK is loaded when a cluster is made, not when this module is: the library
// entry exports RabbitCluster, and stacks without a cluster need not pay for loading the SDK.
let loaded: typeof K8s | undefined;
const k8s = (): typeof K8s => (loaded ??= createRequire(import.meta.url)('@pulumi/kubernetes') as typeof K8s);

/** Resource name suffix and class per role. */
const KINDS: Record<Role, [string, Factory]> = {
  namespace: ['namespace', (n, a, o) => new (k8s().core.v1.Namespace)(n, a, o)],
  serviceAccount: ['service-account', (n, a, o) => new (k8s().core.v1.ServiceAccount)(n, a, o)],
  role: ['role', (n, a, o) => new (k8s().rbac.v1.Role)(n, a, o)],
  roleBinding: ['role-binding', (n, a, o) => new (k8s().rbac.v1.RoleBinding)(n, a, o)],
  userSecret: ['default-user', (n, a, o) => new (k8s().core.v1.Secret)(n, a, o)],
  cookieSecret: ['erlang-cookie', (n, a, o) => new (k8s().core.v1.Secret)(n, a, o)],
  configMap: ['config', (n, a, o) => new (k8s().core.v1.ConfigMap)(n, a, o)],
  headless: ['headless', (n, a, o) => new (k8s().core.v1.Service)(n, a, o)],
  client: ['client', (n, a, o) => new (k8s().core.v1.Service)(n, a, o)],
  direct: ['direct', (n, a, o) => new (k8s().core.v1.Service)(n, a, o)],
  statefulSet: ['statefulset', (n, a, o) => new (k8s().apps.v1.StatefulSet)(n, a, o)],
  pdb: ['pdb', (n, a, o) => new (k8s().policy.v1.PodDisruptionBudget)(n, a, o)],
  serviceMonitor: ['service-monitor', (n, a, o) => new (k8s().apiextensions.CustomResource)(n, a, o)],
  networkPolicy: ['network-policy', (n, a, o) => new (k8s().networking.v1.NetworkPolicy)(n, a, o)],
};

/** What each object needs to exist first (besides its namespace). */
const NEEDS: Partial<Record<Role, Role[]>> = {
  roleBinding: ['serviceAccount', 'role'],
  // The pods read config, secrets and RBAC at start; the headless Service gives them their names.
  statefulSet: ['configMap', 'userSecret', 'cookieSecret', 'roleBinding', 'headless'],
};

/**
 * Children are named `<cluster>/<role>` and get `{ parent: this }`, so they
 * inherit the Kubernetes provider given in `opts.providers` (as Topology's
 * children inherit its broker provider).
 */
export class RabbitCluster extends pulumi.ComponentResource {
  /** The management API as this program reaches it (managementEndpoint, else the in-cluster service); depends on `ready`. */
  readonly managementUrl: pulumi.Output<string>;
  readonly username: pulumi.Output<string>;
  /** The generated default user's password; a secret. */
  readonly password: pulumi.Output<string>;
  /**
   * Done when every node is ready: @pulumi/kubernetes awaits a StatefulSet
   * (ready, current and updated replicas equal spec.replicas, revisions equal),
   * so the broker's resources depend on it. (Typed as any resource: the
   * declarations then need no @pulumi/kubernetes, an optional peer.)
   */
  readonly ready: pulumi.CustomResource;
  /** Done when the roll is really complete (rollout-wait.ts): what connects to the nodes depends on it. */
  readonly rollout: RolloutWait;
  /** Every resource by role (tests read these). */
  readonly resources: Readonly<Record<string, pulumi.Resource>>;
  /** Rebalance and feature flags after a roll, the deletion marker (when `maintain`). */
  readonly maintenance?: ClusterMaintenance;

  constructor(name: string, plan: ClusterPlan, options: RabbitClusterOptions, opts?: pulumi.ComponentResourceOptions) {
    super('warren:kubernetes:RabbitCluster', name, {}, opts);
    // A new cookie would split a rolling cluster; a new password would not reach RabbitMQ (first boot only).
    const password =
      options.credentials?.password ??
      new GeneratedSecret(`${name}/password`, { bytes: plan.secretBytes }, { parent: this, protect: plan.protect })
        .value;
    const cookie = new GeneratedSecret(
      `${name}/cookie`,
      { bytes: plan.secretBytes },
      { parent: this, protect: plan.protect },
    );
    const username = options.credentials?.username ?? plan.username;
    // First of all: refuses a scale-down or re-creation the stack does not allow, before any object changes.
    const guard = new ClusterGuard(
      `${name}/guard`,
      {
        namespace: plan.namespace,
        name: plan.name,
        replicas: plan.statefulSet.replicas,
        storage: { ...plan.statefulSet.storage },
        image: plan.statefulSet.pod.image,
        // To ask the running nodes their version; the secrets above are random bytes, made before anything runs.
        connection: pulumi.secret({ url: plan.managementUrl, username, password }),
        allowReplace: options.allow?.allowReplace ?? false,
        ...(options.allow?.allowScaleDownTo !== undefined ? { allowScaleDownTo: options.allow.allowScaleDownTo } : {}),
        ...(options.allow?.allowUpgradeTo !== undefined ? { allowUpgradeTo: options.allow.allowUpgradeTo } : {}),
      },
      { parent: this },
    );
    const r: Partial<Record<Role, pulumi.CustomResource>> = {};
    const manifests = clusterManifests({ ...plan, username }, { password, cookie: cookie.value });
    for (const manifest of manifests)
      r[manifest.role] = this.create(
        name,
        manifest,
        plan,
        { ...r, ...(options.namespace ? { namespace: options.namespace } : {}) },
        guard,
      );
    this.resources = r as Record<string, pulumi.Resource>;
    this.ready = r.statefulSet!;
    // Plain data: the pods read the secrets from the Secrets, so the StatefulSet's spec holds none.
    const spec = manifests.find((m) => m.role === 'statefulSet')!.object.spec;
    const revision = createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
    this.rollout = new RolloutWait(
      `${name}/rollout`,
      {
        access: pulumi.secret(options.kubeAccess),
        namespace: plan.namespace,
        name: plan.name,
        revision,
        timeoutMinutes: Number.parseInt(plan.statefulSet.timeouts.update, 10),
      },
      { parent: this, dependsOn: [this.ready] },
    );
    // Known in preview (a URN is), resolved only once the roll is complete, and
    // carrying the rollout wait as a dependency: whatever connects through it waits.
    this.managementUrl = this.rollout.urn.apply(() => plan.managementUrl);
    this.username = pulumi.output(username);
    this.password = password;
    if (options.maintain) {
      const connection = pulumi.output({ url: this.managementUrl, username: this.username, password });
      this.maintenance = new ClusterMaintenance(
        `${name}/maintenance`,
        { connection, revision, namespace: plan.namespace, name: plan.name },
        { parent: this, dependsOn: [this.rollout] },
      );
    }
    this.registerOutputs({ managementUrl: this.managementUrl, username: this.username, password: this.password });
  }

  private create(
    name: string,
    m: Manifest,
    plan: ClusterPlan,
    made: Partial<Record<Role, pulumi.Resource>>,
    guard: ClusterGuard,
  ): pulumi.CustomResource {
    const [suffix, factory] = KINDS[m.role];
    const needs = [
      guard,
      ...[...(m.role === 'namespace' ? [] : ['namespace' as Role]), ...(NEEDS[m.role] ?? [])].flatMap((role) =>
        made[role] ? [made[role]!] : [],
      ),
    ];
    const protect = plan.protect && (m.role === 'namespace' || m.role === 'statefulSet');
    const timeouts =
      m.role === 'statefulSet'
        ? { customTimeouts: { create: plan.statefulSet.timeouts.create, update: plan.statefulSet.timeouts.update } }
        : {};
    return factory(`${name}/${suffix}`, forced(m.object) as never, {
      parent: this,
      dependsOn: needs,
      protect,
      ...timeouts,
    });
  }
}

/**
 * warren owns these objects the way an operator does: an edit made with
 * kubectl is drift, and the next `up` takes the fields back (server-side
 * apply would otherwise stop at the conflict with the editor's field manager).
 */
export function forced(object: Manifest['object']): Manifest['object'] {
  return {
    ...object,
    metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, 'pulumi.com/patchForce': 'true' } },
  };
}
