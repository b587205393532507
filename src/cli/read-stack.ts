// `--stack FILE`: a Pulumi stack file whose `warren:overrides` are laid over
// the topology, so that CI can check exactly what a stack will deploy. It is
// read like a topology file (a regular file, within the size limit); a stack
// file that cannot be read or parsed is a usage error. So is one whose overrides
// stand under another namespace (`shop:overrides`, what `new pulumi.Config()`
// reads in a project named shop) with no `warren:overrides`: checking without
// them would pass a topology the stack does not deploy.
import jsYaml from 'js-yaml';
import { readSource } from '../load/read-source.js';
import type { Granularity } from '../model/provider-ids.js';
import type { Overrides } from '../validate-topology.js';
import { checkInputPath, UsageError } from './usage-error.js';

export function readStackOverrides(file: string | undefined): Overrides | undefined {
  if (file === undefined) return undefined;
  const config = stackConfig(file);
  if (config !== undefined && !('warren:overrides' in config)) {
    const elsewhere = Object.keys(config).filter(
      (key) => key.endsWith(':overrides') && looksLikeOverrides(config[key]),
    );
    if (elsewhere.length > 0)
      throw new UsageError(
        `--stack ${file}: warren reads a stack's overrides from warren:overrides, and this file has ${elsewhere.join(', ')} instead; ` +
          "rename the key, and read it in the program with new pulumi.Config('warren').getObject('overrides')",
      );
  }
  return { file, data: config?.['warren:overrides'] };
}

/** A mapping in the shape of a topology file (vhosts, users): another namespace's `overrides` key that is not is left alone. */
function looksLikeOverrides(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key === 'vhosts' || key === 'users');
}

/** The stack's `warren:granularity`, as the program reads it: object when it has none; another value is a usage error. */
export function readStackGranularity(file: string): Granularity {
  const value = stackConfig(file)?.['warren:granularity'] ?? 'object';
  if (value !== 'object' && value !== 'vhost')
    throw new UsageError(`--stack ${file}: warren:granularity must be object or vhost`);
  return value;
}

/** The stack's `warren:cluster` (RabbitMQ on Kubernetes), undefined when it has none. */
export function readStackCluster(file: string): unknown {
  return stackConfig(file)?.['warren:cluster'];
}

function stackConfig(file: string): Record<string, unknown> | undefined {
  checkInputPath(file, '--stack');
  const read = readSource(file);
  if ('problem' in read) throw new UsageError(`cannot read stack file ${file}: ${read.problem.message}`);
  let doc: unknown;
  try {
    doc = jsYaml.load(read.text, { schema: jsYaml.CORE_SCHEMA });
  } catch (error) {
    throw new UsageError(`cannot read stack file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const config = (doc as { config?: unknown } | null)?.config;
  return typeof config === 'object' && config !== null && !Array.isArray(config)
    ? (config as Record<string, unknown>)
    : undefined;
}
