// Reads a definitions export for `warren import`. JSON is YAML, so the same
// loader as topology files gives positions (file:line:col) for whatever is
// wrong with the document, and the same guards against malformed input.
import type { ErrorObject } from 'ajv';
import { finding, type Finding } from '../diagnostics/diagnostic.js';
import { readSource, type ReadResult } from '../load/read-source.js';
import { SourceFile } from '../load/source-file.js';
import { loadValidator } from '../format/validator-file.js';
import type { Definitions } from './definitions-schema.js';

export interface ReadDefinitions {
  readonly findings: Finding[];
  readonly source?: SourceFile;
  /** Set when the document has the shape of a definitions export. */
  readonly definitions?: Definitions;
}

/** `read` is the file's text (by default read from disk; the CLI passes standard input's). */
export function readDefinitions(file: string, read: ReadResult = readSource(file)): ReadDefinitions {
  if ('problem' in read) return { findings: [read.problem] };
  const source = new SourceFile(file, read.text);
  if (source.data === undefined || source.findings.some((f) => f.severity === 'error'))
    return { findings: source.findings.map(aboutDefinitions), source };
  const validate = loadValidator('definitions');
  if (validate(source.data)) return { findings: source.findings, source, definitions: source.data as Definitions };
  return { findings: [...source.findings, ...(validate.errors ?? []).map((e) => shapeProblem(file, e))], source };
}

/** The loader says what a topology file lacks; an empty export lacks definitions. */
function aboutDefinitions(f: Finding): Finding {
  return f.code === 'file-empty'
    ? { ...f, message: 'the file holds no definitions (expected the JSON object of a RabbitMQ definitions export)' }
    : f;
}

function shapeProblem(file: string, e: ErrorObject): Finding {
  const what =
    e.keyword === 'required'
      ? `missing \`${String(e.params.missingProperty)}\``
      : String(e.message ?? 'unexpected value');
  return finding(
    'definitions-shape',
    { file, pointer: e.instancePath },
    `not a RabbitMQ definitions export here: ${what}`,
  );
}
