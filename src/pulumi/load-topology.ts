// The first half of the Topology component's files form, and what warren's own
// program calls: topology files (files, directories, globs) and overrides →
// diagnostics reported by validateOrThrow → the plan. Nothing is registered
// here; a program stops on the RunError before any resource exists.
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { findFiles } from '../load/find-files.js';
import type { TopologyModel } from '../model/topology-model.js';
import { compilePlan } from '../plan/compile-plan.js';
import type { Plan } from '../plan/plan-types.js';
import { uriSecretKeys } from '../plan/resolve-uris.js';
import { CODE_OVERRIDES, validateTopology } from '../validate-topology.js';
import { checkEnvironment, runError, validateOrThrow } from './validate-or-throw.js';

/** What a stack allows that the guard would refuse (the program's `warren:allow`, its topology part). */
export interface TopologyAllowances {
  /** Queue ids (`shop/queue/orders`) that may be deleted and declared again with other fixed fields. */
  readonly recreate?: readonly string[];
  /** Queue ids that may be deleted (they left the topology). */
  readonly delete?: readonly string[];
  /** Queue ids (`*` for any characters) whose fixed fields may change by a migration that moves their messages. */
  readonly migrate?: readonly string[];
  /** `pulumi destroy` may delete queues that hold messages. */
  readonly destroyNonEmpty?: boolean;
}

/** Where a topology comes from: its files, and a stack's differences. */
export interface TopologySource {
  /** Files, directories (their *.yaml and *.yml, recursively) and globs; relative ones from the working directory. */
  readonly files: readonly string[];
  /** Per-environment differences, the shape of `warren:overrides` (docs/pulumi.md, "Environments"). */
  readonly overrides?: unknown;
  /**
   * The file the overrides were read from, for the positions of their diagnostics: a Pulumi stack file, whose
   * `config: warren:overrides:` they are. Default `<overrides>` (overrides given in code): their diagnostics then
   * say `<overrides>:1:1`, and the JSON form's `pointer` (`/config/warren:overrides/…`) says where.
   */
  readonly overridesFile?: string;
  readonly allow?: TopologyAllowances;
}

export interface LoadedTopology {
  readonly model: TopologyModel;
  readonly plan: Plan;
}

/** The result of a further check: its diagnostics, and whatever else it found. */
export interface Checked {
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadOptions<C extends Checked = Checked> {
  /** What named the files, for the error when a path matches nothing (default `files`). */
  readonly setting?: string;
  /**
   * A further check of the model, whose diagnostics are reported with the topology's (the program's cluster
   * check: `validateCluster`); its result is returned as `checked`.
   */
  readonly check?: (model: TopologyModel) => C;
}

/**
 * Finds, validates and plans a topology. Warnings are logged once; errors
 * (and paths that match no file) throw a `pulumi.RunError` listing each with
 * its `FILE:LINE:COL`.
 */
export function loadTopology<C extends Checked = Checked>(
  source: TopologySource,
  options: LoadOptions<C> = {},
): LoadedTopology & { readonly checked?: C } {
  checkEnvironment(['WARREN_MAX_FILE_BYTES']);
  const setting = options.setting ?? 'files';
  if (!Array.isArray(source.files) || source.files.some((f) => typeof f !== 'string' || f === ''))
    throw runError(`${setting} must be a list of files, directories or globs`);
  const { files, unmatched } = findFiles(source.files);
  if (unmatched.length > 0) throw runError(`${setting} names paths with no topology files: ${unmatched.join(', ')}`);
  const validation = validateTopology(files, { file: source.overridesFile ?? CODE_OVERRIDES, data: source.overrides });
  const checked = options.check?.(validation.model);
  validateOrThrow([...validation.diagnostics, ...(checked?.diagnostics ?? [])]);
  const allow = source.allow ?? {};
  for (const key of ['recreate', 'delete', 'migrate'] as const) {
    const list: unknown = allow[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((id) => typeof id !== 'string' || id === '')))
      throw runError(`warren:allow.${key} must be a list of queue ids (VHOST/queue/NAME)`);
  }
  const plan = compilePlan(validation.model, {
    allowRecreate: allow.recreate ?? [],
    allowDelete: allow.delete ?? [],
    allowMigrate: allow.migrate ?? [],
  });
  return { model: validation.model, plan, ...(checked ? { checked } : {}) };
}

/**
 * The keys of the secrets a plan needs, each once: its users' passwords (`password: { secret: key }`)
 * and its URIs' (federation upstreams, shovels: `{ secret: key }`, `{ uri, password: { secret: key } }`).
 */
export function secretKeys(plan: Plan): string[] {
  return [
    ...new Set(
      plan.entries.flatMap((e) =>
        e.kind === 'user' && e.password.kind === 'secret'
          ? [e.password.key]
          : e.kind === 'parameter'
            ? uriSecretKeys(e)
            : [],
      ),
    ),
  ];
}
