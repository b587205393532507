// The command line: `up DIR [--real-pods]`, `down DIR`, `status DIR`. A
// mistake is exit 2 with the usage; DIR is made absolute with its existing
// part's symlinks resolved (what `realpath -m` gives), because the components'
// command lines are matched against it (findPid).
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { EXIT_USAGE, fail } from './log.js';

export const USAGE = 'usage: scripts/k8s-cluster.sh up DIR [--real-pods] | down DIR | status DIR';

export type Command = 'up' | 'down' | 'status';

export interface Arguments {
  readonly command: Command;
  readonly dir: string;
  readonly realPods: boolean;
}

const COMMANDS: readonly string[] = ['up', 'down', 'status'] satisfies Command[];

export function parseArguments(argv: readonly string[], cwd = process.cwd()): Arguments {
  const [command, dir, flag, ...extra] = argv;
  if (command === undefined || !COMMANDS.includes(command) || !dir || extra.length > 0) fail(USAGE, EXIT_USAGE);
  if (flag !== undefined && (flag !== '--real-pods' || command !== 'up')) fail(USAGE, EXIT_USAGE);
  const resolved = resolveDir(dir, cwd);
  if (resolved === '/') fail('refusing to use / as the cluster directory');
  return { command: command as Command, dir: resolved, realPods: flag !== undefined };
}

/** `path` absolute, the symlinks of its longest existing prefix resolved, the rest as written. */
export function resolveDir(path: string, cwd = process.cwd()): string {
  const absolute = resolve(cwd, path);
  const rest: string[] = [];
  for (let head = absolute; ; head = dirname(head)) {
    try {
      return join(realpathSync(head), ...rest);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') fail(`cannot resolve ${absolute}: ${(error as Error).message}`);
    }
    if (dirname(head) === head) return absolute;
    rest.unshift(basename(head));
  }
}
