// The `warren` command line. Exit codes are the contract's: 0 fine, 1 invalid
// input, 2 usage, 3 a diff change matched --fail-on. Nothing a user types or
// feeds in may end in a stack trace, so every error is caught here, at the
// edge, and reported in one line. A PATH of `-` is standard input (load-topology.ts).
// Each command is its module's CommandSpec (commands.ts lists them).
// Output that cannot be written (a closed pipe, a full disk) is watch-output.ts's.
import { Command, CommanderError } from 'commander';
import { escapeText } from '../diagnostics/escape-text.js';
import { EnvironmentError, environmentProblems, isEnvironmentName } from '../load/read-environment.js';
import { type CommandSpec, REPEATABLE } from './command-spec.js';
import { isCommandName, loadCommand, loadCommands } from './commands.js';
import { packageVersion } from '../package-root.js';
import { commandHelp, programHelp } from './render-help.js';
import { UsageError, EXIT, usageMessage } from './usage-error.js';
import { outputFailure, watchOutput, writeErr, writeOut } from './watch-output.js';

/**
 * The program with `specs` as its commands. Only the command named is loaded to run it; help, a mistyped
 * command (commander suggests the closest) and --version load them all.
 */
function program(specs: readonly CommandSpec[], setCode: (code: number) => void): Command {
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
    .addHelpText('after', programHelp());
  for (const spec of specs) {
    const command = spec
      .configure(cli.command(spec.name).description(spec.description))
      .addHelpText('after', commandHelp(spec))
      .showHelpAfterError(`(run warren ${spec.name} --help for usage)`)
      // The environment a command reads is checked before it does anything: a value that does not parse is a usage error.
      .hook('preAction', () => {
        const problems = environmentProblems(spec.env.filter(isEnvironmentName));
        if (problems.length > 0) throw new UsageError(problems.join('; '));
      })
      .action(async (...args: unknown[]) =>
        setCode(await (spec.run as (...a: unknown[]) => number | Promise<number>)(...args)),
      );
    refuseRepeats(command);
  }
  return cli;
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

export async function main(argv: readonly string[]): Promise<number> {
  watchOutput();
  const code = await run(argv);
  return outputFailure() ?? code;
}

async function run(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.ok;
  try {
    const name = argv[0] ?? '';
    const specs = isCommandName(name) ? [await loadCommand(name)] : await loadCommands();
    await program(specs, (c) => (code = c)).parseAsync([...argv], { from: 'user' });
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
