// What a Pulumi program does with the diagnostics of its topology (and stack
// config): warnings are logged, once; errors end the program before anything is
// registered. Shared by warren's own program (src/pulumi/index.ts) and the
// Topology component's files form (load-topology.ts), so that both report alike.
import * as pulumi from '@pulumi/pulumi';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatDiagnostics } from '../diagnostics/format-diagnostics.js';
import { type EnvironmentName, environmentProblems } from '../load/read-environment.js';
import { withoutStack } from './dynamic/plain-error.js';

/**
 * Logs the warnings as one message, then throws one `RunError` (Pulumi prints
 * its message, no stack trace) listing every error as `FILE:LINE:COL: error
 * CODE: message`, when there is one.
 */
export function validateOrThrow(diagnostics: readonly Diagnostic[]): void {
  // One message for all warnings: each log call is an engine RPC whose promise the SDK tags with a
  // source-mapped stack trace, which made a hundred warnings cost about half a second.
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  if (warnings.length > 0) pulumi.log.warn(formatDiagnostics(warnings, 'text').trimEnd());
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0)
    throw runError(
      `the topology or stack config is invalid; nothing was changed:\n${formatDiagnostics(errors, 'text')}`,
    );
}

/**
 * Ends the program before anything is registered when a variable of `names`
 * does not parse (read-environment.ts), with one RunError naming each: what
 * the program, or the dynamic providers later, would read must not fail half
 * way through an update.
 */
export function checkEnvironment(names: readonly EnvironmentName[]): void {
  const problems = environmentProblems(names);
  if (problems.length > 0)
    throw runError(`the environment is invalid; nothing was changed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/**
 * A `RunError` without a stack trace. Pulumi prints a RunError's message only, but its Node.js runner
 * also formats the error with `util.inspect(err, { colors: true })`; on Node 20.20 that loops until
 * "Invalid string length" on a source-mapped frame such as `node_modules/@pulumi/resource.ts:1598:22`
 * (markNodeModules finds no separator after the module name), about 20 s of a failing `pulumi up`
 * spent in garbage collection before the runner retries without colours. Without a stack there is
 * nothing to format: the run ends in seconds.
 */
export function runError(message: string): pulumi.RunError {
  return withoutStack(new pulumi.RunError(message));
}
