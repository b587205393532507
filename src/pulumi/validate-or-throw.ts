// What a Pulumi program does with the diagnostics of its topology (and stack
// config): warnings are logged, once; errors end the program before anything is
// registered. Shared by warren's own program (src/pulumi/index.ts) and the
// Topology component's files form (load-topology.ts), so that both report alike.
import * as pulumi from '@pulumi/pulumi';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { formatDiagnostics } from '../diagnostics/format-diagnostics.js';

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
    throw new pulumi.RunError(
      `the topology or stack config is invalid; nothing was changed:\n${formatDiagnostics(errors, 'text')}`,
    );
}
