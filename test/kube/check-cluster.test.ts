// warren:cluster checks: fixture stack files under test/fixtures/cluster whose
// caret comments name each expected problem (code, severity, line, column).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { validateCluster } from '../../src/cluster/check-cluster.js';
import { readStack, stackAdminUser } from '../../src/cli/read-stack.js';
import { DEFAULT_IMAGE } from '../../src/cluster/cluster-schema.js';
import { EXAMPLE_UNLIMITED_QUORUM } from '../support/example-topology.js';
import { expectedProblems } from '../support/expectations.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'cluster');

/** The stack's warren:cluster, as Pulumi config hands it over (parsed YAML). */
function clusterValue(file: string): unknown {
  const doc = jsYaml.load(readFileSync(file, 'utf8'), { schema: jsYaml.CORE_SCHEMA }) as {
    config: Record<string, unknown>;
  };
  return doc.config['warren:cluster'];
}

const fixtures = (kind: string) =>
  readdirSync(join(DIR, kind))
    .filter((f) => f.endsWith('.yaml'))
    .sort();

describe('valid cluster configs', () => {
  it.each(fixtures('valid'))('%s has no problems', (name) => {
    const file = join(DIR, 'valid', name);
    const result = validateCluster(file, clusterValue(file), true, stackAdminUser(readStack(file)));
    expect(result.diagnostics).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.cluster).toBeDefined();
  });

  it('fills in every default', () => {
    const file = join(DIR, 'valid', 'minimal.yaml');
    expect(validateCluster(file, clusterValue(file), true).cluster).toEqual({
      namespace: 'messaging',
      createNamespace: true,
      name: 'rabbitmq',
      replicas: 1,
      image: DEFAULT_IMAGE,
      production: false,
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '1Gi' } },
      storage: { size: '10Gi' },
      service: { type: 'ClusterIP', annotations: {}, nodePorts: {} },
      terminationGracePeriodSeconds: 604800,
      delayStartSeconds: 30,
      rolloutTimeoutMinutes: 30,
      active: 'blue',
      retireInactive: false,
      diskFreeLimit: '2G',
      securityContext: { runAsUser: 999, runAsGroup: 999, fsGroup: 999 },
      pdb: { maxUnavailable: 1 },
      serviceMonitor: { enabled: false, interval: '30s', labels: {} },
      networkPolicy: { enabled: false, allowFrom: [] },
      extraConfig: [],
      plugins: [],
    });
  });

  it('does not change the value Pulumi handed over', () => {
    const value = { namespace: 'mq' };
    validateCluster('stack.yaml', value, false);
    expect(value).toEqual({ namespace: 'mq' });
  });

  it('a stack without warren:cluster deploys no cluster', () => {
    expect(validateCluster('stack.yaml', undefined, true)).toEqual({ diagnostics: [], valid: true });
  });
});

describe('invalid cluster configs', () => {
  it.each(fixtures('invalid'))('%s reports its problems at their places in the stack file', (name) => {
    const file = join(DIR, 'invalid', name);
    const result = validateCluster(
      file,
      clusterValue(file),
      true,
      stackAdminUser(readStack(file)),
      EXAMPLE_UNLIMITED_QUORUM,
    );
    const problems = result.diagnostics.map(
      (d) => `${relative(DIR, d.file)}:${d.line}:${d.col}: ${d.severity} ${d.code}`,
    );
    expect(problems.sort()).toEqual(expectedProblems(file, DIR));
    expect(result.valid).toBe(!result.diagnostics.some((d) => d.severity === 'error'));
    if (!result.valid) expect(result.cluster).toBeUndefined();
  });

  it('points into the stack file with JSON pointers under /config/warren:cluster', () => {
    const file = join(DIR, 'invalid', 'production.yaml');
    const pointers = validateCluster(file, clusterValue(file), true).diagnostics.map((d) => `${d.code} ${d.pointer}`);
    expect(pointers.sort()).toEqual([
      'cluster-replicas /config/warren:cluster/replicas',
      'cluster-soft-anti-affinity /config/warren:cluster/antiAffinity',
    ]);
  });

  it('an even replica count is no concern without quorum queues, and always one in production', () => {
    const codes = (value: object, quorum: boolean) =>
      validateCluster('stack.yaml', { namespace: 'mq', ...value }, quorum).diagnostics.map((d) => d.code);
    expect(codes({ replicas: 2 }, false)).toEqual([]);
    expect(codes({ replicas: 2 }, true)).toEqual(['cluster-even-replicas']);
    expect(codes({ replicas: 3, production: true }, false)).toEqual([]);
    expect(codes({ replicas: 1, production: true }, false)).toEqual(['cluster-replicas']);
    expect(codes({ replicas: 5, production: true, pdb: { maxUnavailable: 2 } }, false)).toEqual([]);
  });

  it('accepts images pinned to a minor version or a digest', () => {
    const codes = (image: string) =>
      validateCluster('stack.yaml', { namespace: 'mq', image }, false).diagnostics.map((d) => d.code);
    for (const image of [
      'rabbitmq:3.13-management',
      'rabbitmq:4.1.4',
      'registry.example:5000/mq/rabbitmq:4.1-management-alpine',
      `rabbitmq@sha256:${'a'.repeat(64)}`,
    ])
      expect(codes(image), image).toEqual([]);
    for (const image of [
      'rabbitmq',
      'rabbitmq:latest',
      'rabbitmq:4-management',
      'rabbitmq:management',
      'registry.example:5000/rabbitmq',
    ])
      expect(codes(image), image).toEqual(['cluster-image-unpinned']);
  });
});
