// The pipeline (load-topology.ts) at a Pulumi program's edge: what the
// Topology component's files form and warren's own program call. Warnings are
// logged once; errors, and paths that match no file, end the program with one
// RunError before any resource exists.
import type { TopologyModel } from '../model/topology-model.js';
import type { Plan } from '../plan/plan-types.js';
import { CODE_OVERRIDES, type Checked, loadTopology } from '../load-topology.js';
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

export interface PlannedTopology<C extends Checked = Checked> {
  readonly model: TopologyModel;
  readonly plan: Plan;
  readonly checked?: C;
}

export interface LoadOptions<C extends Checked = Checked> {
  /** What named the files, for the error when a path matches nothing (default `files`). */
  readonly setting?: string;
  /** A further check of the model, reported with the topology's diagnostics (warren's program: `validateCluster`). */
  readonly check?: (model: TopologyModel) => C;
}

/** Finds, validates and plans a topology, or throws a `pulumi.RunError` listing each problem with its `FILE:LINE:COL`. */
export function loadOrThrow<C extends Checked = Checked>(
  source: TopologySource,
  options: LoadOptions<C> = {},
): PlannedTopology<C> {
  checkEnvironment(['WARREN_MAX_FILE_BYTES']);
  const setting = options.setting ?? 'files';
  if (!Array.isArray(source.files) || source.files.some((f) => typeof f !== 'string' || f === ''))
    throw runError(`${setting} must be a list of files, directories or globs`);
  const allow = source.allow ?? {};
  for (const key of ['recreate', 'delete', 'migrate'] as const) {
    const list: unknown = allow[key];
    if (list !== undefined && (!Array.isArray(list) || list.some((id) => typeof id !== 'string' || id === '')))
      throw runError(`warren:allow.${key} must be a list of queue ids (VHOST/queue/NAME)`);
  }
  const loaded = loadTopology({
    paths: source.files,
    overrides: { file: source.overridesFile ?? CODE_OVERRIDES, data: source.overrides },
    allow: { allowRecreate: allow.recreate ?? [], allowDelete: allow.delete ?? [], allowMigrate: allow.migrate ?? [] },
    ...(options.check ? { check: options.check } : {}),
  });
  if (loaded.unmatched.length > 0)
    throw runError(`${setting} names paths with no topology files: ${loaded.unmatched.join(', ')}`);
  validateOrThrow(loaded.diagnostics);
  return { model: loaded.model, plan: loaded.plan!, ...(loaded.checked ? { checked: loaded.checked } : {}) };
}
