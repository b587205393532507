// Build step: compiles the typed schema with ajv into standalone validation
// code (dist/topology-validator.cjs). At run time warren then loads neither
// TypeBox nor the ajv compiler, which would cost more than parsing a large
// topology. The file records a hash of the schema so a test can prove the
// compiled validator and the typed schema are the same.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import standalone from 'ajv/dist/standalone/index.js';
import { AJV_OPTIONS, VALIDATOR_FILE } from './validator-file.js';
import { renderSchema } from './write-schema.js';
import { TopologyFileSchema } from './topology-schema.js';

export function schemaHash(): string {
  return createHash('sha256').update(renderSchema()).digest('hex');
}

function build(): void {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const validate = ajv.compile(TopologyFileSchema);
  const code = standalone.default(ajv, validate);
  mkdirSync(dirname(VALIDATOR_FILE), { recursive: true });
  writeFileSync(VALIDATOR_FILE, `${code}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash())};\n`);
  console.log(`wrote ${VALIDATOR_FILE}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) build();
