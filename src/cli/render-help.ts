// The commands' specs (command-spec.ts) as text: after commander's own help
// (`warren COMMAND --help`, complete on its own), and as the command-line
// reference in docs/cli.md (Markdown, where what every command shares is said
// once; test/cli/cli-help.test.ts checks docs/cli.md against it).
import {
  type CommandSpec,
  COMMON_INVALID,
  COMMON_USAGE,
  ENV,
  EXITS,
  type EnvName,
  type ExitCode,
} from './command-spec.js';

// Commander wraps its own help at 80 columns when not on a terminal; the tables match it.
const WIDTH = 80;
const STDIN = 'A PATH of - reads standard input (named <stdin> in problems), up to WARREN_MAX_FILE_BYTES.';

/** What `warren COMMAND --help` prints after the options. */
export function commandHelp(doc: CommandSpec): string {
  return [
    '',
    'Examples:',
    ...doc.examples.flatMap(([command, does]) => [`  $ ${command}`, ...wrap(does, 6)]),
    '',
    'Exit codes:',
    ...doc.exits.flatMap(([code, when]) => wrap(`${code}  ${inFull(code, when)}`, 5, 2)),
    '',
    'Environment:',
    ...envLines(doc.env),
    '',
    ...wrap(STDIN, 0),
  ].join('\n');
}

/** What `warren --help` prints after the command list. */
export function programHelp(): string {
  return [
    '',
    'warren COMMAND --help: its examples, exit codes and environment.',
    ...wrap(STDIN, 0),
    '',
    'Exit codes:',
    ...Object.entries(EXITS).flatMap(([code, meaning]) => wrap(`${code}  ${meaning}`, 5, 2)),
    '',
    'Environment:',
    ...envLines(Object.keys(ENV) as EnvName[]),
  ].join('\n');
}

/** The command-line reference of docs/cli.md, between its markers, from every command's spec in order. */
export function cliReference(specs: readonly CommandSpec[]): string {
  const examples = specs.flatMap((s) => s.examples);
  const width = Math.max(...examples.map(([command]) => command.length));
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const own = (code: ExitCode, when: string) =>
    code === 2 ? `usage (also: ${when})` : code === 1 ? `${when} (or an input error)` : when;
  return [
    '```sh',
    ...examples.map(([command, does]) => `${command.padEnd(width)}  # ${does}`),
    '```',
    '',
    '| exit code | meaning in every command |',
    '|---|---|',
    ...Object.entries(EXITS).map(([code, meaning]) => `| ${code} | ${cell(meaning)} |`),
    '',
    '| command | exit codes | environment |',
    '|---|---|---|',
    ...specs.map((doc) => {
      const exits = doc.exits.map(([code, when]) => `**${code}** ${cell(own(code, when))}`).join('; ');
      const env = doc.env.map((e) => `\`${e}\``).join(', ');
      return `| \`${cell(doc.usage)}\` | ${exits} | ${env} |`;
    }),
    '',
    '| variable | effect |',
    '|---|---|',
    ...(Object.keys(ENV) as EnvName[]).map((e) => `| \`${e}\` | ${cell(ENV[e])} |`),
  ].join('\n');
}

/** A command's exit code with what it means in every command (1 and 2). */
function inFull(code: ExitCode, when: string): string {
  if (code === 1) return `${when}; ${COMMON_INVALID}`;
  if (code === 2) return `usage: ${COMMON_USAGE}; ${when}`;
  return when;
}

function envLines(names: readonly EnvName[]): string[] {
  const width = Math.max(...names.map((e) => e.length));
  return names.flatMap((e) => wrap(`${e.padEnd(width)}  ${ENV[e]}`, width + 4, 2));
}

/** Words to lines of at most WIDTH columns; the first line indented by `first`, the others by `indent`. */
function wrap(text: string, indent: number, first = indent): string[] {
  const lines: string[] = [];
  let line = ' '.repeat(first);
  for (const word of text.split(' ')) {
    if (line.trim() !== '' && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(indent);
    }
    line += line.trim() === '' ? word : ` ${word}`;
  }
  return [...lines, line];
}
