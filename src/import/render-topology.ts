// Imported topology data → YAML files people review: one file per vhost and
// one for users (so teams can own their files), keys in a stable order, short
// leaf mappings on one line like the examples in the format, and the editor
// modeline every topology file carries.
import type { TopologyFile, UserSpec, VHostSpec } from '../format/topology-schema.js';
import { plainReadsAsItself } from '../load/read-yaml.js';
import { yamlLib } from '../load/yaml-lib.js';
import type { ImportedTopology } from './import-definitions.js';

export interface RenderedFile {
  /** File name inside the output directory. */
  readonly name: string;
  readonly text: string;
}

// The header line that marks a file as written by `warren import`: such a
// file may be written over by the next import; any other file is the user's.
const IMPORT_MARK = 'Imported by `warren import`';

/** Whether a file's text is one `warren import` wrote (its header within the first lines). */
export function writtenByImport(text: string): boolean {
  return text.split('\n', 3).some((line) => line.startsWith('#') && line.includes(IMPORT_MARK));
}

/** The whole topology as one document (for stdout). */
export function renderSingle(t: ImportedTopology, schemaPath: string): string {
  return render(
    {
      version: 1,
      ...(t.vhosts.size > 0 ? { vhosts: Object.fromEntries(t.vhosts) } : {}),
      ...(t.users.size > 0 ? { users: Object.fromEntries(t.users) } : {}),
    },
    schemaPath,
  );
}

/** One file per vhost and `users.yaml`, for `-o DIR`; `schemaPath` is relative to DIR. */
export function renderFiles(t: ImportedTopology, schemaPath: string): RenderedFile[] {
  const used = new Set<string>();
  const files: RenderedFile[] = [];
  for (const [name, spec] of t.vhosts)
    files.push({ name: fileName(name, used), text: render({ version: 1, vhosts: { [name]: spec } }, schemaPath) });
  if (t.users.size > 0)
    files.push({
      name: fileName('users', used),
      text: render({ version: 1, users: Object.fromEntries(t.users) as Record<string, UserSpec> }, schemaPath),
    });
  return files;
}

/** A file name for a vhost: `/` is the default vhost; other characters outside [A-Za-z0-9._-] become `_`. */
function fileName(vhost: string, used: Set<string>): string {
  const base = vhost === '/' ? 'default-vhost' : vhost.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_';
  let name = `${base}.yaml`;
  for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base}-${i}.yaml`;
  used.add(name.toLowerCase());
  return name;
}

function render(
  data: TopologyFile | { version: 1; vhosts?: Record<string, VHostSpec>; users?: Record<string, UserSpec> },
  schemaPath: string,
): string {
  const { Document, isMap, isSeq, isScalar, visit } = yamlLib();
  const doc = new Document(data);
  // Leaf collections (only scalars inside) that fit on a line are written inline.
  visit(doc, {
    // `yaml` writes by its own reading of YAML 1.2, which leaves 0b11, -0x1F and << plain;
    // warren reads what it writes with js-yaml, to which they are a number or a merge key.
    Scalar(_, node) {
      if (typeof node.value === 'string' && !plainReadsAsItself(node.value)) node.type = 'QUOTE_DOUBLE';
    },
    Map(_, node) {
      const leaf = node.items.every((p) => isScalar(p.value) || (isMap(p.value) && p.value.items.length === 0));
      if (leaf && node.items.length > 0 && node.toString().length < 100) node.flow = true;
    },
    Seq(_, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true;
      else
        for (const item of node.items)
          if (isMap(item) && item.items.every((p) => isScalar(p.value) || isMap(p.value))) item.flow = true;
    },
  });
  void isSeq;
  doc.commentBefore = ` yaml-language-server: $schema=${schemaPath}\n ${IMPORT_MARK} from a RabbitMQ definitions export.`;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}
