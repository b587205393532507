// What changes from one topology's plan to another's, each change classed by
// what it does to messages on a running broker:
// - safe: nothing is lost or interrupted (new objects, settings changed on live queues);
// - disruptive: routing or access changes, objects re-declared without messages;
// - data-losing: a queue is deleted or re-declared, or a setting in effect on a
//   live queue can now drop or expire what it holds (assess-settings.ts).
// Independently of the class, a change is marked `access` when it widens who
// may do what (mark-access.ts).
import { describeChange } from '../plan/guard-rules.js';
import type { Plan, PlanEntry } from '../plan/plan-types.js';
import { assessSettings, type SettingsRisk } from './assess-settings.js';
import { parameterAdded, parameterChanged, parameterRemoved } from './assess-parameters.js';
import { accessWidening } from './mark-access.js';

export type ChangeClass = 'safe' | 'disruptive' | 'data-losing';

export interface Change {
  /** The vhost the object lives in; null for users. */
  readonly vhost: string | null;
  readonly id: string;
  /** The object's own name (a queue's, an exchange's, …); absent for bindings and permissions. */
  readonly name?: string;
  readonly kind: string;
  readonly action: 'add' | 'remove' | 'change';
  readonly class: ChangeClass;
  /** The change widens who may do what: tags, permissions, passwords. */
  readonly access: boolean;
  readonly reason: string;
  /** The queues of `vhost` whose messages a data-losing change can lose (its live counts are read for them). */
  readonly atRisk?: readonly string[];
}

export function diffPlans(base: Plan, head: Plan): Change[] {
  const before = new Map(base.entries.map((e) => [e.id, e]));
  const after = new Map(head.entries.map((e) => [e.id, e]));
  const marks: Marks = { risks: assessSettings(base, head), inHead: (id) => after.has(id) };
  const changes: Change[] = [];
  for (const [id, old] of before) {
    const next = after.get(id);
    if (!next) changes.push(change(marks, old, undefined, 'remove', ...removal(old)));
    else if (JSON.stringify(old) !== JSON.stringify(next))
      changes.push(change(marks, old, next, 'change', ...modification(old, next)));
  }
  for (const [id, next] of after)
    if (!before.has(id)) changes.push(change(marks, undefined, next, 'add', ...addition(next)));
  return changes.sort(
    (a, b) =>
      compare(a.vhost ?? '', b.vhost ?? '') ||
      rank(b.class) - rank(a.class) ||
      Number(b.access) - Number(a.access) ||
      compare(a.id, b.id),
  );
}

interface Marks {
  readonly risks: ReadonlyMap<string, SettingsRisk>;
  readonly inHead: (id: string) => boolean;
}

function change(
  marks: Marks,
  old: PlanEntry | undefined,
  next: PlanEntry | undefined,
  action: Change['action'],
  cls: ChangeClass,
  reason: string,
): Change {
  const e = (next ?? old)!;
  const name = 'name' in e ? { name: e.name } : {};
  const risk = marks.risks.get(e.id);
  const widening = accessWidening(old, next, marks.inHead);
  const atRisk = risk ? risk.queues : e.kind === 'queue' && cls === 'data-losing' ? [e.name] : undefined;
  return {
    vhost: 'vhost' in e ? e.vhost : e.kind === 'vhost' ? e.name : null,
    id: e.id,
    ...name,
    kind: kindName(e),
    action,
    class: risk ? 'data-losing' : cls,
    access: widening !== undefined,
    reason: reason + (risk ? `: ${risk.text}` : '') + (widening ? `; widens access: ${widening}` : ''),
    ...(atRisk ? { atRisk } : {}),
  };
}

function addition(e: PlanEntry): [ChangeClass, string] {
  return e.kind === 'parameter' ? parameterAdded(e) : ['safe', `new ${kindName(e)}`];
}

function removal(e: PlanEntry): [ChangeClass, string] {
  switch (e.kind) {
    case 'queue':
      return ['data-losing', `queue ${e.name} is deleted: its messages would be lost`];
    case 'vhost':
      return ['data-losing', `vhost ${e.name} is deleted with everything in it`];
    case 'exchange':
      return ['disruptive', `exchange ${e.name} is deleted: publishing to it fails`];
    case 'binding':
      return [
        'disruptive',
        `${e.source} stops routing to ${e.destination}${e.routingKey ? ` with key ${e.routingKey}` : ''}`,
      ];
    case 'policy':
      return e.settingsOf
        ? ['safe', `queue ${e.settingsOf} drops its changeable settings (applied live)`]
        : ['disruptive', `policy ${e.name} no longer applies`];
    case 'operator-policy':
      return ['disruptive', `operator policy ${e.name} no longer applies`];
    case 'user':
      return ['disruptive', `user ${e.name} is deleted: its connections are refused`];
    case 'parameter':
      return parameterRemoved(e);
    default:
      return ['disruptive', `${kindName(e)} of ${e.user} in ${e.vhost} is revoked`];
  }
}

function modification(old: PlanEntry, next: PlanEntry): [ChangeClass, string] {
  if (old.kind === 'queue' && next.kind === 'queue') {
    if (old.fingerprint !== next.fingerprint)
      return [
        'data-losing',
        `queue ${next.name}: ${describeChange(old.fingerprint, next.fingerprint)} requires re-declaring; its messages would be lost`,
      ];
    return ['safe', `queue ${next.name}: only its dependencies change`];
  }
  const fields = changedFields(old, next);
  if (old.kind === 'policy' && next.kind === 'policy' && next.settingsOf)
    return ['safe', `queue ${next.settingsOf}: ${fields} change on the live queue`];
  if (next.kind === 'exchange')
    return [
      'disruptive',
      `exchange ${next.name}: ${fields} re-declares it (no messages are held; its bindings are re-created)`,
    ];
  if (next.kind === 'vhost' || next.kind === 'user') return ['safe', `${kindName(next)} ${next.name}: ${fields}`];
  if (next.kind === 'parameter') return parameterChanged(next, fields);
  return ['disruptive', `${kindName(next)} ${'name' in next ? next.name : next.id}: ${fields}`];
}

/** "definition.message-ttl 60000 → 5000, priority 1 → 2", from two entries. */
function changedFields(old: PlanEntry, next: PlanEntry): string {
  const strip = (e: PlanEntry) => JSON.stringify({ ...e, id: undefined, dependsOn: undefined });
  return describeChange(strip(old), strip(next));
}

function kindName(e: PlanEntry): string {
  if (e.kind === 'parameter') return e.component.replace(/-/g, ' ');
  if (e.kind === 'policy' && e.settingsOf) return 'queue settings';
  return e.kind.replace('-', ' ');
}

/** Code-point order: the same on every machine, whatever its locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function rank(c: ChangeClass): number {
  return c === 'data-losing' ? 2 : c === 'disruptive' ? 1 : 0;
}
