// The `warren` command line. Exit codes are the contract's: 0 fine, 1 invalid
// input, 2 usage, 3 a diff change matched --fail-on. Nothing a user types or
// feeds in may end in a stack trace, so every error is caught here, at the
// edge, and reported in one line. A PATH of `-` is standard input (load-topology.ts).
// Output that cannot be written (a closed pipe, a full disk) is watch-output.ts's.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { escapeText } from '../diagnostics/escape-text.js';
import { FAIL_ON, type FailOn } from '../diff/match-fail-on.js';
import { EnvironmentError, environmentProblems, isEnvironmentName } from '../load/read-environment.js';
import { COMMANDS, VALIDATE_FORMATS, type CommandName } from './describe-commands.js';
import { packageVersion } from '../package-root.js';
import { commandHelp, programHelp } from './render-help.js';
import { UsageError, EXIT, usageMessage } from './usage-error.js';
import { outputFailure, watchOutput, writeErr, writeOut } from './watch-output.js';

type Action = (...args: never[]) => number | Promise<number>;

// Each command's module is loaded only when that command runs: `validate` on a
// big topology must not pay for loading what import, diff or the cluster checks use.
const commands = {
  validate: async () => (await import('./validate-command.js')).validateCommand,
  route: async () => (await import('./route-command.js')).routeCommand,
  export: async () => (await import('./export-command.js')).exportCommand,
  import: async () => (await import('./import-command.js')).importCommand,
  diff: async () => (await import('./diff-command.js')).diffCommand,
} satisfies Record<string, () => Promise<Action>>;

function program(setCode: (code: number) => void): Command {
  const run =
    (load: () => Promise<Action>) =>
    async (...args: unknown[]) =>
      setCode(await ((await load()) as (...a: unknown[]) => number | Promise<number>)(...args));
  const format = () => new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');
  const cli = new Command('warren')
    .description('RabbitMQ topology as code: check, route, diff, export and import YAML topologies')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    // Commander's messages quote what was typed (`unknown option '…'`): escaped like every other line.
    .configureOutput({
      writeOut,
      writeErr,
      outputError: (str, write) => write(`${escapeText(str.replace(/\n$/, ''))}\n`),
    })
    .showHelpAfterError('(run warren --help for usage)')
    .addHelpText('after', programHelp())
    // The environment a command reads is checked before it does anything: a value that does not parse is a usage error.
    .hook('preAction', (_, action) => {
      const names = COMMANDS[action.name() as CommandName].env.filter(isEnvironmentName);
      const problems = environmentProblems(names);
      if (problems.length > 0) throw new UsageError(problems.join('; '));
    });
  // Each command's examples, exit codes and environment come from its table (describe-commands.ts).
  const command = (name: CommandName) =>
    cli
      .command(name)
      .addHelpText('after', commandHelp(name))
      .showHelpAfterError(`(run warren ${name} --help for usage)`);
  command('validate')
    .description('load, schema-check and cross-check topology files; print every problem')
    .argument('<paths...>', 'files, directories or globs; - reads standard input')
    .addOption(
      new Option('--format <format>', 'output format (github: Actions annotations; sarif: SARIF 2.1.0)')
        .choices(VALIDATE_FORMATS)
        .default('text'),
    )
    .option('--stack <file>', "also apply a Pulumi stack file's warren:overrides (e.g. stacks/Pulumi.staging.yaml)")
    .action(run(commands.validate));
  command('route')
    .description('the queues a message published to an exchange would reach')
    .argument('<paths...>', 'files, directories or globs; - reads standard input')
    .requiredOption('--vhost <vhost>', 'virtual host')
    .requiredOption('--exchange <exchange>', 'exchange to publish to ("" for the default exchange)')
    .option('--key <key>', 'routing key', '')
    .addOption(
      repeatable(new Option('--header <name=value>', 'message header (repeatable); values read as YAML scalars')),
    )
    .addOption(format())
    .action(run(commands.route));
  command('export')
    .description('the topology as a RabbitMQ definitions document (rabbitmqctl import_definitions)')
    .argument('<paths...>', 'files, directories or globs; - reads standard input')
    .option('--stack <file>', "apply a Pulumi stack file's warren:overrides first")
    .addOption(format())
    .action(run(commands.export));
  command('import')
    .description('a topology (YAML) from a RabbitMQ definitions export (rabbitmqctl export_definitions)')
    .argument('<definitions>', 'the definitions JSON file; - reads standard input')
    .option(
      '-o, --out <dir>',
      'write one file per vhost and users.yaml into this directory (default: one document on stdout)',
    )
    .option('--force', 'with -o: also overwrite files that warren import did not write')
    .addOption(
      repeatable(
        new Option('--vhost <name>', 'import only this vhost and the users with permissions in it (repeatable)'),
      ),
    )
    .option(
      '--broker <url>',
      "management API URL: adds the internal exchanges RabbitMQ's exports leave out (credentials as for diff --broker)",
    )
    .addOption(format())
    .action(run(commands.import));
  command('diff')
    .description(
      'what changes from one topology to another, classed safe, disruptive or data-losing, marked when it widens access',
    )
    .argument('<base>', 'the topology before (file, directory or glob; - reads standard input)')
    .argument('<head>', 'the topology after (one of the two may be -)')
    .option('--stack <file>', "apply a Pulumi stack file's warren:overrides to both sides")
    .option(
      '--broker <url>',
      'management API URL (e.g. http://localhost:15672): live message and consumer counts of the queues at risk; user from the URL or WARREN_BROKER_USER, password WARREN_BROKER_PASSWORD',
    )
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .addOption(
      repeatable(
        new Option(
          '--fail-on <class>',
          'exit 3 when a change is data-losing, disruptive (or data-losing), widens access, or is a queue migration the --stack allows (repeatable)',
        ).choices(FAIL_ON),
        checkFailOn,
      ),
    )
    .action(run(commands.diff));
  for (const c of cli.commands) refuseRepeats(c);
  return cli;
}

