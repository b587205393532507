// The `yaml` package, loaded on first use. Only files with something to report
// (or that js-yaml refuses) need positions, and loading `yaml` costs more than
// a clean small topology takes to check, so clean runs never load it.
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let lib: typeof Yaml | undefined;

export function yamlLib(): typeof Yaml {
  lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return lib;
}
