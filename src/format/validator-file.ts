// Where the compiled schema validators live, and the ajv options each is built
// with. They are compiled at build time (build-validator.ts) so that at run
// time warren loads neither TypeBox nor the ajv compiler: together they cost
// about 0.2 s of every program start and CLI run, measured (docs/benchmarks.md).
// allowUnionTypes: durations and sizes are `type: [integer, string]`.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Options, ValidateFunction } from 'ajv';
import { packageRoot } from '../package-root.js';

export const AJV_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true, strict: true } as const;

export type ValidatorName = 'topology' | 'cluster' | 'definitions' | 'config';

/** Each validator's file and ajv options. */
export const VALIDATORS: Readonly<Record<ValidatorName, { readonly file: string; readonly options: Options }>> = {
  /** Topology files (src/format/topology-schema.ts). */
  topology: { file: join(packageRoot(), 'dist', 'topology-validator.cjs'), options: AJV_OPTIONS },
  /** A stack's `warren:cluster` (src/cluster/cluster-schema.ts); useDefaults fills the defaults in. */
  cluster: {
    file: join(packageRoot(), 'dist', 'cluster-validator.cjs'),
    options: { ...AJV_OPTIONS, useDefaults: true },
  },
  /** A stack's `warren:*` settings (src/format/stack-config-schema.ts). */
  config: { file: join(packageRoot(), 'dist', 'config-validator.cjs'), options: AJV_OPTIONS },
  /** A RabbitMQ definitions export for `warren import` (src/import/definitions-schema.ts): unknown keys pass. */
  definitions: {
    file: join(packageRoot(), 'dist', 'definitions-validator.cjs'),
    options: { allErrors: true, strict: false },
  },
};

export type CompiledValidator = ValidateFunction & { schemaHash: string };

const loaded = new Map<ValidatorName, CompiledValidator>();

export function loadValidator(name: ValidatorName = 'topology'): CompiledValidator {
  let validate = loaded.get(name);
  if (!validate) {
    const { file } = VALIDATORS[name];
    try {
      validate = createRequire(import.meta.url)(file) as CompiledValidator;
    } catch {
      throw new Error(`the compiled schema validator is missing (${file}): run \`npm run build\``);
    }
    loaded.set(name, validate);
  }
  return validate;
}
