// What changes from one topology's plan to another's, each change classed by
// what it does to messages on a running broker:
// - safe: nothing is lost or interrupted (new objects, settings changed on live queues);
// - disruptive: routing or access changes, objects re-declared without messages;
// - data-losing: a queue is deleted or re-declared, or a setting in effect on a
//   live queue can now drop or expire what it holds (assess-settings.ts).
// Independently of the class, a change is marked `access` when it widens who
// may do what (mark-access.ts).
import { describeChange } from '../plan/guard-rules.js';
import { ids } from '../plan/plan-ids.js';
import { fingerprintRefusal, inPlaceStepTexts, renameStepTexts, temporaryQueueName } from '../plan/queue-migrations.js';
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
  /** The queues of `vhost` whose messages a data-losing change can lose, or a migration moves (their live counts are read). */
  readonly atRisk?: readonly string[];
  /** A queue migration (the stack's warren:allow.migrate, or `replaces:`): its messages move instead of being lost. */
  readonly migration?: true;
  /** A migration's steps, in order (plan/queue-migrations.ts). */
  readonly steps?: readonly string[];
}

export function diffPlans(base: Plan, head: Plan): Change[] {
  const before = new Map(base.entries.map((e) => [e.id, e]));
  const after = new Map(head.entries.map((e) => [e.id, e]));
  const replacedBy = new Map<string, string>();
  for (const e of head.entries)
    if (e.kind === 'queue' && e.replaces !== undefined)
      replacedBy.set(ids.object(e.vhost, 'queue', e.replaces), e.name);
  const marks: Marks = { risks: assessSettings(base, head), inHead: (id) => after.has(id), replacedBy };
  const changes: Change[] = [];
  for (const [id, old] of before) {
    const next = after.get(id);
    const by = replacedBy.get(id);
    if (!next && old.kind === 'queue' && by !== undefined)
      changes.push(change(marks, old, undefined, 'remove', ...replaced(old, by)));
    else if (!next) changes.push(change(marks, old, undefined, 'remove', ...removal(old)));
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
  /** Queue id → the name of the queue that replaces it. */
  readonly replacedBy: ReadonlyMap<string, string>;
}

/** What a change's class and reason come with: the steps of a migration. */
type Assessment = [cls: ChangeClass, reason: string, steps?: readonly string[]];

function change(
  marks: Marks,
  old: PlanEntry | undefined,
  next: PlanEntry | undefined,
  action: Change['action'],
  cls: ChangeClass,
  reason: string,
  steps?: readonly string[],
): Change {
  const e = (next ?? old)!;
  const name = 'name' in e ? { name: e.name } : {};
  const risk = marks.risks.get(e.id);
  const widening = accessWidening(old, next, marks.inHead);
  const atRisk = risk ? risk.queues : e.kind === 'queue' && (cls === 'data-losing' || steps) ? [e.name] : undefined;
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
    // A migration that a new limit makes lossy stays a migration, classed data-losing: both are true.
    ...(steps ? { migration: true as const, steps } : {}),
  };
}

function addition(e: PlanEntry): Assessment {
  return e.kind === 'parameter' ? parameterAdded(e) : ['safe', `new ${kindName(e)}`];
}

function removal(e: PlanEntry): Assessment {
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

/** A queue that `replaces:` names: drained into the new queue, then deleted. */
function replaced(old: PlanEntry & { kind: 'queue' }, by: string): Assessment {
  return [
    'disruptive',
    `queue ${old.name} is replaced by ${by}: ${by} is bound first, then ${old.name}'s messages move to it and ${old.name} is deleted once empty and without consumers`,
    renameStepTexts(old.name, by),
  ];
}

function modification(old: PlanEntry, next: PlanEntry): Assessment {
  if (old.kind === 'queue' && next.kind === 'queue') {
    const change = describeChange(old.fingerprint, next.fingerprint);
    const refusal =
      old.fingerprint !== next.fingerprint && next.migrate
        ? fingerprintRefusal(old.fingerprint, next.fingerprint)
        : undefined;
    if (old.fingerprint !== next.fingerprint && next.migrate && !refusal)
      return [
        'disruptive',
        `queue ${next.name}: ${change} is migrated in place (warren:allow.migrate): its messages move through ${temporaryQueueName(next.name)} into the new declaration; its consumers are cancelled once; publishers to it by name meet a short window without it, and a message they send at the instant it is deleted can be confirmed by the broker and dropped (RabbitMQ confirms messages for a deleted queue: publish through an exchange, or rename with replaces:)`,
        inPlaceStepTexts(next.name),
      ];
    if (refusal)
      return [
        'data-losing',
        `queue ${next.name}: ${change} cannot be migrated (${refusal}); its messages would be lost`,
      ];
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
