// The Pulumi program's entry point, and the one place stack config is read:
// loading this module registers the stack's resources (Pulumi.yaml runs it).
// What it calls is warren's library entry, src/index.ts, which runs nothing.
// Topology paths, overrides and allowances come from `warren:*` config; the
// broker password and users' passwords are secrets of the stack.
//   warren:topology        list of files/directories/globs (default: [topology/])
//   warren:overrides       per-environment differences (docs/pulumi.md, "Environments")
//   warren:allow           { recreate: [queue ids], delete: [queue ids], migrate: [queue ids, * any characters], destroyNonEmpty: true, scaleDownTo: replicas, replaceCluster: true }
//   warren:protectQueues   mark queues `protect` as well (default false)
//   warren:granularity     vhost (default): one resource per vhost for its exchanges, queues, bindings
//                          and policies; object: a resource per broker object (docs/pulumi.md, "Granularity")
//   warren:adopt           take over the broker's existing objects without re-creating them (docs/cli.md, "`warren import` and adopting a running broker")
//   warren:managementUrl, warren:managementUser, warren:managementPassword (secret)
//   warren:managementTls   { caFile, certFile, keyFile, insecure }: TLS towards the management API beyond the system's CAs
//   warren:<key>           (secret) the password of each user with { secret: <key> }, and each secret
//                          a federation upstream's or shovel's URI names ({ secret: <key> }, { uri, password: { secret: <key> } })
//   warren:cluster         RabbitMQ itself on Kubernetes (docs/kubernetes.md);
//                          the broker is then the cluster, reached with its generated credentials,
//                          or with warren:managementUser/managementPassword when the stack sets them
//   warren:kubeconfig      (secret, optional) kubeconfig contents or path; default: the ambient KUBECONFIG
//   warren:syncTopology    false: deploy only the cluster part (default true)
import { withMigrationPlugins } from '../cluster/migration-plugins.js';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import {
  adoptionIds,
  ambientKubeconfig,
  checkEnvironment,
  compileCluster,
  DEFAULT_GRANULARITY,
  hasQuorumQueues,
  quorumQueuesWithoutDeliveryLimit,
  kubeAccess,
  loadOrThrow,
  RabbitCluster,
  readSource,
  runError,
  secretKeys,
  Topology,
  validateCluster,
  type BrokerTls,
  type ClusterConfig,
  type KubeAccess,
  type RabbitClusterOptions,
  type TopologyOptions,
} from '../index.js';
import { type BlueGreenPlan, inactiveOf, SIDES, type Side } from '../cluster/blue-green.js';
import { deployBlueGreen, switchClients } from './kubernetes/deploy-blue-green.js';
import type { DrainQueue } from './kubernetes/drain-side.js';
import { readTlsFiles, type TlsFile } from '../broker/read-management.js';
import { readStackConfig } from './read-stack-config.js';

// What the program and its dynamic providers read from the environment, checked before anything else.
checkEnvironment(['WARREN_MAX_FILE_BYTES', 'WARREN_MANAGEMENT_TIMEOUT_MS']);
// Paths in config are relative to the project (where Pulumi.yaml is), whatever
// directory the language host starts the program in.
const root = projectRoot();
// WARREN_TIMING_FILE (npm run bench:engine): when each stage of the program ended, as JSON lines.
const timing = stageTimer(process.env.WARREN_TIMING_FILE);
const config = new pulumi.Config('warren');
const stackFile = join(root, 'stacks', `Pulumi.${pulumi.getStack()}.yaml`);
// Every warren:* setting but the secrets, checked against the config schema before anything else is read.
const settings = readStackConfig(config, stackFile);
const paths = (settings['warren:topology'] ?? ['topology/']).map((p) => (isAbsolute(p) ? p : join(root, p)));
const allow = settings['warren:allow'] ?? {};
const syncTopology = settings['warren:syncTopology'] ?? true;
const granularity = settings['warren:granularity'] ?? DEFAULT_GRANULARITY;
// warren:managementTls, read once (managementTls) whichever brokers use it.
let tlsRead: { readonly value: BrokerTls | undefined } | undefined;

// What the Topology component's files form does (load-or-throw.ts), with the cluster's diagnostics reported
// alongside the topology's: the cluster is registered before the topology, so both are checked first.
const { plan, checked: clusterCheck } = loadOrThrow(
  { files: paths, overrides: settings['warren:overrides'], overridesFile: stackFile, allow },
  {
    setting: 'warren:topology',
    check: (model) =>
      validateCluster(
        stackFile,
        settings['warren:cluster'],
        hasQuorumQueues(model),
        // The cluster's admin is the stack's user only when the stack brings a password (deployCluster).
        config.getSecret('managementPassword') === undefined ? undefined : settings['warren:managementUser'],
        quorumQueuesWithoutDeliveryLimit(model),
      ),
  },
);
timing('planned');

