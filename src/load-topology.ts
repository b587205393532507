// The one pipeline every caller composes the same way — the CLI's commands,
// warren's Pulumi program, the Topology component and the bench: paths (or
// texts) → read → schema check → merged model → overrides → cross-checks →
// a further check of the caller's → located diagnostics → the plan, when
// valid. Nothing is thrown: each edge decides what a problem means (the CLI
// an exit code, a program a RunError). Nothing here imports Pulumi.
import { checkOverrides, checkSchema } from './check/check-schema.js';
import { crossCheck } from './check/cross-check.js';
import type { Diagnostic, Finding } from './diagnostics/diagnostic.js';
import { findFiles } from './load/find-files.js';
import { locateFindings } from './load/locate-findings.js';
import { readSource, type ReadResult } from './load/read-source.js';
import { readStdin, STDIN_FILE } from './load/read-stdin.js';
import { SourceFile } from './load/source-file.js';
import { applyOverrides } from './model/apply-overrides.js';
import { mergeFiles, type CheckedFile } from './model/merge-files.js';
import type { TopologyModel } from './model/topology-model.js';
import { compilePlan, NO_ALLOWANCES } from './plan/compile-plan.js';
import type { Plan, PlanEnvironment } from './plan/plan-types.js';

/** A stack's per-environment overrides, and the stack file they come from (for positions). */
export interface Overrides {
  readonly file: string;
  readonly data: unknown;
  /**
   * False: what they name that the topology lacks is not reported, only left out (`warren diff`'s BASE, for
   * which the stack file is HEAD's: a vhost HEAD adds with its override is no problem of BASE's). Default true.
   */
  readonly reportAbsent?: boolean;
  /** The stack file as the CLI read it already (read-stack.ts): placed in, not read again. */
  readonly source?: SourceFile;
}

/** Where overrides stand in a Pulumi stack file. */
export const OVERRIDES_POINTER = '/config/warren:overrides';

/** The file named by overrides given in code (the Topology component's `overrides`): none is read for positions. */
export const CODE_OVERRIDES = '<overrides>';

/** The result of a further check of the model: its diagnostics, and whatever else it found. */
export interface Checked {
  readonly diagnostics: readonly Diagnostic[];
}

/** Where the topology's YAML comes from: paths to expand, or texts already in memory (the bench, `warren import`). */
export type TopologyFiles =
  | {
      /** Files, directories (their *.yaml and *.yml, recursively) and globs; relative ones from the working directory. */
      readonly paths: readonly string[];
      /** `-` among the paths is standard input (the CLI); a file named `<stdin>` is then read as `./<stdin>`. */
      readonly stdin?: boolean;
    }
  | {
      /** Each text with the name its diagnostics give. */
      readonly texts: readonly { readonly file: string; readonly text: string }[];
    };

export type TopologyInput<C extends Checked = Checked> = TopologyFiles & {
  readonly overrides?: Overrides;
  /** What the stack allows that the plan's guard would refuse (default nothing). */
  readonly allow?: PlanEnvironment;
  /** A further check of the model, reported with the topology's diagnostics (the program's `warren:cluster`). */
  readonly check?: (model: TopologyModel) => C;
  /**
   * False: no plan (`validate` and `route` need none; compiling it is about 0.5 s of the 10,000-queue topology).
   * Default true.
   */
  readonly plan?: boolean;
};

export interface LoadedTopology<C extends Checked = Checked> {
  /** What was read, in order (`<stdin>` for standard input). */
  readonly files: string[];
  /** Paths that matched no topology file: when there is one, nothing was read (a usage error, not a diagnostic). */
  readonly unmatched: string[];
  readonly diagnostics: Diagnostic[];
  /** Each file read, for placing what a later stage finds (`warren drift`'s objects) at FILE:LINE:COL. */
  readonly sources: ReadonlyMap<string, SourceFile>;
  /** The merged model; complete only when `valid`. */
  readonly model: TopologyModel;
  readonly valid: boolean;
  /** The plan, when valid (and not declined): the guard's and every object's, deterministic. */
  readonly plan?: Plan;
  /** The further check's result, when there was one. */
  readonly checked?: C;
}

export function loadTopology<C extends Checked = Checked>(input: TopologyInput<C>): LoadedTopology<C> {
  const { files, unmatched, read } = sourcesOf(input);
  if (unmatched.length > 0)
    return { files, unmatched, diagnostics: [], sources: new Map(), model: mergeFiles([]).model, valid: false };
  const validation = validate(files, read, input.overrides);
  const checked = input.check?.(validation.model);
  const diagnostics = checked ? [...validation.diagnostics, ...checked.diagnostics] : validation.diagnostics;
  const valid = !diagnostics.some((d) => d.severity === 'error');
  return {
    files,
    unmatched,
    diagnostics,
    sources: validation.sources,
    model: validation.model,
    valid,
    ...(valid && input.plan !== false ? { plan: compilePlan(validation.model, input.allow ?? NO_ALLOWANCES) } : {}),
    ...(checked ? { checked } : {}),
  };
}

function sourcesOf(input: TopologyFiles): {
  files: string[];
  unmatched: string[];
  read: (file: string) => ReadResult;
} {
  if ('texts' in input) {
    const texts = new Map(input.texts.map((t) => [t.file, t.text]));
    return { files: [...texts.keys()], unmatched: [], read: (file) => ({ text: texts.get(file)! }) };
  }
  const stdin = input.stdin === true && input.paths.includes('-');
  const found = findFiles(stdin ? input.paths.filter((p) => p !== '-') : input.paths);
  // A file really named `<stdin>` must not be taken for standard input.
  const named = stdin ? found.files.map((f) => (f === STDIN_FILE ? `./${f}` : f)) : found.files;
  return {
    files: stdin ? [STDIN_FILE, ...named] : named,
    unmatched: found.unmatched,
    read: (file) => (stdin && file === STDIN_FILE ? readStdin() : readSource(file)),
  };
}

interface Validation {
  readonly diagnostics: Diagnostic[];
  readonly sources: ReadonlyMap<string, SourceFile>;
  readonly model: TopologyModel;
}

function validate(files: readonly string[], read: (file: string) => ReadResult, overrides?: Overrides): Validation {
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
  const stackRead = overrides ? readStack(overrides, sources, findings) : true;
  if (overrides && overrides.data !== undefined)
    allParsed = stackRead && layerOverrides(merged.model, overrides, findings, allParsed) && allParsed;
  // References into a file that did not parse cannot be resolved: checking
  // them would only report false unknowns, so cross-checks wait for it.
  if (allParsed) append(findings, crossCheck(merged.model));
  return { diagnostics: locateFindings(findings, sources), sources, model: merged.model };
}

/**
 * Reads the stack file for positions, with every guard a topology file gets
 * (aliases, depth, duplicates, directives, misread keys): Pulumi hands the
 * program its config already read, but by another parser, and warren must
 * not place, or apply, what it would read otherwise. False when refused; a
 * stack file that cannot be read is only left without positions.
 */
function readStack(overrides: Overrides, sources: Map<string, SourceFile>, findings: Finding[]): boolean {
  const { file } = overrides;
  let source = overrides.source;
  if (!source) {
    const read = file === CODE_OVERRIDES ? undefined : readSource(file);
    if (!read || !('text' in read)) return true;
    source = new SourceFile(file, read.text);
  }
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
  if (allParsed && overrides.reportAbsent !== false) append(findings, absent);
  return true;
}

/** Appends without spreading: a spread of a few hundred thousand findings exceeds the call stack. */
function append<T>(to: T[], items: readonly T[]): void {
  for (const item of items) to.push(item);
}
