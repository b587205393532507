// The stack config value `warren:cluster` (RabbitMQ deployed to Kubernetes) as
// a typed JSON Schema, the single source of truth for its shape and defaults.
// `ClusterConfig` is the value after defaults are filled in: fields with a
// `default` are required in the type, and `clusterInputSchema()` derives the
// schema a stack file is checked against, in which they may be left out.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The image when a stack names none. 4.x because the topology format targets
 * RabbitMQ 4 (classic mirroring and `ha-*` policies are gone, quorum queues
 * carry replication); 4.1 because its Kubernetes peer discovery is
 * deterministic (the pod with ordinal 0 seeds the cluster, the others join it,
 * no API query and no formation race). A minor series, not `4` or `latest`:
 * moving to the next minor needs its feature flags enabled first, so it must
 * be a deliberate change to the stack, never a side effect of a pod restart.
 */
export const DEFAULT_IMAGE = 'rabbitmq:4.1-management';

/** A Kubernetes object name (RFC 1123 label). */
const DNS_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const Closed = { additionalProperties: false } as const;

function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { default?: T[number]; description?: string } = {},
) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** `500m`, `1Gi`, `2`: checked by check-cluster (parseQuantity), which gives the precise code. */
function Quantity(description: string, defaultValue?: string) {
  return Type.Unsafe<string | number>({
    type: ['string', 'number'],
    description,
    ...(defaultValue ? { default: defaultValue } : {}),
  });
}

const Labels = Type.Record(Type.String(), Type.String());

const Resources = Type.Object(
  {
    requests: Type.Object(
      { cpu: Quantity('CPU request', '500m'), memory: Quantity('Memory request', '1Gi') },
      { ...Closed, default: {} },
    ),
    limits: Type.Object(
      {
        // No CPU limit by default: throttling stalls Erlang schedulers (and heartbeats) long before it saves anything.
        cpu: Type.Optional(Quantity('CPU limit (none by default)')),
        // RabbitMQ sizes its memory alarm from the container limit; without one it would read the whole node's memory.
        memory: Quantity('Memory limit', '1Gi'),
      },
      { ...Closed, default: {} },
    ),
  },
  { ...Closed, default: {} },
);

const Storage = Type.Object(
  {
    size: Quantity("Size of each node's persistent volume", '10Gi'),
    storageClass: Type.Optional(
      Type.String({ minLength: 1, description: 'Storage class; the cluster default when absent' }),
    ),
  },
  { ...Closed, default: {} },
);

const Service = Type.Object(
  {
    type: StringEnum(['ClusterIP', 'NodePort', 'LoadBalancer'] as const, { default: 'ClusterIP' }),
    annotations: Type.Record(Type.String(), Type.String(), { default: {} }),
    // Fixed node ports (firewall rules, a managementEndpoint known before the first `up`); Kubernetes picks the others.
    nodePorts: Type.Record(Type.String(), Type.Integer({ minimum: 30000, maximum: 32767 }), {
      default: {},
      description:
        'Node port per client port name (amqp, management, prometheus, amqps, management-tls, prometheus-tls); NodePort and LoadBalancer only',
    }),
  },
  { ...Closed, default: {} },
);

const TopologySpread = Type.Object(
  {
    topologyKey: Type.String({ minLength: 1, default: 'topology.kubernetes.io/zone' }),
    maxSkew: Type.Integer({ minimum: 1, default: 1 }),
    whenUnsatisfiable: StringEnum(['DoNotSchedule', 'ScheduleAnyway'] as const, { default: 'ScheduleAnyway' }),
  },
  Closed,
);

const SecurityContext = Type.Object(
  {
    // The official image's rabbitmq user and group.
    runAsUser: Type.Integer({ minimum: 1, default: 999 }),
    runAsGroup: Type.Integer({ minimum: 1, default: 999 }),
    fsGroup: Type.Integer({ minimum: 1, default: 999 }),
  },
  { ...Closed, default: {} },
);

const NetworkPeer = Type.Object(
  { namespaceSelector: Type.Optional(Labels), podSelector: Type.Optional(Labels) },
  { ...Closed, minProperties: 1, description: 'Who may reach the client ports: labels of namespaces and/or pods' },
);

/**
 * What a blue/green side may set for itself, merged by blue-green.ts over the cluster's own settings: shapes only and
 * no defaults here (a default would hide the cluster's own value); the side's whole config is then checked against
 * ClusterSchema itself.
 */
const SIDE_PROPERTIES = {
  image: Type.Optional(Type.String({ minLength: 1 })),
  replicas: Type.Optional(Type.Integer({ minimum: 1 })),
  resources: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  storage: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  service: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  managementEndpoint: Type.Optional(Type.String()),
  extraConfig: Type.Optional(Type.Array(Type.String())),
  plugins: Type.Optional(Type.Array(Type.String())),
};
export const SIDE_FIELDS = Object.keys(SIDE_PROPERTIES) as (keyof typeof SIDE_PROPERTIES)[];
const SideOverrides = (description: string) => Type.Object(SIDE_PROPERTIES, { ...Closed, description });

