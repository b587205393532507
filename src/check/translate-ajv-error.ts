// One ajv error as one finding, for every schema warren checks (topology
// files, a stack's overrides, a stack's warren:cluster): the same kind of
// error gets the same code, wording and place whichever schema reports it.
// What only one schema has (the topology's version, units, passwords) is the
// caller's `refine`, tried first.
import type { ErrorObject } from 'ajv';
import { child, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { closestName } from '../diagnostics/closest-name.js';

/** A finding for an error one schema words its own way; undefined leaves it to the shared translation. */
export type Refine = (e: ErrorObject, here: Source) => Finding | undefined;

/**
 * `root` is where the checked value stands: its file, and the pointer ajv's
 * instancePath is relative to ('' for a whole file). The errors must come from
 * a validator built with `verbose` (AJV_OPTIONS): the suggestions and hints
 * read the schema the error is about.
 */
export function translateAjvError(root: Source, e: ErrorObject, refine?: Refine): Finding {
  const here: Source = { file: root.file, pointer: root.pointer + e.instancePath };
  const refined = refine?.(e, here);
  if (refined) return refined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(e.params.additionalProperty);
      const hint = closestName(name, Object.keys(schemaOf(e).properties ?? {}));
      return finding(
        'unknown-field',
        { file: here.file, pointer: child(here.pointer, name) },
        `unknown field \`${name}\`${hint ? ` (did you mean \`${hint}\`?)` : ''}`,
        { target: 'key' },
      );
    }
    case 'required':
      // The whole document has no key to point at.
      return finding('missing-field', here, `missing required field \`${String(e.params.missingProperty)}\``, {
        target: here.pointer === '' ? 'value' : 'key',
      });
    case 'type':
      return finding('wrong-type', here, wrongType(e));
    case 'enum':
      return finding('invalid-value', here, `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`);
    default:
      return finding('invalid-value', here, String(e.message ?? 'invalid value'));
  }
}

function wrongType(e: ErrorObject): string {
  const expected = typeName(e.params.type);
  if (e.data !== null) return `must be ${expected}`;
  // `queue:` with nothing after it: say that `{}` is the way to take every default, where it is.
  const allDefaults = e.params.type === 'object' && (schemaOf(e).required ?? []).length === 0;
  return `has no value: must be ${expected}${allDefaults ? ' (write {} for all defaults)' : ''}`;
}

function schemaOf(e: ErrorObject): { properties?: object; required?: readonly string[] } {
  return (e.parentSchema ?? {}) as { properties?: object; required?: readonly string[] };
}

const TYPE_NAMES: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
};

function typeName(type: unknown): string {
  return (Array.isArray(type) ? type : [type]).map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ');
}
