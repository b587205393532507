// Checks of a stack's `warren:cluster` (RabbitMQ on Kubernetes), before any
// Kubernetes object is planned: the schema, then the rules a schema cannot
// say (quantities, high availability, disruption budget, config conflicts).
// Findings point into the stack file under CLUSTER_POINTER, like overrides.
import { closestName } from '../diagnostics/closest-name.js';
import { translateAjvError } from '../check/translate-ajv-error.js';
import { at, finding, parsePointer, type Diagnostic, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { type BlueGreenPlan, inactiveOf, isBlueGreen, SIDES, type Side, sideInput } from './blue-green.js';
import { compareVersions, imageVersion } from './upgrade-paths.js';
import { locateInFile } from '../load/locate-findings.js';
import { CONFIG_POINTER } from '../format/stack-settings.js';
import { loadValidator } from '../format/validator-file.js';
import type { ClusterConfig } from './cluster-schema.js';
import { parseQuantity } from '../units/parse-quantity.js';
import { clientPortsOf } from './compile-cluster.js';
import { MANAGED_CONFIG_PREFIXES, managedConfigKeys, tlsMode } from './render-rabbitmq-conf.js';

/** Where the cluster config stands in a Pulumi stack file. */
export const CLUSTER_POINTER = '/config/warren:cluster';

export interface ClusterValidation {
  readonly diagnostics: Diagnostic[];
  readonly valid: boolean;
  /** The config with defaults filled in; absent when the stack has none (no cluster) or it is invalid. */
  readonly cluster?: ClusterConfig;
  /** Blue/green (a `green` section): each side's config, the active and the retiring side. */
  readonly blueGreen?: BlueGreenPlan;
}

/**
 * `value` is the stack's `warren:cluster` as Pulumi config hands it over
 * (undefined: this stack deploys no cluster). Quorum queues in the topology
 * make an even replica count a warning outside production.
 */
export function validateCluster(
  stackFile: string,
  value: unknown,
  topologyHasQuorumQueues: boolean,
  /** The user name of the admin credentials the stack brings (warren:managementUser with a managementPassword). */
  adminUser?: string,
  /** `vhost/name` of the topology's quorum queues without a deliveryLimit (a pair across RabbitMQ 4.0 warns of them). */
  unlimitedQuorumQueues: readonly string[] = [],
): ClusterValidation {
  if (value === undefined) return { diagnostics: [], valid: true };
  const root: Source = { file: stackFile, pointer: CLUSTER_POINTER };
  // Compiled at build time with useDefaults, which fills the defaults in: so work on a copy.
  const compiled = loadValidator('cluster');
  const data = structuredClone(value);
  const top = compiled(data) ? (data as ClusterConfig) : undefined;
  const pair =
    top && isBlueGreen(top)
      ? checkSides(root, value as Record<string, unknown>, top, topologyHasQuorumQueues, unlimitedQuorumQueues)
      : undefined;
  const findings = top
    ? unique([
        ...checkRules(root, value, top, topologyHasQuorumQueues),
        ...checkAdmin(stackFile, top, adminUser),
        ...checkPairless(root, value, top),
        ...(pair?.findings ?? []),
      ])
    : (compiled.errors ?? []).map((e) => translateAjvError(root, e));
  const diagnostics = locateInFile(findings, stackFile);
  const valid = !diagnostics.some((d) => d.severity === 'error');
  return {
    diagnostics,
    valid,
    ...(valid ? { cluster: top! } : {}),
    ...(valid && pair?.plan ? { blueGreen: pair.plan } : {}),
  };
}

/** Settings of a blue/green pair given to a stack without a green cluster. */
function checkPairless(root: Source, input: unknown, c: ClusterConfig): Finding[] {
  if (isBlueGreen(c)) return [];
  const stray = [
    ...(c.blue !== undefined ? ['blue'] : []),
    ...(c.active === 'green' ? ['active'] : []),
    ...(c.retireInactive ? ['retireInactive'] : []),
  ].filter((key) => has(input, [key]));
  return stray.map((key) =>
    finding(
      'cluster-blue-green',
      at(root, key),
      `\`${key}\` belongs to a blue/green pair: add the green cluster (warren:cluster.green, with its image) first`,
      // A section is named by its key; a setting by its value.
      key === 'blue' ? { target: 'key' } : {},
    ),
  );
}

/**
 * Each side of a blue/green pair is a whole cluster: its merged config (blue-green.ts) is checked as the top-level
 * one is, a finding about a setting the side spells pointing into its section, one about an inherited setting at
 * the top-level one (where the same finding stands once). Then what only a pair has: node ports given once, and
 * a green side the drains can reach over plaintext AMQP.
 */
function checkSides(
  root: Source,
  input: Record<string, unknown>,
  top: ClusterConfig,
  quorumQueues: boolean,
  unlimited: readonly string[],
): { findings: Finding[]; plan?: BlueGreenPlan } {
  const compiled = loadValidator('cluster');
  const findings: Finding[] = [];
  const sides: Partial<Record<Side, ClusterConfig>> = {};
  for (const side of SIDES) {
    const raw = sideInput(input, side);
    const own = (input[side] ?? {}) as Record<string, unknown>;
    // A token path the side spells is the side's; anything else is the top-level's.
    const relocate = (f: Finding): Finding => {
      const tokens = parsePointer(f.pointer.slice(root.pointer.length));
      return tokens.length > 0 && has(own, [tokens[0]!]) ? { ...f, pointer: at(at(root, side), ...tokens).pointer } : f;
    };
    const data = structuredClone(raw);
    if (!compiled(data)) {
      findings.push(...(compiled.errors ?? []).map((e) => relocate(translateAjvError(root, e))));
      continue;
    }
    sides[side] = data as ClusterConfig;
    findings.push(...checkRules(root, raw, data as ClusterConfig, quorumQueues).map(relocate));
  }
  findings.push(...checkPairPorts(root, input, top, sides));
  if (sides.green && !tlsMode(sides.green).plaintext)
    findings.push(
      finding(
        'cluster-blue-green',
        at(root, 'green', ...(has(input, ['green', 'tls']) ? ['tls'] : [])),
        'the drains move messages to the green cluster over its plaintext AMQP port inside Kubernetes: keep it open (tls.plaintext: true) while both clusters run',
      ),
    );
  if (!sides.blue || !sides.green) return { findings };
  findings.push(...checkAcrossFour(root, input, { blue: sides.blue, green: sides.green }, unlimited));
  return {
    findings,
    plan: {
      active: top.active,
      ...(top.retireInactive ? { retiring: inactiveOf(top.active) } : {}),
      sides: { blue: sides.blue, green: sides.green },
    },
  };
}

/**
 * RabbitMQ 4.0 gives a quorum queue without a delivery limit one of 20 (rabbitmq-server 4.0 release notes): a pair
 * whose sides stand either side of 4.0 runs the same topology with two behaviours. Said at the newer side's image.
 */
function checkAcrossFour(
  root: Source,
  input: Record<string, unknown>,
  sides: Record<Side, ClusterConfig>,
  unlimited: readonly string[],
): Finding[] {
  const FOUR = { major: 4, minor: 0 };
  const versions = SIDES.map((side) => ({ side, version: imageVersion(sides[side].image) }));
  if (unlimited.length === 0 || versions.some((v) => v.version === undefined)) return [];
  const [older, newer] = [...versions].sort((a, b) => compareVersions(a.version!, b.version!));
  if (compareVersions(older!.version!, FOUR) >= 0 || compareVersions(newer!.version!, FOUR) < 0) return [];
  const shown = `${unlimited.slice(0, 5).join(', ')}${unlimited.length > 5 ? ` and ${unlimited.length - 5} more` : ''}`;
  const name = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;
  return [
    finding(
      'cluster-version-change',
      at(root, ...(has(input, [newer!.side, 'image']) ? [newer!.side] : []), 'image'),
      `RabbitMQ ${name(newer!.version!)} (the ${newer!.side} side) gives a quorum queue without deliveryLimit a limit of 20 deliveries (a message redelivered more often is dead-lettered, or dropped without a dead-letter exchange); ${name(older!.version!)} gives none: ${unlimited.length} quorum queue(s) behave otherwise on the two sides (${shown}). Set their deliveryLimit, unless a policy sets delivery-limit`,
    ),
  ];
}

/** The client Service's node ports and each side's own: every port once (Kubernetes refuses a port in use). */
function checkPairPorts(
  root: Source,
  input: Record<string, unknown>,
  top: ClusterConfig,
  sides: Partial<Record<Side, ClusterConfig>>,
): Finding[] {
  const seen = new Map<number, string>();
  const out: Finding[] = [];
  const owners: [string[], Record<string, number>][] = [
    [['service'], top.service.nodePorts],
    ...SIDES.flatMap((side): [string[], Record<string, number>][] =>
      sides[side] && has(input, [side, 'service']) ? [[[side, 'service'], sides[side]!.service.nodePorts]] : [],
    ),
  ];
  for (const [path, ports] of owners)
    for (const [name, port] of Object.entries(ports)) {
      const other = seen.get(port);
      const here = [...path, 'nodePorts', name].join('.');
      if (other && other.split('.')[0] !== path[0])
        out.push(
          finding(
            'cluster-blue-green',
            at(root, ...path, 'nodePorts', name),
            `node port ${port} is already ${other}'s`,
          ),
        );
      seen.set(port, here);
    }
  return out;
}

/** A finding an inherited setting gives on the top-level and on each side stands once. */
function unique(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}\0${f.pointer}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The cluster's admin is the stack's own user when it brings credentials. RabbitMQ lets `guest` log in from the
 * node itself only (`loopback_users`, by default), so a cluster whose admin is guest answers warren's maintenance,
 * upgrade guard and topology sync with 401, after it is created. Unless the stack's extraConfig lifts that.
 */
function checkAdmin(stackFile: string, c: ClusterConfig, adminUser: string | undefined): Finding[] {
  if (adminUser !== 'guest' || c.extraConfig.some((line) => /^\s*loopback_users\b/.test(line))) return [];
  return [
    finding(
      'cluster-guest-admin',
      { file: stackFile, pointer: `${CONFIG_POINTER}/warren:managementUser` },
      "guest may log in to RabbitMQ only from the node itself (loopback_users), so warren could not reach the cluster it creates: set warren:managementUser to another name (the cluster's admin is made with it)",
    ),
  ];
}

function checkRules(root: Source, input: unknown, c: ClusterConfig, quorumQueues: boolean): Finding[] {
  // A rule about a defaulted value points at the first of its places the stack file spells out.
  const place = (...paths: string[][]): Source => at(root, ...(paths.find((p) => has(input, p)) ?? []));
  return [
    ...checkQuantities(root, c),
    ...checkReplicas(place, c, quorumQueues),
    ...checkBudget(place, c),
    ...checkPlacement(place, c),
    ...checkConfigLines(root, c),
    ...checkEndpoint(root, c),
    ...checkNodePorts(root, c),
  ];
}

type Place = (...paths: string[][]) => Source;

function checkQuantities(root: Source, c: ClusterConfig): Finding[] {
  const out: Finding[] = [];
  const values: [string[], string | number | undefined][] = [
    [['resources', 'requests', 'cpu'], c.resources.requests.cpu],
    [['resources', 'requests', 'memory'], c.resources.requests.memory],
    [['resources', 'limits', 'cpu'], c.resources.limits.cpu],
    [['resources', 'limits', 'memory'], c.resources.limits.memory],
    [['storage', 'size'], c.storage.size],
    [['diskFreeLimit'], c.diskFreeLimit],
  ];
  for (const [path, value] of values) {
    if (value !== undefined && parseQuantity(value) === undefined)
      out.push(
        finding(
          'invalid-quantity',
          at(root, ...path),
          'not a Kubernetes quantity: use a positive number with an optional suffix such as m, Ki, Mi, Gi, k, M, G (e.g. 500m, 1Gi)',
        ),
      );
  }
  if (out.length > 0) return out;
  for (const resource of ['cpu', 'memory'] as const) {
    const request = c.resources.requests[resource];
    const limit = c.resources.limits[resource];
    if (limit !== undefined && parseQuantity(request)! > parseQuantity(limit)!) {
      out.push(
        finding(
          'cluster-request-over-limit',
          at(root, 'resources', 'limits', resource),
          `the ${resource} limit ${limit} is below the request ${request}; Kubernetes would reject the pods`,
        ),
      );
    }
  }
  // The alarm blocks every publisher while free disk is under the limit: on a volume no larger, from the first message on.
  if (parseQuantity(c.diskFreeLimit)! >= parseQuantity(c.storage.size)!) {
    out.push(
      finding(
        'cluster-disk-free-limit',
        at(root, 'diskFreeLimit'),
        `diskFreeLimit ${c.diskFreeLimit} is not below the volume size ${c.storage.size}: the disk alarm would block publishers from the start`,
      ),
    );
  }
  return out;
}

/**
 * Production: always an odd number of at least 3, whatever the topology holds
 * today. Quorum queues, streams and RabbitMQ 4's Raft-based metadata store all
 * need a majority; an even count adds a node that tolerates no further
 * failure; and a queue can turn quorum in any later change without anyone
 * revisiting the cluster size.
 */
function checkReplicas(place: Place, c: ClusterConfig, quorumQueues: boolean): Finding[] {
  const where = place(['replicas'], ['production']);
  if (c.production && (c.replicas < 3 || c.replicas % 2 === 0)) {
    return [
      finding(
        'cluster-replicas',
        where,
        `production needs an odd number of replicas, at least 3 (has ${c.replicas}): a majority must survive the loss of a node`,
      ),
    ];
  }
  if (!c.production && quorumQueues && c.replicas % 2 === 0) {
    return [
      finding(
        'cluster-even-replicas',
        where,
        `${c.replicas} replicas with quorum queues tolerate no more failures than ${c.replicas - 1}`,
      ),
    ];
  }
  return [];
}

function checkBudget(place: Place, c: ClusterConfig): Finding[] {
  // With one replica no budget is created (it could only block node drains).
  if (c.replicas < 2) return [];
  const where = place(['pdb', 'maxUnavailable'], ['replicas']);
  const { maxUnavailable } = c.pdb;
  if (maxUnavailable >= c.replicas) {
    return [
      finding(
        'cluster-pdb',
        where,
        `maxUnavailable ${maxUnavailable} lets voluntary disruptions (node drains) stop all ${c.replicas} nodes`,
      ),
    ];
  }
  const minority = Math.floor((c.replicas - 1) / 2);
  if (c.production && maxUnavailable > minority) {
    return [
      finding(
        'cluster-pdb',
        where,
        `maxUnavailable ${maxUnavailable} lets node drains take the majority of ${c.replicas} nodes; at most ${minority}`,
      ),
    ];
  }
  return [];
}

function checkPlacement(place: Place, c: ClusterConfig): Finding[] {
  const out: Finding[] = [];
  if (c.production && c.antiAffinity === 'preferred') {
    out.push(
      finding(
        'cluster-soft-anti-affinity',
        place(['antiAffinity']),
        'with preferred anti-affinity two nodes may share a Kubernetes host, and losing that host may lose the majority',
      ),
    );
  }
  if (c.production && c.service.type !== 'ClusterIP' && tlsMode(c).plaintext) {
    out.push(
      finding(
        'cluster-plaintext-exposed',
        place(['tls', 'plaintext'], ['tls'], ['service', 'type']),
        `production exposes plaintext AMQP and management ports through a ${c.service.type} Service: passwords cross the network in clear; configure tls (plaintext: false)`,
      ),
    );
  }
  // A tag naming at least a minor version, or a digest; `4-management`, `management` and `latest` move.
  if (!/(:v?[0-9]+\.[0-9]+[^/:]*|@sha256:[0-9a-f]{64})$/.test(c.image)) {
    out.push(
      finding(
        'cluster-image-unpinned',
        place(['image']),
        `pin the image to a version (e.g. rabbitmq:4.1-management): \`${c.image}\` can change RabbitMQ version on any pod restart`,
      ),
    );
  }
  return out;
}

const CONFIG_LINE = /^\s*([A-Za-z0-9_.$-]+)\s*=\s*\S.*$/;

function checkConfigLines(root: Source, c: ClusterConfig): Finding[] {
  const managed = managedConfigKeys(c);
  const out: Finding[] = [];
  c.extraConfig.forEach((line, i) => {
    if (/^\s*(#.*)?$/.test(line)) return;
    const key = CONFIG_LINE.exec(line)?.[1];
    const where = at(root, 'extraConfig', i);
    if (key === undefined)
      out.push(finding('cluster-config-conflict', where, 'not a rabbitmq.conf line: write `key = value`'));
    else if (managed.has(key) || MANAGED_CONFIG_PREFIXES.some((p) => key.startsWith(p)))
      out.push(
        finding(
          'cluster-config-conflict',
          where,
          `\`${key}\` is set by warren from the cluster config${key.startsWith('disk_free_limit.') ? ' (use diskFreeLimit)' : ' (peer discovery, listeners, TLS)'}; setting it here would contradict it`,
        ),
      );
  });
  return out;
}

function checkEndpoint(root: Source, c: ClusterConfig): Finding[] {
  if (c.managementEndpoint === undefined) return [];
  let ok = false;
  try {
    ok = ['http:', 'https:'].includes(new URL(c.managementEndpoint).protocol);
  } catch {
    ok = false;
  }
  return ok
    ? []
    : [
        finding(
          'invalid-value',
          at(root, 'managementEndpoint'),
          'must be an http:// or https:// URL of the management API',
        ),
      ];
}

/** Node ports name client ports the Service has, on a Service type that has node ports, each port once. */
function checkNodePorts(root: Source, c: ClusterConfig): Finding[] {
  const names = clientPortsOf(c).map((p) => p.name);
  const seen = new Map<number, string>();
  return Object.entries(c.service.nodePorts).flatMap(([name, port]) => {
    const where = at(root, 'service', 'nodePorts', name);
    if (c.service.type === 'ClusterIP')
      return [
        finding(
          'invalid-value',
          where,
          'a ClusterIP Service has no node ports: set service.type to NodePort or LoadBalancer',
        ),
      ];
    if (!names.includes(name)) {
      const hint = closestName(name, names);
      return [
        finding(
          'invalid-value',
          { ...where },
          `\`${name}\` is not a client port of this cluster (${names.join(', ')})${hint ? ` (did you mean \`${hint}\`?)` : ''}`,
          { target: 'key' },
        ),
      ];
    }
    const other = seen.get(port);
    seen.set(port, name);
    return other ? [finding('invalid-value', where, `node port ${port} is already given to ${other}`)] : [];
  });
}

function has(value: unknown, path: readonly string[]): boolean {
  let node = value;
  for (const token of path) {
    if (typeof node !== 'object' || node === null || !(token in node)) return false;
    node = (node as Record<string, unknown>)[token];
  }
  return true;
}
