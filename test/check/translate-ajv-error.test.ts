// Topology files and a stack's warren:cluster are checked against different
// schemas, but their ajv errors go through one translator
// (check/translate-ajv-error.ts): the same kind of error must give the same
// code, the same pointer below where the checked value stands, and the same
// wording. A second copy of the translation drifting would fail here.
import { describe, expect, it } from 'vitest';
import { checkSchema } from '../../src/check/check-schema.js';
import { CLUSTER_POINTER, validateCluster } from '../../src/cluster/check-cluster.js';

interface Case {
  readonly kind: string;
  readonly topology: unknown;
  readonly cluster: unknown;
  /** Where each reports it, below the checked value's root; and the code and message both give. */
  readonly topologyAt: string;
  readonly clusterAt: string;
  readonly code: string;
  readonly message: (side: 'topology' | 'cluster') => string | RegExp;
}

const NAMESPACE = { namespace: 'messaging' };

const CASES: Case[] = [
  {
    kind: 'an unknown field close to a known one',
    topology: { version: 1, vhost: {} },
    cluster: { ...NAMESPACE, replica: 3 },
    topologyAt: '/vhost',
    clusterAt: '/replica',
    code: 'unknown-field',
    message: (side) =>
      side === 'topology'
        ? 'unknown field `vhost` (did you mean `vhosts`?)'
        : 'unknown field `replica` (did you mean `replicas`?)',
  },
  {
    kind: 'an unknown field close to nothing',
    topology: { version: 1, zzzzzzzz: 1 },
    cluster: { ...NAMESPACE, zzzzzzzz: 1 },
    topologyAt: '/zzzzzzzz',
    clusterAt: '/zzzzzzzz',
    code: 'unknown-field',
    message: () => 'unknown field `zzzzzzzz`',
  },
  {
    kind: 'a wrong type',
    topology: { version: 1, vhosts: { v: { description: 5 } } },
    cluster: { ...NAMESPACE, image: 5 },
    topologyAt: '/vhosts/v/description',
    clusterAt: '/image',
    code: 'wrong-type',
    message: () => 'must be a string',
  },
  {
    kind: 'no value where a mapping of defaults belongs',
    topology: { version: 1, vhosts: { v: { queues: { q: null } } } },
    cluster: { ...NAMESPACE, pdb: null },
    topologyAt: '/vhosts/v/queues/q',
    clusterAt: '/pdb',
    code: 'wrong-type',
    message: () => 'has no value: must be a mapping (write {} for all defaults)',
  },
  {
    kind: 'a value outside an enumeration',
    topology: { version: 1, vhosts: { v: { defaultQueueType: 'qorum' } } },
    cluster: { ...NAMESPACE, service: { type: 'Loadbalancer' } },
    topologyAt: '/vhosts/v/defaultQueueType',
    clusterAt: '/service/type',
    code: 'invalid-value',
    message: () => /^must be one of: /,
  },
  {
    kind: 'a missing required field',
    topology: { version: 1, vhosts: { v: { policies: { p: { pattern: '.' } } } } },
    cluster: {},
    topologyAt: '/vhosts/v/policies/p',
    clusterAt: '',
    code: 'missing-field',
    message: (side) => `missing required field \`${side === 'topology' ? 'definition' : 'namespace'}\``,
  },
];

describe('one ajv translation for topology and cluster checks', () => {
  it.each(CASES)('$kind', (c) => {
    const topology = checkSchema('topology.yaml', c.topology).findings;
    const cluster = validateCluster('no-such-stack.yaml', c.cluster, false).diagnostics;
    expect(topology.map((f) => [f.code, f.pointer])).toEqual([[c.code, c.topologyAt]]);
    expect(cluster.map((d) => [d.code, d.pointer])).toEqual([[c.code, CLUSTER_POINTER + c.clusterAt]]);
    for (const [side, message] of [
      ['topology', topology[0]!.message],
      ['cluster', cluster[0]!.message],
    ] as const) {
      const expected = c.message(side);
      if (typeof expected === 'string') expect(message, side).toBe(expected);
      else expect(message, side).toMatch(expected);
    }
  });
});
