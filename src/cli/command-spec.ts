// What a command is: each command's module (X-command.ts) exports one
// CommandSpec — its name, arguments and options, examples, exit codes, the
// environment it reads, and `run` — and main.ts loops over them (commands.ts
// lists them). `--help` (render-help.ts) and the command-line reference in
// docs/cli.md are generated from the specs, and test/cli/cli-help.test.ts
// checks docs/cli.md against them, so the two cannot drift. The exit codes are
// the contract's (topology-format.md, "Command line"): 1 invalid input, 2
// usage, 3 only for diff --fail-on; test/cli/cli-exit-codes.test.ts makes each
// mistake in each command.
import { type Command, Option } from 'commander';
import { describeEnvironment } from '../load/read-environment.js';

export interface CommandSpec {
  readonly name: string;
  /** One line, for `warren --help`'s list and the command's own help. */
  readonly description: string;
  /** The synopsis, as the contract writes it. */
  readonly usage: string;
  /** Adds the command's arguments and options (commander: its action gets them in order, then the options). */
  readonly configure: (command: Command) => Command;
  readonly examples: readonly (readonly [command: string, does: string])[];
  /** What the code means for this command; for 1 and 2, beyond what it means for every command (EXITS). */
  readonly exits: readonly (readonly [code: ExitCode, when: string])[];
  readonly env: readonly EnvName[];
  /** Runs the command with what `configure` declared; returns the exit code. */
  readonly run: (...args: never[]) => number | Promise<number>;
}

/** The argument of the commands that read topologies. */
export const PATHS_ARGUMENT = ['<paths...>', 'files, directories or globs; - reads standard input'] as const;

/** `--format` of the commands whose output is text or JSON. */
export function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');
}

/** `--format` of the commands that report diagnostics: the contract's text and json, and annotations for CI. */
export const CI_FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type CiFormat = (typeof CI_FORMATS)[number];

export function ciFormatOption(): Option {
  return new Option('--format <format>', 'output format (github: Actions annotations; sarif: SARIF 2.1.0)')
    .choices(CI_FORMATS)
    .default('text');
}

/** The options that collect every value given; every other option with a value takes it once (main.ts). */
export const REPEATABLE = new WeakSet<Option>();

export function repeatable<T extends string>(option: Option, check: (value: string) => T = (v) => v as T): Option {
  REPEATABLE.add(option);
  return option.argParser((value: string, previous: T[] = []) => [...previous, check(value)]);
}

/** The mistakes every command can make, so each command's table lists only its own. */
export const COMMON_INVALID =
  'an input (a file or standard input) that cannot be read, is not a regular file, is over the size limit or is not UTF-8';
export const COMMON_USAGE =
  'an unknown command or option, a missing or extra argument, an option value not allowed, a path that does not exist or matches no file, output that cannot be written';

/** What each exit code means, whatever the command. */
export const EXITS = {
  0: 'success (warnings allowed)',
  1: `invalid input: errors in the topology or definitions given, or ${COMMON_INVALID}`,
  2: `usage error: ${COMMON_USAGE}`,
  3: 'warren diff --fail-on: a change matched',
  4: 'warren drift: drift found',
} as const;
export type ExitCode = keyof typeof EXITS;

export const ENV = {
  WARREN_MAX_FILE_BYTES: `size limit of every input file and of standard input: ${describeEnvironment('WARREN_MAX_FILE_BYTES')} (64 MiB); anything else: exit 2`,
  NO_COLOR:
    'any non-empty value: no colour (https://no-color.org); otherwise the severities of problem lines are coloured on a terminal, never in a pipe or file',
  FORCE_COLOR: '0 or false: no colour; other values are ignored (a pipe or file is never coloured)',
  TERM: 'dumb: no colour',
  WARREN_BROKER_USER: '--broker: the management user when the URL has none (default guest)',
  WARREN_BROKER_PASSWORD: "--broker: that user's password when the URL has none (default guest)",
  WARREN_BROKER_CA_FILE: '--broker https: CA certificates (PEM) to trust beyond the system ones',
  WARREN_BROKER_CERT_FILE: '--broker https: client certificate (PEM), with WARREN_BROKER_KEY_FILE',
  WARREN_BROKER_KEY_FILE: "--broker https: the client certificate's key (PEM)",
  WARREN_BROKER_INSECURE: `--broker https: true skips checking the broker's certificate (${describeEnvironment('WARREN_BROKER_INSECURE')}; anything else: exit 2)`,
  WARREN_MANAGEMENT_TIMEOUT_MS: `--broker: how long each request waits for an answer: ${describeEnvironment('WARREN_MANAGEMENT_TIMEOUT_MS')}; anything else: exit 2`,
} as const;
export type EnvName = keyof typeof ENV;

/** What every command reads. */
export const COMMON_ENV: readonly EnvName[] = ['WARREN_MAX_FILE_BYTES', 'NO_COLOR', 'FORCE_COLOR', 'TERM'];
export const BROKER_ENV: readonly EnvName[] = [
  'WARREN_BROKER_USER',
  'WARREN_BROKER_PASSWORD',
  'WARREN_BROKER_CA_FILE',
  'WARREN_BROKER_CERT_FILE',
  'WARREN_BROKER_KEY_FILE',
  'WARREN_BROKER_INSECURE',
  'WARREN_MANAGEMENT_TIMEOUT_MS',
];
