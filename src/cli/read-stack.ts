// `--stack FILE`: a Pulumi stack file whose `warren:overrides` are laid over
// the topology, so that CI can check exactly what a stack will deploy. It is
// read like a topology file (a regular file, within the size limit); a stack
// file that cannot be read or parsed is a usage error.
import jsYaml from 'js-yaml';
import { readSource } from '../load/read-source.js';
import type { Overrides } from '../validate-topology.js';
import { checkInputPath, UsageError } from './usage-error.js';

export function readStackOverrides(file: string | undefined): Overrides | undefined {
  if (file === undefined) return undefined;
  return { file, data: stackConfig(file)?.['warren:overrides'] };
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
