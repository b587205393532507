// A mistake in how warren was called (exit 2), as opposed to a problem in the
// topology (exit 1). Exit 3 is `warren diff --fail-on`: a change matched;
// exit 4 is `warren drift`: drift found.
// Paths and URLs a user typed are checked here, before anything is read, so
// that each kind of mistake has one exit code in every command.
import { statSync } from 'node:fs';
import { brokerTls, parseBrokerUrl, redactUrl, type BrokerAddress } from '../broker/read-management.js';
import { escapeText } from '../diagnostics/escape-text.js';
import type { TopologyFiles } from '../load-topology.js';
import { readSource } from '../load/read-source.js';
import { describeError } from './describe-error.js';
import { writeErr } from './watch-output.js';

export class UsageError extends Error {}

export const EXIT = { ok: 0, invalid: 1, usage: 2, failOn: 3, drift: 4 } as const;

/**
 * `--broker URL` of diff and import; the message never shows the URL's
 * credentials. Falling back to RabbitMQ's default user is said on stderr
 * (a deployed broker rarely has it, and a silent 401 would puzzle).
 */
export function checkBrokerOption(url: string | undefined): BrokerAddress | undefined {
  if (url === undefined) return undefined;
  const address = parseBrokerUrl(url);
  if ('error' in address) throw new UsageError(`--broker ${redactUrl(url)}: ${address.error}`);
  // Bounded reads of regular files only (readSource): a FIFO or /dev/zero named here must not hang.
  const tls = brokerTls(process.env, (path) => {
    const read = readSource(path);
    if ('problem' in read) throw new Error(read.problem.message);
    return read.text;
  });
  if (tls && 'error' in tls) throw new UsageError(`--broker: ${tls.error}`);
  const missing = address.defaulted
    .map((d) => `${d} (in the URL or WARREN_BROKER_${d.toUpperCase()})`)
    .join(' and no ');
  if (missing !== '')
    writeErr(
      `warning: --broker: no ${missing}; using RabbitMQ's default ${address.defaulted.length === 2 ? 'user guest and its password' : address.defaulted[0] === 'user' ? 'user, guest' : "user's password"}\n`,
    );
  return { ...address, ...(tls ? { tls } : {}) };
}

/** A path given on the command line (not `-`) must exist: one that does not is a usage error in every command. */
export function checkInputPath(path: string, what: string): void {
  if (path === '') throw new UsageError(`${what}: the path is empty`);
  try {
    statSync(path);
  } catch (error) {
    throw new UsageError(`${what} ${path}: ${describeError(error)}`);
  }
}

/** Topology PATH arguments, for the pipeline: none may be empty, and `-` is standard input. */
export function topologyPaths(paths: readonly string[]): TopologyFiles {
  if (paths.includes('')) throw new UsageError('a PATH is empty');
  return { paths, stdin: true };
}

/** What the pipeline loaded, unless a PATH matched no topology file: that is a usage error, not a diagnostic. */
export function everyPathMatched<T extends { readonly unmatched: readonly string[] }>(loaded: T): T {
  if (loaded.unmatched.length > 0) throw new UsageError(`no topology files at: ${loaded.unmatched.join(', ')}`);
  return loaded;
}

/** UsageError messages are printed as one line whatever the path holds. */
export function usageMessage(error: Error): string {
  return `warren: ${escapeText(error.message)}\n`;
}
