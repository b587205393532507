// The checks of a blue/green pair (blue-green.ts): settings of a pair without
// its green side, each side checked whole as a cluster of its own, node ports
// given once, a green side the drains can reach, and a pair across RabbitMQ
// 4.0 whose quorum queues would behave otherwise on the two sides.
import { firstOf } from '../base/first-of.js';
import { translateAjvError } from '../check/translate-ajv-error.js';
import { at, finding, parsePointer, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { loadValidator } from '../format/validator-file.js';
import { type BlueGreenPlan, inactiveOf, isBlueGreen, SIDES, type Side, sideInput } from './blue-green.js';
import { checkRules, has } from './check-cluster-rules.js';
import type { ClusterConfig } from './cluster-schema.js';
import { tlsMode } from './render-rabbitmq-conf.js';
import { compareVersions, imageVersion } from './upgrade-paths.js';

/** Settings of a blue/green pair given to a stack without a green cluster. */
export function checkPairless(root: Source, input: unknown, c: ClusterConfig): Finding[] {
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
export function checkSides(
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
  const name = (v: { major: number; minor: number }) => `${v.major}.${v.minor}`;
  return [
    finding(
      'cluster-version-change',
      at(root, ...(has(input, [newer!.side, 'image']) ? [newer!.side] : []), 'image'),
      `RabbitMQ ${name(newer!.version!)} (the ${newer!.side} side) gives a quorum queue without deliveryLimit a limit of 20 deliveries (a message redelivered more often is dead-lettered, or dropped without a dead-letter exchange); ${name(older!.version!)} gives none: ${unlimited.length} quorum queue(s) behave otherwise on the two sides (${firstOf(unlimited, 5)}). Set their deliveryLimit, unless a policy sets delivery-limit`,
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
