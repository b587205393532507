// The Pulumi toolchain's environment, as toolchain/install-toolchain.sh records
// it for programs in ${WARREN_CACHE_DIR:-~/.cache/warren}/toolchain/env.json
// (the same values as env.sh beside it, which is for scripts): read as data,
// never by parsing shell.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface ToolchainEnv {
  /** Directories to put first on PATH, in order. */
  readonly path: string[];
  /** Variables to set. */
  readonly env: Record<string, string>;
}

export function toolchainEnvFile(): string {
  return join(process.env.WARREN_CACHE_DIR ?? join(homedir(), '.cache/warren'), 'toolchain', 'env.json');
}

export function readToolchainEnv(file = toolchainEnvFile()): ToolchainEnv {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    throw new Error(
      `${file} is missing: run scripts/setup.sh (toolchain/install-toolchain.sh writes it, also when everything is cached)`,
    );
  }
  const data = JSON.parse(text) as Partial<ToolchainEnv>;
  const isStrings = (values: unknown[]) => values.every((v) => typeof v === 'string');
  if (
    !Array.isArray(data.path) ||
    !isStrings(data.path) ||
    typeof data.env !== 'object' ||
    data.env === null ||
    !isStrings(Object.values(data.env))
  )
    throw new Error(`${file} is not { "path": [directories], "env": { NAME: value } }: run scripts/setup.sh`);
  return { path: data.path, env: data.env };
}

/** `base` with the toolchain's directories first on PATH and its variables set. */
export function withToolchain(base: NodeJS.ProcessEnv = process.env, file = toolchainEnvFile()): NodeJS.ProcessEnv {
  const toolchain = readToolchainEnv(file);
  return { ...base, ...toolchain.env, PATH: [...toolchain.path, ...(base.PATH ? [base.PATH] : [])].join(delimiter) };
}
