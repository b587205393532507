// The `yaml` package, loaded on first use: it writes what `warren import`
// outputs and reads a kubeconfig. It never reads a topology, a stack file or a
// definitions export (read-yaml.ts does), and loading it costs more than a
// clean small topology takes to check.
//
// Its parser and composer print every token to stdout when LOG_TOKENS or
// LOG_STREAM is set (debugging switches of the package, read on every token).
// Names that generic may well be set in a CI job: they would corrupt
// `--format json` or SARIF on stdout. Its parse functions are given here with
// those two hidden for the length of the (synchronous) call.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;

export function yamlLib(): typeof Yaml {
  lib ??= quiet(createRequire(import.meta.url)('yaml') as typeof Yaml);
  return lib;
}

const DEBUG_SWITCHES = ['LOG_TOKENS', 'LOG_STREAM'] as const;

function quiet(y: typeof Yaml): typeof Yaml {
  return {
    ...y,
    parse: ((...args: Parameters<typeof y.parse>) => withoutSwitches(() => y.parse(...args))) as typeof y.parse,
    parseDocument: ((...args: Parameters<typeof y.parseDocument>) =>
      withoutSwitches(() => y.parseDocument(...args))) as typeof y.parseDocument,
    parseAllDocuments: ((...args: Parameters<typeof y.parseAllDocuments>) =>
      withoutSwitches(() => y.parseAllDocuments(...args))) as typeof y.parseAllDocuments,
  };
}

function withoutSwitches<T>(parse: () => T): T {
  const env = process.env;
  const saved = DEBUG_SWITCHES.map((name) => env[name]);
  if (saved.every((v) => v === undefined)) return parse();
  for (const name of DEBUG_SWITCHES) delete env[name];
  try {
    return parse();
  } finally {
    DEBUG_SWITCHES.forEach((name, i) => {
      if (saved[i] !== undefined) env[name] = saved[i];
    });
  }
}
