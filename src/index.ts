// The library entry: warren's stages and its Pulumi components, for programs
// of one's own. Importing it runs nothing: no config is read and no resource
// registered (the Kubernetes SDK is loaded only when a RabbitCluster is made).
// warren's own program, src/pulumi/index.ts (what Pulumi.yaml runs), is the
// side-effecting entry: it reads the stack's config and calls these.

// The pipeline: files (or texts) → one model, with diagnostics (never thrown) → the plan, when valid.
export { findFiles, type FoundFiles } from './load/find-files.js';
export { readSource, type ReadResult } from './load/read-source.js';
export {
  CODE_OVERRIDES,
  loadTopology,
  type Checked,
  type LoadedTopology,
  type Overrides,
  type TopologyFiles,
  type TopologyInput,
} from './load-topology.js';
export { hasQuorumQueues, quorumQueuesWithoutDeliveryLimit, type TopologyModel } from './model/topology-model.js';
export type { Diagnostic } from './diagnostics/diagnostic.js';
export type { Code, Severity } from './diagnostics/codes.js';
export { formatDiagnostics, type Format } from './diagnostics/format-diagnostics.js';

// Plan: plain data, what the Topology component registers.
export { compilePlan, NO_ALLOWANCES } from './plan/compile-plan.js';
export { secretKeys } from './plan/secret-keys.js';
export type * from './plan/plan-types.js';

// RabbitMQ on Kubernetes (warren:cluster): check and plan.
export { validateCluster, type ClusterValidation } from './cluster/check-cluster.js';
export type { ClusterPlan } from './cluster/cluster-plan.js';
export { compileCluster } from './cluster/compile-cluster.js';
export type { ClusterConfig } from './cluster/cluster-schema.js';

// The Pulumi components, and what the program uses to drive them. `new Topology(name, { files, … })`
// loads as the program does: loadOrThrow (loadTopology, then validateOrThrow).
export {
  DEFAULT_GRANULARITY,
  Topology,
  type BrokerTls,
  type Granularity,
  type Registered,
  type TopologyArgs,
  type TopologyFilesArgs,
  type TopologyOptions,
  type TopologyPlanArgs,
} from './pulumi/create-topology.js';
export {
  loadOrThrow,
  type LoadOptions,
  type PlannedTopology,
  type TopologyAllowances,
  type TopologySource,
} from './pulumi/load-or-throw.js';
export { checkEnvironment, runError, validateOrThrow } from './pulumi/validate-or-throw.js';
export { adoptionIds } from './pulumi/adoption.js';
export { RabbitCluster, type RabbitClusterOptions } from './pulumi/kubernetes/create-cluster.js';
export { ambientKubeconfig, kubeAccess, type KubeAccess } from './pulumi/kubernetes/kube-access.js';