// Queue migrations move messages with dynamic shovels: a cluster whose topology may migrate gets the plugin.
// A blue/green pair (docs/kubernetes.md, "Blue/green") deploys its running sides instead of one cluster.
const pair = clusterCheck?.blueGreen ? await deployPair(clusterCheck.cluster!, clusterCheck.blueGreen) : undefined;
const cluster =
  clusterCheck?.cluster && !pair ? await deployCluster(withMigrationPlugins(clusterCheck.cluster, plan)) : undefined;

/** Each broker the topology goes to: the stack's one, or each running side of a pair (blue's keeps the old name). */
const targets: { name: string; side?: Side; broker: TopologyOptions['broker'] }[] = pair
  ? SIDES.filter((side) => pair.clusters[side]).map((side) => ({
      name: side === 'blue' ? 'topology' : `topology-${side}`,
      side,
      broker: clusterBroker(pair.clusters[side]!),
    }))
  : [{ name: 'topology', broker: brokerConnection() }];
const topologies: { side?: Side; topology: Topology }[] = [];
if (syncTopology) {
  const secrets = Object.fromEntries(
    secretKeys(plan).map((key) => [
      key,
      key.includes(':')
        ? new pulumi.Config(key.split(':')[0]).requireSecret(key.split(':').slice(1).join(':'))
        : config.requireSecret(key),
    ]),
  );
  const adopt = await adoption();
  for (const target of targets)
    topologies.push({
      ...(target.side ? { side: target.side } : {}),
      topology: Topology.fromPlan(target.name, plan, {
        broker: target.broker,
        secrets,
        protectQueues: settings['warren:protectQueues'] ?? false,
        destroyNonEmpty: allow.destroyNonEmpty === true,
        granularity,
        // Stacks deployed before children were named after their topology keep their resources (create-topology.ts).
        aliasUnprefixed: target.name === 'topology',
        ...adopt,
      }),
    });
}
if (pair) {
  const on = (side: Side) => topologies.filter((t) => t.side === side).map((t) => t.topology);
  const queues = plan.entries.flatMap((e) =>
    e.kind === 'queue' && e.queueType !== 'stream' ? [{ vhost: e.vhost, name: e.name }] : [],
  );
  pair.switchClients(queues, on(pair.active), on(inactiveOf(pair.active)));
}
const topology = topologies[0]?.topology;
timing('registered');
process.once('exit', () => timing('exit', { maxRssKiB: process.resourceUsage().maxRSS }));

export const managedObjects = plan.entries.length;
export const queues = Object.keys(plan.guard.queues);
// Outputs a stack does not have are null, not undefined (Pulumi warns about undefined outputs).
export const guard = topology?.guard.urn ?? null;
export const clusterManagementUrl = (pair ? pair.clusters[pair.active] : cluster)?.managementUrl ?? null;

/** RabbitMQ on Kubernetes; the Kubernetes SDK is loaded only by stacks that have a cluster. */
async function deployCluster(c: ClusterConfig): Promise<RabbitCluster> {
  const { provider } = await kubernetes();
  return new RabbitCluster('rabbitmq', compileCluster(c), clusterOptions(), { providers: [provider] });
}

/** A blue/green pair: its sides now, the client Service and drains once the topologies are registered. */
async function deployPair(top: ClusterConfig, bluegreen: BlueGreenPlan) {
  const { k8s, provider } = await kubernetes();
  const deployed = deployBlueGreen(top, bluegreen, clusterOptions(), provider, k8s);
  return {
    ...deployed,
    switchClients: (queues: DrainQueue[], activeReady: pulumi.Resource[], inactiveReady: pulumi.Resource[]) =>
      switchClients(top, deployed, queues, activeReady, inactiveReady, provider, k8s),
  };
}

/** The Kubernetes SDK and the stack's provider (warren:kubeconfig, else the ambient one). */
async function kubernetes() {
  const k8s = await import('@pulumi/kubernetes');
  // ConfigMaps and Secrets updated in place: the provider would otherwise replace the (fixed-name) object,
  // deleting it for a moment under pods that may be restarting (a credential rotation changes the Secret).
  const provider = new k8s.Provider('kubernetes', {
    kubeconfig: config.getSecret('kubeconfig'),
    enableConfigMapMutable: true,
    enableSecretMutable: true,
  });
  return { k8s, provider };
}

/** What every cluster of the stack is given: the rollout wait's access, the stack's credentials, its allowances. */
function clusterOptions(): RabbitClusterOptions {
  const password = config.getSecret('managementPassword');
  const kubeconfig = config.getSecret('kubeconfig');
  return {
    kubeAccess: pulumi.output(kubeconfig).apply((text) => accessFor(text)),
    // The stack's own admin credentials, when it brings them (e.g. from a secret store); else generated.
    ...(password ? { credentials: { username: settings['warren:managementUser'], password } } : {}),
    allow: {
      allowReplace: allow.replaceCluster === true,
      ...(allow.scaleDownTo !== undefined ? { allowScaleDownTo: allow.scaleDownTo } : {}),
      ...(allow.upgradeTo !== undefined ? { allowUpgradeTo: allow.upgradeTo } : {}),
    },
    maintain: syncTopology,
  };
}

