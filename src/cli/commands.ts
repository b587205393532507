// The commands, in the order help lists them. Each one's module (its CommandSpec
// and everything it runs) is loaded only when needed: `warren validate` on a
// big topology must not pay for loading what import and diff use.
import type { CommandSpec } from './command-spec.js';

const LOADERS = {
  validate: async () => (await import('./validate-command.js')).validate,
  route: async () => (await import('./route-command.js')).route,
  diff: async () => (await import('./diff-command.js')).diff,
  export: async () => (await import('./export-command.js')).exportSpec,
  import: async () => (await import('./import-command.js')).importSpec,
  graph: async () => (await import('./graph-command.js')).graph,
  drift: async () => (await import('./drift-command.js')).drift,
} satisfies Record<string, () => Promise<CommandSpec>>;

export type CommandName = keyof typeof LOADERS;
export const COMMAND_NAMES = Object.keys(LOADERS) as CommandName[];

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as string[]).includes(name);
}

export function loadCommand(name: CommandName): Promise<CommandSpec> {
  return LOADERS[name]();
}

export function loadCommands(): Promise<CommandSpec[]> {
  return Promise.all(COMMAND_NAMES.map(loadCommand));
}
