// How `warren drift` says what it found: each drifted object as a located
// diagnostic (code drift-KIND, at the YAML node that declares it, or at its
// vhost's), so that text, GitHub annotations and SARIF come from the
// formatters `warren validate` uses; and the contract's JSON, `drift` with
// kind, vhost, type and name of each. Values are shown as the broker and
// the topology hold them, except secrets: a password hash is named, never
// shown, and a URI's credentials are hidden.
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../load/source-file.js';
import type { TopologyModel } from '../model/topology-model.js';
import type { JsonValue } from '../plan/plan-types.js';
import type { Drift, FieldChange, Unknown } from './compare-broker.js';
import { driftSource } from './locate-drift.js';

/** What drift found, placed. */
export interface PlacedDrift extends Drift {
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly pointer?: string;
}

/** The file of what has no place in the topology (an undeclared vhost or user). */
export const BROKER_FILE = '<broker>';

export function placeDrift(
  drift: readonly Drift[],
  model: TopologyModel,
  sources: ReadonlyMap<string, SourceFile>,
): PlacedDrift[] {
  return drift.map((d) => {
    const src = driftSource(model, d);
    const source = src && sources.get(src.file);
    if (!src || !source) return d;
    return { ...d, file: src.file, ...source.locate(src.pointer, 'key'), pointer: src.pointer };
  });
}

export function driftDiagnostics(drift: readonly PlacedDrift[]): Diagnostic[] {
  return drift.map((d) => ({
    severity: 'warning',
    code: `drift-${d.kind}`,
    message: describeDrift(d),
    file: d.file ?? BROKER_FILE,
    line: d.line ?? 0,
    col: d.col ?? 0,
    pointer: d.pointer ?? '',
  }));
}

export function describeDrift(d: Drift): string {
  const what = `${d.type} ${JSON.stringify(d.name)}${d.vhost === null ? '' : ` in vhost ${JSON.stringify(d.vhost)}`}`;
  switch (d.kind) {
    case 'missing':
      return `${what} is declared, not on the broker`;
    case 'unmanaged':
      return `${what} is on the broker, not in the topology`;
    case 'overridden': {
      const by = [
        ...(d.policy === undefined ? [] : [`policy ${JSON.stringify(d.policy)}`]),
        ...(d.operatorPolicy === undefined ? [] : [`operator policy ${JSON.stringify(d.operatorPolicy)}`]),
      ].join(' and ');
      const sets = d.fields && d.fields.length > 0 ? ` (setting ${d.fields.join(', ')})` : '';
      return `${what}: the broker applies ${by}, which the topology does not declare${sets}`;
    }
    case 'changed':
      return `${what} differs on the broker: ${(d.changes ?? []).map(describeChange).join('; ')}`;
  }
}

function describeChange(c: FieldChange): string {
  if (c.hidden) return `${c.field} differs (not shown)`;
  return `${c.field} ${show(c.topology)} in the topology, ${show(c.broker)} on the broker`;
}

/** At most 200 characters of a value: a policy definition can be long. */
function show(v: JsonValue | undefined): string {
  if (v === undefined) return 'absent';
  const text = JSON.stringify(v);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** The contract's JSON: `drift`, each with kind, vhost, type and name; what could not be known; what was left out. */
export function driftJson(
  drift: readonly PlacedDrift[],
  unknown: readonly Unknown[],
  notReported: readonly { readonly id: string; readonly why: string }[],
): string {
  return `${JSON.stringify({ drift, unknown, notReported }, null, 2)}\n`;
}
