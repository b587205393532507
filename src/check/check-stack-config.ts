// A stack's `warren:*` settings against their schema (stack-config-schema.ts),
// read the way warren's program reads them: Pulumi hands a program each value
// as text, so a boolean is `true` or `false` and a mapping or list is JSON.
// The program (src/pulumi/read-stack-config.ts) and `warren validate --stack`
// check the same values with the same schema, so CI refuses what `pulumi up`
// would. Secrets are never read here: their values are not ours to show.
import type { Finding } from '../diagnostics/diagnostic.js';
import type { StackConfig } from '../format/stack-config-schema.js';
import { CONFIG_POINTER, NAMESPACE, STACK_SETTINGS, type StackSetting } from '../format/stack-settings.js';
import { loadValidator } from '../format/validator-file.js';
import { translateAjvError } from './translate-ajv-error.js';

export const SETTING_NAMES = Object.keys(STACK_SETTINGS) as StackSetting[];

/** The settings whose values may be read here (all but the secrets). */
export const CHECKED_SETTINGS = SETTING_NAMES.filter((name) => STACK_SETTINGS[name] !== 'secret');

/** A setting's text, as Pulumi hands it over, as the program reads it; what does not read stays text for the schema to refuse. */
export function decodeSetting(name: StackSetting, text: string): unknown {
  switch (STACK_SETTINGS[name]) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'json':
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    default:
      return text;
  }
}

/**
 * The settings of a stack file's `config:` mapping as Pulumi would hand them to the program: a mapping or a list
 * as it stands, a scalar as its text (`protectQueues: "true"` is `true` to Pulumi too).
 */
export function settingsOfStackFile(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of CHECKED_SETTINGS) {
    const key = `${NAMESPACE}:${name}`;
    if (!Object.hasOwn(config, key)) continue;
    const value = config[key];
    out[key] = value === null || typeof value === 'object' ? value : decodeSetting(name, String(value));
  }
  return out;
}

/** Findings about `settings` (keyed `warren:NAME`), placed under the stack file's `config:`; the typed config when none is an error. */
export function checkStackConfig(
  file: string,
  settings: Readonly<Record<string, unknown>>,
): { findings: Finding[]; config?: StackConfig } {
  const validate = loadValidator('config');
  if (validate(settings)) return { findings: [], config: settings as StackConfig };
  const root = { file, pointer: CONFIG_POINTER };
  return { findings: (validate.errors ?? []).map((e) => translateAjvError(root, e)) };
}
