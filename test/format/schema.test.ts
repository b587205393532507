// The published JSON Schema, the compiled validator and the TypeScript types
// come from one typed schema; these tests fail when any of them drifts.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { schemaHash } from '../../src/build/build-validator.js';
import { loadValidator, VALIDATORS, type ValidatorName } from '../../src/format/validator-file.js';
import { renderSchema, SCHEMA_FILE } from '../../src/build/write-schema.js';

const TOPOLOGY = join(import.meta.dirname, '..', '..', 'topology');
const examples = readdirSync(TOPOLOGY).filter((f) => f.endsWith('.yaml'));

describe('topology.schema.json', () => {
  it('is exactly what the typed schema renders (run `npm run schema` after changing it)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderSchema());
  });

  it('was compiled into the validators warren runs, each from its typed schema (run `npm run build`)', () => {
    for (const name of Object.keys(VALIDATORS) as ValidatorName[])
      expect(loadValidator(name).schemaHash, name).toBe(schemaHash(name));
  });

  it('works on its own in a JSON Schema validator, as editors use it', () => {
    const validate = new Ajv({ allowUnionTypes: true }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
    for (const file of examples) expect(validate(load(readFileSync(join(TOPOLOGY, file), 'utf8'))), file).toBe(true);
    expect(validate({ version: 1, vhosts: { v: { queues: { q: { messageTTL: 5 } } } } })).toBe(false);
  });

  it('is named by the modeline of every example file', () => {
    expect(examples.length).toBeGreaterThan(0);
    for (const file of examples) {
      expect(readFileSync(join(TOPOLOGY, file), 'utf8').split('\n')[0], file).toBe(
        '# yaml-language-server: $schema=../topology.schema.json',
      );
    }
  });
});
