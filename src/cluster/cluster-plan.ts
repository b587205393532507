// The cluster plan's shape: plain data shaped like the Kubernetes objects that
// run RabbitMQ (compile-cluster.ts makes it; cluster-manifests.ts and the
// Pulumi layer read it), and the ports it opens.
import type { ClusterConfig } from './cluster-schema.js';
import type { Side } from './blue-green.js';

export const PORTS = {
  amqp: 5672,
  amqps: 5671,
  management: 15672,
  managementTls: 15671,
  prometheus: 15692,
  prometheusTls: 15691,
  epmd: 4369,
  clustering: 25672,
} as const;

export type Labels = Readonly<Record<string, string>>;
export interface Port {
  readonly name: string;
  readonly port: number;
}
export interface Probe {
  readonly exec?: { readonly command: readonly string[] };
  readonly tcpSocket?: { readonly port: string };
  readonly httpGet?: { readonly path: string; readonly port: string; readonly scheme: 'HTTP' | 'HTTPS' };
  readonly initialDelaySeconds?: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
}
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly fieldRef?: { readonly fieldPath: string };
    readonly secretKeyRef?: { readonly name: string; readonly key: string };
  };
}
export interface Mount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}
export interface Volume {
  readonly name: string;
  readonly configMap?: { readonly name: string };
  readonly secret?: { readonly secretName: string; readonly defaultMode?: number };
  readonly emptyDir?: Record<string, never>;
  readonly downwardAPI?: {
    readonly items: readonly { readonly path: string; readonly fieldRef: { readonly fieldPath: string } }[];
  };
}
export interface AffinityTerm {
  readonly labelSelector: { readonly matchLabels: Labels };
  readonly topologyKey: string;
}
export interface NetworkPeer {
  readonly namespaceSelector?: { readonly matchLabels: Labels };
  readonly podSelector?: { readonly matchLabels: Labels };
}

export interface ClusterPlan {
  readonly name: string;
  /** One side of a blue/green pair: its client Service is its own (role `direct`), the pair's is apart. */
  readonly side?: Side;
  readonly namespace: string;
  readonly createNamespace: boolean;
  /**
   * Production: the namespace and StatefulSet are `protect`ed. Deleting the
   * namespace deletes the volumes, and replacing the StatefulSet (Kubernetes
   * cannot change volumeClaimTemplates in place) stops every node at once.
   */
  readonly protect: boolean;
  /** On every object. */
  readonly labels: Labels;
  /** Selects the pods; never changes for a cluster (StatefulSet selectors are immutable). */
  readonly selector: Labels;
  readonly names: {
    readonly headless: string;
    readonly client: string;
    readonly serviceAccount: string;
    readonly role: string;
    readonly configMap: string;
    readonly userSecret: string;
    readonly cookieSecret: string;
    readonly statefulSet: string;
  };
  readonly username: string;
  /** Random bytes behind the generated password and Erlang cookie. */
  readonly secretBytes: number;
  /** What peer discovery needs from the Kubernetes API (RabbitMQ ≤ 4.0; 4.1+ ignores it). */
  readonly rbacRules: readonly {
    readonly apiGroups: readonly string[];
    readonly resources: readonly string[];
    readonly verbs: readonly string[];
  }[];
  readonly configFiles: { readonly 'rabbitmq.conf': string; readonly enabled_plugins: string };
  readonly headlessPorts: readonly Port[];
  readonly clientPorts: readonly Port[];
  readonly service: {
    readonly type: ClusterConfig['service']['type'];
    readonly annotations: Labels;
    readonly nodePorts: Readonly<Record<string, number>>;
  };
  readonly statefulSet: StatefulSetPlan;
  readonly pdb?: { readonly maxUnavailable: number };
  readonly serviceMonitor?: {
    readonly interval: string;
    readonly labels: Labels;
    readonly port: string;
    /** Metrics over TLS when the plaintext port is closed: verified against the TLS secret's CA, for the client Service's name. */
    readonly tls?: { readonly secretName: string; readonly serverName: string };
  };
  readonly networkPolicy?: { readonly allowFrom: readonly NetworkPeer[]; readonly clientPorts: readonly number[] };
  readonly managementUrl: string;
}

export interface StatefulSetPlan {
  readonly replicas: number;
  readonly podAnnotations: Labels;
  readonly storage: { readonly size: string; readonly storageClass?: string };
  /**
   * How long Pulumi waits for the StatefulSet to be ready. Bounded on purpose
   * and far below the grace period: `pulumi up` fails while a stopping node
   * keeps waiting for its quorum queues, which is the safe side.
   */
  readonly timeouts: { readonly create: string; readonly update: string };
  readonly pod: PodPlan;
}

export interface PodPlan {
  readonly terminationGracePeriodSeconds: number;
  readonly securityContext: {
    readonly runAsUser: number;
    readonly runAsGroup: number;
    readonly fsGroup: number;
    readonly runAsNonRoot: true;
    readonly fsGroupChangePolicy: 'OnRootMismatch';
    readonly seccompProfile: { readonly type: 'RuntimeDefault' };
  };
  readonly containerSecurityContext: {
    readonly allowPrivilegeEscalation: false;
    readonly runAsNonRoot: true;
    readonly readOnlyRootFilesystem: true;
    readonly capabilities: { readonly drop: readonly string[] };
  };
  readonly antiAffinity: {
    readonly required?: readonly AffinityTerm[];
    readonly preferred?: readonly { readonly weight: number; readonly podAffinityTerm: AffinityTerm }[];
  };
  readonly topologySpread: readonly {
    readonly maxSkew: number;
    readonly topologyKey: string;
    readonly whenUnsatisfiable: string;
    readonly labelSelector: { readonly matchLabels: Labels };
  }[];
  readonly image: string;
  readonly resources: { readonly requests: Labels; readonly limits: Labels };
  readonly containerPorts: readonly Port[];
  readonly env: readonly EnvVar[];
  readonly volumes: readonly Volume[];
  readonly mounts: readonly Mount[];
  readonly initCommand: readonly string[];
  readonly initMounts: readonly Mount[];
  readonly startupProbe: Probe;
  readonly readinessProbe: Probe;
  readonly preStop: readonly string[];
}
