// `--stack FILE`: a Pulumi stack file whose `warren:overrides` are laid over
// the topology, so that CI can check exactly what a stack will deploy. It is
// read like a topology file, by the same reader with the same guards (a
// regular file within the size limit; aliases, depth, duplicate and misread
// keys, directives); a stack file that cannot be read or that the reader
// refuses is a usage error, at its FILE:LINE:COL. So is one whose overrides
// stand under another namespace (`shop:overrides`, what `new pulumi.Config()`
// reads in a project named shop) with no `warren:overrides`: checking without
// them would pass a topology the stack does not deploy.
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

export function readStackOverrides(file: string | undefined): Overrides | undefined {
  if (file === undefined) return undefined;
  const config = stackConfig(file);
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
  return { file, data: config?.['warren:overrides'] };
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
export function readStackAllowMigrate(file: string | undefined): string[] {
  if (file === undefined) return [];
  const settings = readStackSettings(file);
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
export function readStackSettings(file: string): Record<string, unknown> {
  return settingsOfStackFile(stackConfig(file) ?? {});
}

/** The findings of the config schema about the stack's settings, placed in the stack file. */
export function checkStackFile(file: string): Diagnostic[] {
  return locateInFile(checkStackConfig(file, readStackSettings(file)).findings, file);
}

/** The stack's `warren:cluster` (RabbitMQ on Kubernetes), undefined when it has none. */
export function readStackCluster(file: string): unknown {
  return stackConfig(file)?.['warren:cluster'];
}

function stackConfig(file: string): Record<string, unknown> | undefined {
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
  return isMapping(config) ? config : undefined;
}