/**
 * The rollout wait's way to the Kubernetes API, from warren:kubeconfig (its
 * contents or a file's path) or the ambient kubeconfig; undefined, with a
 * warning, when its credentials come from a helper program.
 */
function accessFor(configured: string | undefined): KubeAccess | undefined {
  const fromFile = configured !== undefined && !configured.includes('\n') && existsSync(configured);
  const found =
    configured === undefined
      ? ambientKubeconfig()
      : fromFile
        ? { text: readFileSync(configured, 'utf8'), base: dirname(configured) }
        : { text: configured };
  const { access, reason } =
    found.text === undefined ? { reason: 'no kubeconfig found' } : kubeAccess(found.text, found.base);
  if (!access)
    pulumi.log.warn(
      `pulumi up may finish before a roll of the StatefulSet is complete: ${reason} (the rollout wait needs a certificate or token)`,
    );
  return access;
}

/** The broker the topology goes to: the stack's cluster (its URL waits for the nodes to be ready), else warren:managementUrl. */
function brokerConnection(): TopologyOptions['broker'] {
  if (cluster) return clusterBroker(cluster);
  const tls = managementTls();
  return {
    url: required('managementUrl'),
    username: required('managementUser'),
    password: config.requireSecret('managementPassword'),
    ...(tls ? { tls } : {}),
  };
}

/** A cluster of the stack as the topology's broker: its URL waits for the nodes to be ready. */
function clusterBroker(c: RabbitCluster): TopologyOptions['broker'] {
  const tls = managementTls();
  return {
    url: c.managementUrl,
    username: c.username,
    password: c.password,
    ready: c.rollout,
    ...(tls ? { tls } : {}),
  };
}

/**
 * warren:managementTls: the files are checked and read here (bounded, regular
 * files only), so that a wrong path stops the program before anything is
 * registered, with the key named; the key's text then lives only in secret
 * state (the dynamic providers' connection is a secret output).
 */
function managementTls(): BrokerTls | undefined {
  tlsRead ??= { value: readManagementTls() };
  return tlsRead.value;
}

function readManagementTls(): BrokerTls | undefined {
  const value = settings['warren:managementTls'];
  if (value === undefined) return undefined;
  // Its fields, by the TLS file each names (a local: the program's top level calls this before any later const).
  const TLS_FIELDS = [
    ['ca', 'caFile'],
    ['cert', 'certFile'],
    ['key', 'keyFile'],
  ] as const;
  const files: Partial<Record<TlsFile, string>> = {};
  for (const [file, field] of TLS_FIELDS) {
    const path = value[field];
    if (path !== undefined) files[file] = path;
  }
  // Bounded, regular files only (readSource), as the topology's own files.
  const read = (path: string) => {
    const r = readSource(path);
    if ('problem' in r) throw new Error(r.problem.message);
    return r.text;
  };
  const fieldOf = (file: TlsFile) => TLS_FIELDS.find(([f]) => f === file)![1];
  const tls = readTlsFiles(files, value.insecure === true, read, (file) => `warren:managementTls.${fieldOf(file)}`);
  if ('error' in tls) throw runError(tls.error);
  return { files, settings: tls };
}

/** A text setting the stack must have (the schema has checked its type); Pulumi's own message when it is missing. */
function required(name: 'managementUrl' | 'managementUser'): string {
  return settings[`warren:${name}`] ?? config.require(name);
}

/** `warren:adopt`: read the broker before any resource exists; the password is used for that request only. */
async function adoption(): Promise<Pick<TopologyOptions, 'adopt'>> {
  if (settings['warren:adopt'] !== true) return {};
  if (cluster || pair)
    throw runError('warren:adopt takes over an existing broker; it cannot be combined with warren:cluster');
  const tls = managementTls();
  const connection = {
    url: required('managementUrl'),
    username: required('managementUser'),
    password: config.require('managementPassword'),
    ...(tls ? { tls: tls.settings } : {}),
  };
  return { adopt: await adoptionIds(plan, connection) };
}

/** A no-op unless `file` is set: appends `{ stage, at }` (epoch ms) lines, the first at the program's start. */
function stageTimer(file: string | undefined): (stage: string, extra?: object) => void {
  if (!file) return () => undefined;
  const line = (stage: string, at: number, extra?: object) =>
    appendFileSync(file, `${JSON.stringify({ stage, at, ...extra })}\n`);
  const write = (stage: string, extra?: object) => line(stage, performance.timeOrigin + performance.now(), extra);
  // The process's start, then the end of module loading (this line runs after every import).
  line('process', performance.timeOrigin);
  write('loaded');
  return write;
}

/** The directory of Pulumi.yaml. */
function projectRoot(): string {
  try {
    const dir = pulumi.runtime.getRootDirectory();
    if (dir) return dir;
  } catch {
    // Older language hosts do not pass it; fall through.
  }
  throw runError('the language host did not say where the project is (Pulumi.yaml)');
}
