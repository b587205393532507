// Schema check of one file's data with ajv, and the translation of ajv errors
// into findings with closed codes. ajv's instancePath is already a JSON
// pointer, so positions come from the document at the edge.
import type { ErrorObject } from 'ajv';
import { child, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { DURATION_PATTERN, SIZE_PATTERN } from '../schema/format-constants.js';
import type { TopologyFile } from '../schema/topology-schema.js';
import { loadValidator } from '../schema/validator-file.js';
import { closestName } from './closest-name.js';

export interface SchemaResult {
  readonly findings: Finding[];
  /** Pointers of values whose shape is wrong; objects at or under them are not cross-checked. */
  readonly broken: string[];
}

export function checkSchema(file: string, data: unknown): SchemaResult & { data?: TopologyFile } {
  const validate = loadValidator();
  if (validate(data)) return { findings: [], broken: [], data: data as TopologyFile };
  const errors = validate.errors ?? [];
  const findings = errors.map((e) => translate(file, e));
  // Unknown fields and the version number do not make the rest unusable.
  const broken = errors
    .filter((e) => e.keyword !== 'additionalProperties' && e.instancePath !== '/version' && !isRootVersion(e))
    .map((e) => e.instancePath);
  return { findings, broken, data: isMapping(data) ? (data as TopologyFile) : undefined };
}

/**
 * Schema check of a stack's overrides: the same schema, read as a partial
 * document (required fields may be inherited from the topology, and `null`
 * removes). Pointers are rebased onto where the overrides stand in their file.
 */
export function checkOverrides(data: unknown, at: Source): Finding[] {
  // A scalar or list would otherwise be spread into the document: one error
  // per character. `null` (an empty `warren:overrides:`) overrides nothing.
  if (data === null) return [];
  if (!isMapping(data))
    return [finding('wrong-type', at, `must be a mapping in the shape of a topology file (without \`version\`)`)];
  const validate = loadValidator();
  if (validate({ version: 1, ...(withoutNulls(data) as object) })) return [];
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'required')
    .map((e) => translate(at.file, { ...e, instancePath: at.pointer + e.instancePath }));
}

/**
 * Schema check of queue fields given another way (raw x-arguments read as
 * their typed fields): the same rules as the typed fields. `where` turns a
 * field pointer (`maxLength`, `deadLetter/strategy`) into the place to report.
 */
export function checkQueueFields(spec: object, where: (field: string) => Source): SchemaResult {
  const validate = loadValidator();
  const base = '/vhosts/v/queues/q/';
  if (validate({ version: 1, vhosts: { v: { queues: { q: spec } } } })) return { findings: [], broken: [] };
  const findings: Finding[] = [];
  const broken: string[] = [];
  for (const e of validate.errors ?? []) {
    if (!e.instancePath.startsWith(base)) continue;
    const field = e.instancePath.slice(base.length);
    const place = where(field);
    findings.push(translate(place.file, { ...e, instancePath: place.pointer }));
    broken.push(field);
  }
  return { findings, broken };
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isMapping(value)) return value;
  return Object.fromEntries(
    Object.entries(value as object)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

function isRootVersion(e: ErrorObject): boolean {
  return e.instancePath === '' && e.keyword === 'required' && e.params.missingProperty === 'version';
}

function isMapping(data: unknown): boolean {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

// Also inside a stack file's overrides (see checkOverrides).
const PASSWORD = /^(\/config\/warren:overrides)?\/users\/[^/]*\/password$/;
const QUEUE = /^(\/config\/warren:overrides)?\/vhosts\/[^/]*\/queues\/[^/]*$/;

function translate(file: string, e: ErrorObject): Finding {
  const here: Source = { file, pointer: e.instancePath };
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = String(e.params.additionalProperty);
      const at = { file, pointer: child(e.instancePath, name) };
      if (name === 'exclusive' && QUEUE.test(e.instancePath))
        return finding('exclusive-queue', at, 'exclusive queues belong to applications, not to a topology', {
          target: 'key',
        });
      const known = Object.keys((e.parentSchema as { properties?: object }).properties ?? {});
      const hint = closestName(name, known);
      return finding('unknown-field', at, `unknown field \`${name}\`${hint ? ` (did you mean \`${hint}\`?)` : ''}`, {
        target: 'key',
      });
    }
    case 'required': {
      const name = String(e.params.missingProperty);
      if (e.instancePath === '' && name === 'version')
        return finding('unsupported-version', here, 'every topology file starts with `version: 1`', { line: 1 });
      return finding('missing-field', here, `missing required field \`${name}\``, {
        target: e.instancePath === '' ? 'value' : 'key',
      });
    }
    case 'const':
      return finding('unsupported-version', here, 'unsupported version: this warren reads `version: 1`');
    default:
      return translateValue(here, e);
  }
}

function translateValue(here: Source, e: ErrorObject): Finding {
  const pattern = (e.parentSchema as { pattern?: string } | undefined)?.pattern;
  if (pattern === DURATION_PATTERN)
    return finding(
      'invalid-duration',
      here,
      'not a duration: use whole milliseconds or a number with ms, s, m, h or d (e.g. 60s)',
    );
  if (pattern === SIZE_PATTERN)
    return finding('invalid-size', here, 'not a size: use whole bytes or a number with B, KB, MB, GB, KiB, MiB or GiB');
  if (e.keyword === 'type' && PASSWORD.test(here.pointer) && typeof e.data === 'string') {
    // Never echo the value: it is a password.
    return finding(
      'clear-text-password',
      here,
      'a password must not be written in clear text: use `{ secret: CONFIG_KEY }` or `{ hash: ..., algorithm: sha256 }`',
    );
  }
  if (e.keyword === 'type' && e.data === null)
    return finding(
      'wrong-type',
      here,
      `has no value: must be ${typeName(e.params.type)}${e.params.type === 'object' ? ' (write {} for all defaults)' : ''}`,
    );
  if (e.keyword === 'type') return finding('wrong-type', here, `must be ${typeName(e.params.type)}`);
  if (e.keyword === 'enum')
    return finding('invalid-value', here, `must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`);
  return finding('invalid-value', here, String(e.message ?? 'invalid value'));
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
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => TYPE_NAMES[String(t)] ?? String(t)).join(' or ');
}
