// The one place warren's program reads its `warren:*` settings: every one
// through the config schema (check/check-stack-config.ts), with positions in
// the stack file when one is wrong; the program then works from the typed
// result. Secrets are read by the program where it uses them, as secrets.
import type * as pulumi from '@pulumi/pulumi';
import { CHECKED_SETTINGS, checkStackConfig, decodeSetting } from '../check/check-stack-config.js';
import type { StackConfig } from '../format/stack-config-schema.js';
import { NAMESPACE } from '../format/stack-settings.js';
import { locateInFile } from '../load/locate-findings.js';
import { validateOrThrow } from './validate-or-throw.js';

/** `config` is the `warren` namespace's; `stackFile` the file its values are placed in. */
export function readStackConfig(config: pulumi.Config, stackFile: string): StackConfig {
  const settings: Record<string, unknown> = {};
  for (const name of CHECKED_SETTINGS) {
    const text = config.get(name);
    if (text !== undefined) settings[`${NAMESPACE}:${name}`] = decodeSetting(name, text);
  }
  const checked = checkStackConfig(stackFile, settings);
  validateOrThrow(locateInFile(checked.findings, stackFile));
  return checked.config!;
}
