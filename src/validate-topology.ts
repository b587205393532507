// The pure pipeline: files → parsed sources → schema check → merged model →
// cross-checks → located diagnostics. Nothing here imports Pulumi; the plan
// and the Pulumi layer start from the model this returns.
import { checkOverrides, checkSchema } from './check/check-schema.js';
import { crossCheck } from './check/cross-check.js';
import type { Diagnostic, Finding } from './diagnostics/diagnostic.js';
import { locateFindings } from './load/locate-findings.js';
import { readSource, type ReadResult } from './load/read-source.js';
import { SourceFile } from './load/source-file.js';
import { applyOverrides } from './model/apply-overrides.js';
import { mergeFiles, type CheckedFile } from './model/merge-files.js';
import type { TopologyModel } from './model/topology-model.js';

export interface Validation {
  readonly diagnostics: Diagnostic[];
  /** The merged model; complete only when `valid`. */
  readonly model: TopologyModel;
  readonly valid: boolean;
}

/** A stack's per-environment overrides, and the stack file they come from (for positions). */
export interface Overrides {
  readonly file: string;
  readonly data: unknown;
}

/** Where overrides stand in a Pulumi stack file. */
export const OVERRIDES_POINTER = '/config/warren:overrides';

/** The file named by overrides given in code (the Topology component's `overrides`): none is read for positions. */
export const CODE_OVERRIDES = '<overrides>';

/** `read` reads one of `files`; the CLI passes one that reads `<stdin>` from standard input. */
export function validateTopology(
  files: readonly string[],
  overrides?: Overrides,
  read: (file: string) => ReadResult = readSource,
): Validation {
  const findings: Finding[] = [];
  const sources = new Map<string, SourceFile>();
  const checked: CheckedFile[] = [];
  let allParsed = true;
  for (const file of files) {
    const text = read(file);
    if ('problem' in text) {
      findings.push(text.problem);
      allParsed = false;
      continue;
    }
    const source = new SourceFile(file, text.text);
    sources.set(file, source);
    append(findings, source.findings);
    if (source.data === undefined) {
      allParsed = false;
      continue;
    }
    const schema = checkSchema(file, source.data);
    append(findings, schema.findings);
    if (schema.data) checked.push({ file, data: schema.data, broken: schema.broken });
  }
  const merged = mergeFiles(checked);
  append(findings, merged.findings);
  const stackRead = overrides ? readStack(overrides.file, sources, findings) : true;
  if (overrides && overrides.data !== undefined)
    allParsed = stackRead && layerOverrides(merged.model, overrides, findings, allParsed) && allParsed;
  // References into a file that did not parse cannot be resolved: checking
  // them would only report false unknowns, so cross-checks wait for it.
  if (allParsed) append(findings, crossCheck(merged.model));
  const diagnostics = locateFindings(findings, sources);
  return { diagnostics, model: merged.model, valid: !diagnostics.some((d) => d.severity === 'error') };
}

/**
 * Reads the stack file for positions, with every guard a topology file gets
 * (aliases, depth, duplicates, directives, misread keys): Pulumi hands the
 * program its config already read, but by another parser, and warren must
 * not place, or apply, what it would read otherwise. False when refused; a
 * stack file that cannot be read is only left without positions.
 */
function readStack(file: string, sources: Map<string, SourceFile>, findings: Finding[]): boolean {
  const read = file === CODE_OVERRIDES ? undefined : readSource(file);
  if (!read || !('text' in read)) return true;
  const source = new SourceFile(file, read.text);
  sources.set(file, source);
  // An empty stack file is a stack without config.
  const refused = source.findings.filter((f) => f.severity === 'error' && f.code !== 'file-empty');
  append(findings, refused);
  return refused.length === 0;
}

/**
 * Checks and applies a stack's overrides; false when they are malformed (then not applied). What they
 * name that the topology lacks is reported only when every topology file parsed (as for cross-checks:
 * a name in a file that did not parse is not missing).
 */
function layerOverrides(model: TopologyModel, overrides: Overrides, findings: Finding[], allParsed: boolean): boolean {
  const at = { file: overrides.file, pointer: OVERRIDES_POINTER };
  const problems = checkOverrides(overrides.data, at);
  append(findings, problems);
  if (problems.length > 0) return false;
  const absent = applyOverrides(model, overrides.data, at);
  if (allParsed) append(findings, absent);
  return true;
}

/** Appends without spreading: a spread of a few hundred thousand findings exceeds the call stack. */
function append<T>(to: T[], items: readonly T[]): void {
  for (const item of items) to.push(item);
}
