// One table per command: its examples, exit codes and the environment
// variables it reads. `--help` (render-help.ts) and the command-line reference
// in docs/cli.md are both generated from here, and test/cli/cli-help.test.ts checks
// docs/cli.md against it, so the two cannot drift. The exit codes are the
// contract's (topology-format.md, "Command line"): 1 invalid input, 2 usage,
// 3 only for diff --fail-on; test/cli/cli-exit-codes.test.ts makes each mistake
// in each command.
import { describeEnvironment } from '../load/read-environment.js';

/** `validate --format`: the contract's text and json, and annotations for CI (github, sarif). */
export const VALIDATE_FORMATS = ['text', 'json', 'github', 'sarif'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export type CommandName = 'validate' | 'route' | 'diff' | 'export' | 'import';

export interface CommandDoc {
  /** The synopsis, as the contract writes it. */
  readonly usage: string;
  readonly examples: readonly (readonly [command: string, does: string])[];
  /** What the code means for this command; for 1 and 2, beyond what it means for every command (EXITS). */
  readonly exits: readonly (readonly [code: ExitCode, when: string])[];
  readonly env: readonly EnvName[];
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
const COMMON_ENV: readonly EnvName[] = ['WARREN_MAX_FILE_BYTES', 'NO_COLOR', 'FORCE_COLOR', 'TERM'];
const BROKER_ENV: readonly EnvName[] = [
  'WARREN_BROKER_USER',
  'WARREN_BROKER_PASSWORD',
  'WARREN_BROKER_CA_FILE',
  'WARREN_BROKER_CERT_FILE',
  'WARREN_BROKER_KEY_FILE',
  'WARREN_BROKER_INSECURE',
  'WARREN_MANAGEMENT_TIMEOUT_MS',
];

export const COMMANDS: Readonly<Record<CommandName, CommandDoc>> = {
  validate: {
    usage: 'warren validate PATH...',
    examples: [
      ['warren validate topology/', 'every problem, one FILE:LINE:COL line each'],
      ["warren validate 'teams/*.yaml' --stack stacks/Pulumi.staging.yaml", "with a stack's overrides"],
      ['cat shop.yaml | warren validate -', 'standard input, reported as <stdin>'],
      ['warren validate topology/ --format github', 'GitHub Actions annotations'],
      ['warren validate topology/ --format sarif > warren.sarif', 'SARIF 2.1.0 for code scanning'],
    ],
    exits: [
      [0, 'valid (warnings allowed)'],
      [1, "invalid: an error in the topology or in the stack's cluster config"],
      [2, 'a --stack file that cannot be read, or with overrides under another key than warren:overrides'],
    ],
    env: COMMON_ENV,
  },
  route: {
    usage: 'warren route PATH... --vhost V --exchange E [--key K] [--header k=v]...',
    examples: [
      ['warren route topology/ --vhost shop --exchange orders --key order.created.us', 'the queues reached'],
      [
        'warren route topology/ --vhost shop --exchange reports --header format=pdf --format json',
        '{ "queues": [...] }',
      ],
    ],
    exits: [
      [0, 'routed (the list may be empty)'],
      [1, 'an invalid topology, an undeclared vhost or exchange, an internal exchange'],
      [2, 'no --vhost or --exchange, a --header without ='],
    ],
    env: COMMON_ENV,
  },
  diff: {
    usage: 'warren diff BASE HEAD [--fail-on CLASS]...',
    examples: [
      ['warren diff main-checkout/topology topology --format markdown', 'for a pull-request comment'],
      ['git show main:topology/shop.yaml | warren diff - topology/shop.yaml', 'one side from standard input'],
      ['warren diff base/ head/ --fail-on data-losing --fail-on access', 'exit 3 when a change matches'],
      ['warren diff base/ head/ --broker http://localhost:15672', 'live counts of the queues at risk'],
    ],
    exits: [
      [0, 'no change matched --fail-on, whatever the changes (a broker that cannot be read only warns)'],
      [1, 'either side invalid'],
      [
        2,
        'BASE and HEAD both -, an unknown --fail-on class, a --broker that is not an http(s) URL or whose TLS files cannot be read, a --stack file that cannot be read, or with overrides under another key than warren:overrides',
      ],
      [3, 'a change matched --fail-on (data-losing; disruptive, which includes data-losing; access)'],
    ],
    env: [...COMMON_ENV, ...BROKER_ENV],
  },
  export: {
    usage: 'warren export PATH...',
    examples: [
      ['warren export topology/ > definitions.json', 'then: rabbitmqctl import_definitions definitions.json'],
      ['warren export topology/ --stack stacks/Pulumi.staging.yaml', "with a stack's overrides"],
    ],
    exits: [
      [0, 'exported'],
      [1, 'an invalid topology'],
      [2, 'a --stack file that cannot be read, or with overrides under another key than warren:overrides'],
    ],
    env: COMMON_ENV,
  },
  import: {
    usage: 'warren import DEFINITIONS.json',
    examples: [
      ['warren import definitions.json -o topology/', 'one file per vhost and users.yaml'],
      ['curl -su guest:guest localhost:15672/api/definitions | warren import -', 'one document on stdout'],
      ['warren import definitions.json --vhost shop --broker http://localhost:15672', 'one vhost, internal exchanges'],
    ],
    exits: [
      [0, 'imported, and the result is a valid topology'],
      [
        1,
        'not a definitions export, a --vhost the export does not hold, a --broker that cannot be read, a result with errors, whose files are still written',
      ],
      [
        2,
        'a --broker that is not an http(s) URL, an -o that cannot be a directory or be written, an -o file warren import did not write, unless --force',
      ],
    ],
    env: [...COMMON_ENV, ...BROKER_ENV],
  },
};
