// `--stack FILE`: a Pulumi stack file whose `warren:overrides` are laid over
// the topology, so that CI can check exactly what a stack will deploy.
import { readFileSync } from 'node:fs';
import jsYaml from 'js-yaml';
import type { Overrides } from '../validate-topology.js';
import { UsageError } from './usage-error.js';

export function readStackOverrides(file: string | undefined): Overrides | undefined {
  if (file === undefined) return undefined;
  return { file, data: stackConfig(file)?.['warren:overrides'] };
}

/** The stack's `warren:cluster` (RabbitMQ on Kubernetes), undefined when it has none. */
export function readStackCluster(file: string): unknown {
  return stackConfig(file)?.['warren:cluster'];
}

function stackConfig(file: string): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = jsYaml.load(readFileSync(file, 'utf8'), { schema: jsYaml.CORE_SCHEMA });
  } catch (error) {
    throw new UsageError(`cannot read stack file ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  return (doc as { config?: Record<string, unknown> } | null)?.config;
}
