// The rules a schema cannot say about one cluster (quantities, high
// availability, disruption budget, placement, config lines, endpoint, node
// ports), for a stack's cluster and for each side of a blue/green pair alike.
import { closestName } from '../diagnostics/closest-name.js';
import { at, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { parseQuantity } from '../units/parse-quantity.js';
import type { ClusterConfig } from './cluster-schema.js';
import { clientPortsOf } from './compile-cluster.js';
import { MANAGED_CONFIG_PREFIXES, managedConfigKeys, tlsMode } from './render-rabbitmq-conf.js';

export function checkRules(root: Source, input: unknown, c: ClusterConfig, quorumQueues: boolean): Finding[] {
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

export function has(value: unknown, path: readonly string[]): boolean {
  let node = value;
  for (const token of path) {
    if (typeof node !== 'object' || node === null || !(token in node)) return false;
    node = (node as Record<string, unknown>)[token];
  }
  return true;
}
