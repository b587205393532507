// Writes topology.schema.json (the published schema editors use) from the
// typed schema. `npm run schema` runs it; a test fails when the committed file
// and the typed schema disagree, so the two cannot drift.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../package-root.js';
import { TopologyFileSchema } from '../format/topology-schema.js';

export function renderSchema(): string {
  const doc = { $schema: 'http://json-schema.org/draft-07/schema#', ...TopologyFileSchema };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export const SCHEMA_FILE = join(packageRoot(), 'topology.schema.json');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SCHEMA_FILE, renderSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
