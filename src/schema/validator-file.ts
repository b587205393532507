// Where the compiled schema validator lives, and the ajv options it is built
// with. allowUnionTypes: durations and sizes are `type: [integer, string]`.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { packageRoot } from '../package-root.js';

export const AJV_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true, strict: true } as const;

export const VALIDATOR_FILE = join(packageRoot(), 'dist', 'topology-validator.cjs');

export type CompiledValidator = ValidateFunction & { schemaHash: string };

let loaded: CompiledValidator | undefined;

export function loadValidator(): CompiledValidator {
  try {
    loaded ??= createRequire(import.meta.url)(VALIDATOR_FILE) as CompiledValidator;
  } catch {
    throw new Error(`the compiled schema validator is missing (${VALIDATOR_FILE}): run \`npm run build\``);
  }
  return loaded;
}
