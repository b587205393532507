// Schema check of one file's data with ajv, its errors translated into
// findings with closed codes (translate-ajv-error.ts, with the topology's own
// cases below). ajv's instancePath is already a JSON pointer, so positions
// come from the document at the edge.
import type { ErrorObject } from 'ajv';
import { child, finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { DURATION_PATTERN, SIZE_PATTERN, TAG_PATTERN } from '../format/format-constants.js';
import type { TopologyFile } from '../format/topology-schema.js';
import { loadValidator } from '../format/validator-file.js';
import { translateAjvError } from './translate-ajv-error.js';
import { isMapping } from '../base/own-keys.js';

export interface SchemaResult {
  readonly findings: Finding[];
  /** Pointers of values whose shape is wrong; objects at or under them are not cross-checked. */
  readonly broken: string[];
}

export function checkSchema(file: string, data: unknown): SchemaResult & { data?: TopologyFile } {
  const validate = loadValidator();
  if (validate(data)) return { findings: [], broken: [], data: data as TopologyFile };
  const errors = validate.errors ?? [];
  const findings = errors.map((e) => translateAjvError({ file, pointer: '' }, e, refineTopology));
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
  const removed = new Set<string>();
  if (validate({ version: 1, ...(withoutNulls(data, '', removed) as object) })) return [];
  // A removed field the format does not have (`mesageTtl: null`) is its unknown-field, as it would be with a value;
  // what a removal's own (undefined) value would fail is no problem: null removes.
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'required' && !removed.has(e.instancePath))
    .map((e) => translateAjvError(at, e, refineTopology));
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
    findings.push(translateAjvError(place, { ...e, instancePath: '' }, refineTopology));
    broken.push(field);
  }
  return { findings, broken };
}

/**
 * The overrides with each `null` mapping value made undefined, its pointer added to `removed`: the schema's
 * properties skip an undefined value, and a closed object still names a key it does not know (additionalProperties).
 */
function withoutNulls(value: unknown, pointer: string, removed: Set<string>): unknown {
  if (Array.isArray(value)) return value.map((v, i) => withoutNulls(v, `${pointer}/${i}`, removed));
  if (!isMapping(value)) return value;
  return Object.fromEntries(
    Object.entries(value as object).map(([k, v]) => {
      const here = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (v !== null) return [k, withoutNulls(v, here, removed)];
      removed.add(here);
      return [k, undefined];
    }),
  );
}

function isRootVersion(e: ErrorObject): boolean {
  return e.instancePath === '' && e.keyword === 'required' && e.params.missingProperty === 'version';
}

// Also inside a stack file's overrides (see checkOverrides).
const PASSWORD = /^(\/config\/warren:overrides)?\/users\/[^/]*\/password$/;
const QUEUE = /^(\/config\/warren:overrides)?\/vhosts\/[^/]*\/queues\/[^/]*$/;

/** The errors the topology format words its own way; the rest are translated as for any schema. */
function refineTopology(e: ErrorObject, here: Source): Finding | undefined {
  if (e.keyword === 'additionalProperties' && e.params.additionalProperty === 'exclusive' && QUEUE.test(here.pointer))
    return finding(
      'exclusive-queue',
      { file: here.file, pointer: child(here.pointer, 'exclusive') },
      'exclusive queues belong to applications, not to a topology',
      { target: 'key' },
    );
  if (e.keyword === 'required' && here.pointer === '' && e.params.missingProperty === 'version')
    return finding('unsupported-version', here, 'every topology file starts with `version: 1`', { line: 1 });
  if (e.keyword === 'const')
    return finding('unsupported-version', here, 'unsupported version: this warren reads `version: 1`');
  const pattern = (e.parentSchema as { pattern?: string } | undefined)?.pattern;
  if (pattern === DURATION_PATTERN)
    return finding(
      'invalid-duration',
      here,
      'not a duration: use whole milliseconds or a number with ms, s, m, h or d (e.g. 60s)',
    );
  if (pattern === TAG_PATTERN)
    return finding(
      'invalid-value',
      here,
      'a tag is 1 to 255 characters with no comma and no whitespace at either end: RabbitMQ splits tags at commas and trims them, so this one would be stored as other tags',
    );
  if (pattern === SIZE_PATTERN)
    return finding('invalid-size', here, 'not a size: use whole bytes or a number with B, KB, MB, GB, KiB, MiB or GiB');
  if (e.keyword === 'type' && PASSWORD.test(here.pointer) && typeof e.data === 'string')
    // Never echo the value: it is a password.
    return finding(
      'clear-text-password',
      here,
      'a password must not be written in clear text: use `{ secret: CONFIG_KEY }` or `{ hash: ..., algorithm: sha256 }`',
    );
  return undefined;
}