/** The options that collect every value given; every other option with a value takes it once. */
const REPEATABLE = new WeakSet<Option>();

function repeatable<T extends string>(option: Option, check: (value: string) => T = (v) => v as T): Option {
  REPEATABLE.add(option);
  return option.argParser((value: string, previous: T[] = []) => [...previous, check(value)]);
}

/**
 * An option that takes one value, given twice (`--vhost a --vhost b`, `-o x --out y`), is a usage error in
 * every command: commander would keep the last silently, and which one the user meant is not ours to guess.
 * Switches without a value (`--force`) may repeat: saying it twice means the same.
 */
function refuseRepeats(command: Command): void {
  for (const option of command.options) {
    if (REPEATABLE.has(option) || !(option.required || option.optional)) continue;
    let given = false;
    command.on(`option:${option.name()}`, () => {
      if (given)
        command.error(`error: option '${option.flags}' takes one value and was given more than once`, {
          exitCode: EXIT.usage,
          code: 'warren.repeatedOption',
        });
      given = true;
    });
  }
}

/** --fail-on, repeatable: each value checked against the choices (commander's own check keeps only the last). */
function checkFailOn(value: string): FailOn {
  if (!(FAIL_ON as readonly string[]).includes(value))
    throw new InvalidArgumentError(`Allowed choices are ${FAIL_ON.join(', ')}.`);
  return value as FailOn;
}

export async function main(argv: readonly string[]): Promise<number> {
  watchOutput();
  const code = await run(argv);
  return outputFailure() ?? code;
}

async function run(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await program((c) => (code = c)).parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    // EnvironmentError: a variable read later than the check before the command (none should be).
    if (error instanceof UsageError || error instanceof EnvironmentError) {
      writeErr(usageMessage(error));
      return EXIT.usage;
    }
    // A bug, not a mistake of the user's: still one line, never a stack.
    writeErr(`warren: internal error: ${escapeText(String((error as Error)?.message ?? error).split('\n')[0]!)}\n`);
    return EXIT.invalid;
  }
}
