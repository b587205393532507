// The `yaml` package, loaded on first use: it writes what `warren import`
// outputs and reads a kubeconfig. It never reads a topology, a stack file or a
// definitions export (read-yaml.ts does), and loading it costs more than a
// clean small topology takes to check.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;

export function yamlLib(): typeof Yaml {
  lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return lib;
}
