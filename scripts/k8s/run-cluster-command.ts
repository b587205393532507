// The command line of scripts/k8s-cluster.sh, as a function: the environment's
// numbers are checked first (a bad one: exit 2, nothing started), then the
// arguments, then the command runs. Every failure is one `[k8s-cluster] error:`
// line on standard error and an exit code, never a stack trace.
import { bringUp } from './bring-up.js';
import { ClusterError, EXIT_FAILED, formatError, reason } from './log.js';
import { parseArguments } from './parse-arguments.js';
import { readSettings } from './read-env-numbers.js';
import { reportStatus } from './report-status.js';
import { takeDown } from './take-down.js';

/** The exit code of `scripts/k8s-cluster.sh ARGV...`. */
export async function runClusterCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  try {
    const settings = readSettings(env);
    const { command, dir, realPods } = parseArguments(argv);
    switch (command) {
      case 'up':
        await bringUp(dir, realPods, settings, env);
        return 0;
      case 'down':
        await takeDown(dir, settings);
        return 0;
      case 'status':
        return await reportStatus(dir, settings);
    }
  } catch (error) {
    if (error instanceof ClusterError) {
      process.stderr.write(formatError(error.message));
      return error.exitCode;
    }
    process.stderr.write(formatError(`unexpected: ${reason(error)}`));
    return EXIT_FAILED;
  }
}