export const ClusterSchema = Type.Object(
  {
    namespace: Type.String({
      pattern: DNS_LABEL,
      maxLength: 63,
      description: 'Namespace of every object of the cluster',
    }),
    createNamespace: Type.Boolean({ default: true, description: 'Create the namespace (false: it exists already)' }),
    // 52: the StatefulSet controller adds a revision hash to a label value of at most 63 characters.
    name: Type.String({ pattern: DNS_LABEL, maxLength: 52, default: 'rabbitmq' }),
    replicas: Type.Integer({ minimum: 1, default: 1 }),
    image: Type.String({ minLength: 1, default: DEFAULT_IMAGE }),
    production: Type.Boolean({ default: false, description: 'Enforce the high-availability rules' }),
    resources: Resources,
    storage: Storage,
    service: Service,
    managementEndpoint: Type.Optional(
      Type.String({
        description:
          'URL at which this program reaches the management API (load balancer, ingress, port-forward); default: the in-cluster service',
      }),
    ),
    antiAffinity: Type.Optional(
      StringEnum(['required', 'preferred'] as const, {
        description: 'One node per Kubernetes host; default required in production, else preferred',
      }),
    ),
    topologySpread: Type.Optional(TopologySpread),
    // A week, as the RabbitMQ Cluster Operator: a stopping node waits until every quorum queue keeps a
    // majority without it, however long that takes. Pulumi gives up on its own (rolloutTimeoutMinutes).
    terminationGracePeriodSeconds: Type.Integer({
      minimum: 30,
      default: 604800,
      description: 'Time a stopping node may wait for quorum queues to keep a majority without it, then drain',
    }),
    // As the Cluster Operator: a new pod's own DNS name takes a while to resolve (negative answers are cached);
    // a node that boots before it does fails to find its peers and restarts.
    delayStartSeconds: Type.Integer({
      minimum: 0,
      default: 30,
      description: 'Wait before a node boots, for its DNS name to resolve',
    }),
    rolloutTimeoutMinutes: Type.Integer({
      minimum: 1,
      default: 30,
      description: 'How long `pulumi up` waits for the StatefulSet to be ready before it fails (the pods keep rolling)',
    }),
    // RabbitMQ's own default is 50 MB: far too little for a node to page messages out before the disk is full.
    diskFreeLimit: Quantity('Free disk below which the node blocks publishers (disk_free_limit.absolute)', '2G'),
    securityContext: SecurityContext,
    pdb: Type.Object({ maxUnavailable: Type.Integer({ minimum: 1, default: 1 }) }, { ...Closed, default: {} }),
    serviceMonitor: Type.Object(
      {
        enabled: Type.Boolean({ default: false }),
        interval: Type.String({ pattern: '^([0-9]+(ms|s|m|h))+$', default: '30s' }),
        labels: Type.Record(Type.String(), Type.String(), {
          default: {},
          description: 'Labels the Prometheus operator selects ServiceMonitors by',
        }),
      },
      { ...Closed, default: {} },
    ),
    networkPolicy: Type.Object(
      { enabled: Type.Boolean({ default: false }), allowFrom: Type.Array(NetworkPeer, { default: [] }) },
      { ...Closed, default: {} },
    ),
    tls: Type.Optional(
      Type.Object(
        {
          secretName: Type.String({
            pattern: DNS_LABEL,
            description: 'A kubernetes.io/tls Secret in the namespace (tls.crt, tls.key; ca.crt to verify clients)',
          }),
          plaintext: Type.Optional(
            Type.Boolean({
              description:
                'Keep the plaintext AMQP, management and metrics ports open besides TLS; default false in production, else true',
            }),
          ),
          verifyClients: Type.Optional(
            Type.Boolean({
              description:
                "Verify client certificates against the secret's ca.crt (clients without one still log in with a password); default true in production, else false",
            }),
          ),
        },
        Closed,
      ),
    ),
    extraConfig: Type.Array(Type.String(), { default: [], description: 'Further rabbitmq.conf lines (`key = value`)' }),
    plugins: Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), {
      default: [],
      description: 'Plugins to enable besides management, prometheus and peer discovery',
    }),
    // Blue/green (docs/kubernetes.md, "Blue/green"): two clusters behind one client Service.
    blue: Type.Optional(SideOverrides("The blue cluster (named like the stack's cluster)")),
    green: Type.Optional(SideOverrides('The green cluster (named `<name>-green`)')),
    active: StringEnum(['blue', 'green'] as const, {
      default: 'blue',
      description: 'The cluster the client Service `<name>` sends clients to',
    }),
    retireInactive: Type.Boolean({
      default: false,
      description: 'Remove the inactive cluster, once its queues are empty and nothing consumes from them',
    }),
  },
  Closed,
);

/** The cluster config with every default filled in. */
export type ClusterConfig = Static<typeof ClusterSchema>;

/** The schema a stack file's `warren:cluster` is checked against: fields with a default may be left out. */
export function clusterInputSchema(): object {
  return optionalDefaults(JSON.parse(JSON.stringify(ClusterSchema)) as TSchema);
}

function optionalDefaults(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (properties) {
    for (const property of Object.values(properties)) optionalDefaults(property);
    const required = ((schema.required as string[] | undefined) ?? []).filter(
      (k) => properties[k]?.default === undefined,
    );
    if (required.length > 0) schema.required = required;
    else delete schema.required;
  }
  if (schema.items) optionalDefaults(schema.items as Record<string, unknown>);
  return schema;
}
