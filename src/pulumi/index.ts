// The Pulumi program's entry point, and the one place stack config is read.
// Topology paths, overrides and allowances come from `warren:*` config; the
// broker password and users' passwords are secrets of the stack.
//   warren:topology        list of files/directories/globs (default: [topology/])
//   warren:overrides       per-environment differences (README, "Environments")
//   warren:allow           { recreate: [queue ids], delete: [queue ids] }
//   warren:protectQueues   mark queues `protect` as well (default false)
//   warren:managementUrl, warren:managementUser, warren:managementPassword (secret)
//   warren:<key>           (secret) the password of each user with { secret: <key> }
import { isAbsolute, join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { formatDiagnostics } from '../cli/print-diagnostics.js';
import { findFiles } from '../load/find-files.js';
import { compilePlan } from '../plan/compile-plan.js';
import { validateTopology } from '../validate-topology.js';
import { Topology } from './create-topology.js';

// Paths in config are relative to the project (where Pulumi.yaml is), whatever
// directory the language host starts the program in.
const root = projectRoot();
const config = new pulumi.Config('warren');
const paths = (config.getObject<string[]>('topology') ?? ['topology/']).map((p) => (isAbsolute(p) ? p : join(root, p)));
const allow = config.getObject<{ recreate?: string[]; delete?: string[] }>('allow') ?? {};
const stackFile = join(root, 'stacks', `Pulumi.${pulumi.getStack()}.yaml`);

const { files, unmatched } = findFiles(paths);
if (unmatched.length > 0) throw new pulumi.RunError(`warren:topology names paths with no topology files: ${unmatched.join(', ')}`);
const validation = validateTopology(files, { file: stackFile, data: config.getObject('overrides') });
for (const d of validation.diagnostics.filter((d) => d.severity === 'warning')) pulumi.log.warn(formatDiagnostics([d], 'text').trimEnd());
if (!validation.valid) {
  // RunError ends the program with this message and no stack trace; nothing was registered.
  throw new pulumi.RunError(`the topology is invalid; nothing was changed:\n${formatDiagnostics(validation.diagnostics.filter((d) => d.severity === 'error'), 'text')}`);
}

const plan = compilePlan(validation.model, { allowRecreate: allow.recreate ?? [], allowDelete: allow.delete ?? [] });
const secretKeys = [...new Set(plan.entries.flatMap((e) => (e.kind === 'user' && e.password.kind === 'secret' ? [e.password.key] : [])))];
const secrets = Object.fromEntries(secretKeys.map((key) => [key, key.includes(':') ? new pulumi.Config(key.split(':')[0]).requireSecret(key.split(':').slice(1).join(':')) : config.requireSecret(key)]));

const topology = new Topology('topology', plan, {
  broker: { url: config.require('managementUrl'), username: config.require('managementUser'), password: config.requireSecret('managementPassword') },
  secrets,
  protectQueues: config.getBoolean('protectQueues') ?? false,
});

export const managedObjects = plan.entries.length;
export const queues = Object.keys(plan.guard.queues);
export const guard = topology.guard.urn;

/** The directory of Pulumi.yaml. */
function projectRoot(): string {
  try {
    const dir = pulumi.runtime.getRootDirectory();
    if (dir) return dir;
  } catch {
    // Older language hosts do not pass it; fall through.
  }
  throw new pulumi.RunError('the language host did not say where the project is (Pulumi.yaml)');
}
