// warren's one YAML reader: js-yaml with the YAML 1.2 core schema. Every file
// (topologies, stack files, definitions exports) is read by it and only by it,
// with these options; the pass that finds positions (place-nodes.ts) runs the
// same parser with the same options, so data and positions are one reading.
import jsYaml from 'js-yaml';

/** Nesting deeper than this is refused, in the text (js-yaml's maxDepth) and in the data aliases make. */
export const MAX_DEPTH = 100;

export type YamlError = jsYaml.YAMLException;

interface Extra {
  /** Keep reading past a duplicate key (the last one wins), to report every duplicate. */
  readonly json?: boolean;
  readonly listener?: (event: 'open' | 'close', state: jsYaml.State) => void;
}

/** The options of every read; `warnings` collects what js-yaml reads but would only warn about. */
function options(warnings: YamlError[], extra: Extra): jsYaml.LoadOptions {
  return {
    schema: jsYaml.CORE_SCHEMA,
    json: extra.json ?? false,
    maxDepth: MAX_DEPTH,
    onWarning: (warning) => warnings.push(warning),
    ...(extra.listener ? { listener: extra.listener } : {}),
  } as jsYaml.LoadOptions;
}

/** One document, as fast as js-yaml reads; throws js-yaml's error (also for a second document). */
export function loadYaml(text: string, warnings: YamlError[]): unknown {
  return jsYaml.load(text, options(warnings, {}));
}

/** Every document of the stream, read with the same options plus `extra`; throws js-yaml's error. */
export function loadYamlDocuments(text: string, warnings: YamlError[], extra: Extra): unknown[] {
  const documents: unknown[] = [];
  jsYaml.loadAll(text, (doc) => documents.push(doc), options(warnings, extra));
  return documents;
}

export function isYamlError(error: unknown): error is YamlError {
  return error instanceof jsYaml.YAMLException;
}

interface ImplicitType {
  resolve(data: string): boolean;
}

/**
 * Whether a string written as a plain scalar is read back as itself: not as
 * null, a boolean or a number by the core schema's implicit types (0b11 and
 * -0x1F included, which YAML 1.2 writers leave plain), and not as `<<`, which
 * warren refuses as a merge key. Whatever warren writes for itself to read
 * (warren import) quotes every other string.
 */
export function plainReadsAsItself(text: string): boolean {
  if (text === '<<') return false;
  const implicit = (jsYaml.CORE_SCHEMA as unknown as { compiledImplicit: ImplicitType[] }).compiledImplicit;
  return !implicit.some((type) => type.resolve(text));
}
