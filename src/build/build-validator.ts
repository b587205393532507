// Build step: compiles each typed schema with ajv into standalone validation
// code (VALIDATORS in validator-file.ts). At run time warren then loads neither
// TypeBox nor the ajv compiler, which would cost more than parsing a large
// topology. Each file records a hash of its schema so a test can prove the
// compiled validator and the typed schema are the same.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { clusterInputSchema } from '../cluster/cluster-schema.js';
import { DefinitionsSchema } from '../import/definitions-schema.js';
import { VALIDATORS, type ValidatorName } from '../format/validator-file.js';
import { StackConfigSchema } from '../format/stack-config-schema.js';
import { TopologyFileSchema } from '../format/topology-schema.js';

const SCHEMAS: Record<ValidatorName, () => object> = {
  topology: () => TopologyFileSchema,
  cluster: clusterInputSchema,
  definitions: () => DefinitionsSchema,
  config: () => StackConfigSchema,
};

export function schemaHash(name: ValidatorName): string {
  return createHash('sha256').update(JSON.stringify(SCHEMAS[name]())).digest('hex');
}

function build(): void {
  for (const name of Object.keys(VALIDATORS) as ValidatorName[]) {
    const { file, options } = VALIDATORS[name];
    const ajv = new Ajv({ ...options, code: { source: true } });
    const code = standalone.default(ajv, ajv.compile(SCHEMAS[name]()));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${code}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash(name))};\n`);
    console.log(`wrote ${file}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) build();
