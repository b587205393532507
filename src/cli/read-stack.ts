// `--stack FILE`: a Pulumi stack file whose `warren:overrides` are laid over
// the topology, so that CI can check exactly what a stack will deploy. It is
// read like a topology file, by the same reader with the same guards (a
// regular file within the size limit; aliases, depth, duplicate and misread
// keys, directives); a stack file that cannot be read or that the reader
// refuses is a usage error, at its FILE:LINE:COL. So is one whose overrides
// stand under another namespace (`shop:overrides`, what `new pulumi.Config()`
// reads in a project named shop) with no `warren:overrides`: checking without
// them would pass a topology the stack does not deploy. The file is read and
// parsed once (readStack); its overrides, allowances, settings and cluster
// are taken from that one reading, and loadTopology places findings in the
// same source.
import { readSource } from '../load/read-source.js';
import { SourceFile } from '../load/source-file.js';
import type { Overrides } from '../load-topology.js';
import { checkInputPath, UsageError } from './usage-error.js';
import { isMapping } from '../base/own-keys.js';
import { checkStackConfig, settingsOfStackFile } from '../check/check-stack-config.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { StackConfig } from '../format/stack-config-schema.js';
import { CONFIG_POINTER } from '../format/stack-settings.js';
import { locateInFile } from '../load/locate-findings.js';

/** A stack file given with --stack, read once: its text as the reader parsed it, and its `config` mapping. */
export interface StackFile {
  readonly file: string;
  readonly source: SourceFile;
  readonly config: Record<string, unknown> | undefined;
}

/** The stack file's overrides (with the source they are placed in), or a usage error when they stand elsewhere. */
export function stackOverrides(stack: StackFile | undefined): Overrides | undefined {
  if (stack === undefined) return undefined;
  const { file, config } = stack;
  if (config !== undefined && !('warren:overrides' in config)) {
    const elsewhere = Object.keys(config).filter(
      (key) => key.endsWith(':overrides') && looksLikeOverrides(config[key]),
    );
    if (elsewhere.length > 0)
      throw new UsageError(
        `--stack ${file}: warren reads a stack's overrides from warren:overrides, and this file has ${elsewhere.join(', ')} instead; ` +
          "rename the key, and read it in the program with new pulumi.Config('warren').getObject('overrides')",
      );
  }
  return { file, data: config?.['warren:overrides'], source: stack.source };
}

/** `--stack FILE`'s overrides, the file read for them alone. */
export function readStackOverrides(file: string | undefined): Overrides | undefined {
  return file === undefined ? undefined : stackOverrides(readStack(file));
}

/** A mapping in the shape of a topology file (vhosts, users): another namespace's `overrides` key that is not is left alone. */
function looksLikeOverrides(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key === 'vhosts' || key === 'users');
}

/**
 * The stack's `warren:allow.migrate` (queue ids, `*` for any characters): what `diff --stack` shows as migrations.
 * A `warren:allow` the config schema refuses is a usage error: a diff must not pass a stack `up` would refuse.
 */
export function stackAllowMigrate(stack: StackFile | undefined): string[] {
  if (stack === undefined) return [];
  const { file } = stack;
  const settings = stackSettings(stack);
  const problems = locateInFile(
    checkStackConfig(file, settings).findings.filter((f) => f.pointer.startsWith(`${CONFIG_POINTER}/warren:allow`)),
    file,
  );
  const first = problems[0];
  if (first) {
    // `/config/warren:allow/migrate/0` → warren:allow.migrate[0]: the setting as its docs name it.
    const setting = first.pointer
      .slice(CONFIG_POINTER.length + 1)
      .split('/')
      .map((p, i) => (i === 0 ? p : /^\d+$/.test(p) ? `[${p}]` : `.${p}`))
      .join('');
    throw new UsageError(`--stack ${file}:${first.line}:${first.col}: ${setting}: ${first.message} (${first.code})`);
  }
  return (settings['warren:allow'] as StackConfig['warren:allow'])?.migrate ?? [];
}

/** The stack's `warren:*` settings (but its secrets), as Pulumi hands them to the program: what the config schema checks. */
export function stackSettings(stack: StackFile): Record<string, unknown> {
  return settingsOfStackFile(stack.config ?? {});
}

/** The findings of the config schema about the stack's settings, placed in the stack file. */
export function checkStackFile(stack: StackFile): Diagnostic[] {
  return locateInFile(checkStackConfig(stack.file, stackSettings(stack)).findings, stack.file);
}

/** The stack's `warren:cluster` (RabbitMQ on Kubernetes), undefined when it has none. */
export function stackCluster(stack: StackFile): unknown {
  return stack.config?.['warren:cluster'];
}

/** The user of the admin credentials the stack brings: warren:managementUser, when a managementPassword is set. */
export function stackAdminUser(stack: StackFile): string | undefined {
  const user = stack.config?.['warren:managementUser'];
  return stack.config !== undefined && 'warren:managementPassword' in stack.config && typeof user === 'string'
    ? user
    : undefined;
}

/** Reads and parses the stack file, with a topology file's guards; what cannot be read or is refused is a usage error. */
export function readStack(file: string): StackFile {
  checkInputPath(file, '--stack');
  const read = readSource(file);
  if ('problem' in read) throw new UsageError(`cannot read stack file ${file}: ${read.problem.message}`);
  const source = new SourceFile(file, read.text);
  // An empty stack file is a stack without config.
  const refused = source.findings.filter((f) => f.severity === 'error' && f.code !== 'file-empty');
  const first = refused[0];
  if (first) {
    const more = refused.length > 1 ? ` (and ${refused.length - 1} more)` : '';
    throw new UsageError(
      `cannot read stack file ${file}:${first.line ?? 1}:${first.col ?? 1}: ${first.code}: ${first.message}${more}`,
    );
  }
  const config = (source.data as { config?: unknown } | undefined)?.config;
  return { file, source, config: isMapping(config) ? config : undefined };
}
