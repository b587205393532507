// Queue migrations (format 1.2): a queue whose fixed fields change moves its
// messages into the new declaration instead of losing them, when the stack
// allows it (`warren:allow.migrate`); a queue that says `replaces: OLD` takes
// OLD's place and its messages. This file is the pure part: which changes are
// migrations, which cannot be, the steps each takes, and the views of a
// vhost's objects that leave the migrating queues to the executor
// (pulumi/dynamic/migrate-queues.ts). Plain data, no broker.
import { canonical } from '../model/binding-identity.js';
import { hasOwn, own, setOwn } from '../base/own-keys.js';
import { QUEUE_FIELD, TYPE_ARGUMENT } from '../format/queue-fields.js';
import { MIGRATION_QUEUE_PREFIX } from '../model/reserved-names.js';
import type { JsonMap } from './plan-types.js';
import { OBJECT_KINDS, type ObjectKind, type QueueObject, type VHostObjects } from './vhost-objects.js';

/** Whether `id` is named by an allowance whose entries may hold `*` (any characters, `/` included). */
export function allowsId(patterns: readonly string[], id: string): boolean {
  return patterns.some((p) => {
    if (!p.includes('*')) return p === id;
    const parts = p.split('*');
    if (!id.startsWith(parts[0]!) || !id.endsWith(parts[parts.length - 1]!)) return false;
    // Greedy-free glob: each middle part found in order after the previous one.
    let at = parts[0]!.length;
    const end = id.length - parts[parts.length - 1]!.length;
    if (end < at) return false;
    for (const part of parts.slice(1, -1)) {
      const found = id.indexOf(part, at);
      if (found < 0 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  });
}

/** The steps of a migration in place, in order; each leaves the broker consistent (docs/pulumi.md, "Migrating queues"). */
export const IN_PLACE_STEPS = [
  'declare-temporary',
  'bind-temporary',
  'unbind-queue',
  'move-to-temporary',
  'delete-queue',
  'declare-queue',
  'bind-queue',
  'unbind-temporary',
  'move-back',
  'delete-temporary',
] as const;

/** The steps of a migration by rename (`replaces:`); the new queue and its bindings are declared before them. */
export const RENAME_STEPS = ['unbind-old', 'move-to-new', 'delete-old'] as const;

export type MigrationStep = (typeof IN_PLACE_STEPS)[number] | (typeof RENAME_STEPS)[number];

/** What each step does, as previews and docs/pulumi.md say it. */
export const STEP_TEXT: Record<MigrationStep, string> = {
  'declare-temporary': 'declare the temporary queue T',
  'bind-temporary': 'bind T as Q is bound',
  'unbind-queue': "remove Q's bindings",
  'move-to-temporary': "move Q's messages to T (dynamic shovel)",
  'delete-queue': 'delete Q once empty (its consumers are cancelled)',
  'declare-queue': 'declare Q anew',
  'bind-queue': 'bind Q as the topology says',
  'unbind-temporary': "remove T's bindings",
  'move-back': "move T's messages to Q (dynamic shovel)",
  'delete-temporary': 'delete T once empty',
  'unbind-old': "remove OLD's bindings (the new queue is bound first)",
  'move-to-new': "move OLD's messages to the new queue (dynamic shovel)",
  'delete-old': 'delete OLD once empty and without consumers',
};

/** What migrating `name` in place does, step by step, with Q and T named (`warren diff`, `pulumi preview --diff`). */
export function inPlaceStepTexts(name: string): string[] {
  const temp = temporaryQueueName(name);
  return IN_PLACE_STEPS.map((s) => STEP_TEXT[s].replace(/\b[QT]\b/g, (m) => (m === 'Q' ? name : temp)));
}

/** What replacing `old` by `by` does, step by step. */
export function renameStepTexts(old: string, by: string): string[] {
  return RENAME_STEPS.map((s) => STEP_TEXT[s].replace(/\bOLD\b|the new queue/g, (m) => (m === 'OLD' ? old : by)));
}

/** The broker's type of a declaration (no x-queue-type: classic). */
export function typeOf(q: { readonly arguments: JsonMap }): string {
  const t = own(q.arguments, TYPE_ARGUMENT);
  return typeof t === 'string' ? t : 'classic';
}

/**
 * Why a queue cannot be migrated from one declaration to another, or undefined when it can. Checked before
 * anything moves (the guard, `diff --stack`, and the executor again).
 */
export function migrationRefusal(before: QueueObject, after: QueueObject): string | undefined {
  if (typeOf(before) === 'stream')
    return 'a stream cannot be drained: consuming it does not remove its messages, so no shovel can move them and leave it empty';
  if (before.autoDelete || after.autoDelete)
    return 'an auto-delete queue is deleted when its last consumer leaves, and the shovel that moves its messages is one';
  return undefined;
}

/** migrationRefusal of two queue fingerprints (the guard's and the plan's canonical declarations). */
export function fingerprintRefusal(before: string, after: string): string | undefined {
  return migrationRefusal(JSON.parse(before), JSON.parse(after));
}

/**
 * The temporary queue of a migration in place: `warren.migrate.<name>`, or, where that would pass the broker's
 * 255-byte limit, `warren.migrate.` and the SHA-256 of the name. The prefix is reserved: no topology declares one.
 */
export function temporaryQueueName(name: string): string {
  const plain = MIGRATION_QUEUE_PREFIX + name;
  if (Buffer.byteLength(plain, 'utf8') <= 255) return plain;
  const crypto = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  return MIGRATION_QUEUE_PREFIX + crypto.createHash('sha256').update(name, 'utf8').digest('hex');
}

/** The argument that marks a temporary queue with the queue it belongs to (the record a resumed `up` reads). */
export const MIGRATION_OF_ARGUMENT = 'warren-migration-of';

/** The dead-letter fields a temporary queue carries over from the queue it serves. */
const DEAD_LETTER_FIELDS = [QUEUE_FIELD['deadLetter.exchange'], QUEUE_FIELD['deadLetter.routingKey']];

/**
 * The dead-letter route in effect on a live queue, as declaration arguments: its own argument where it has one (the
 * broker lets it win over a policy), else its effective policy's key. Empty when it has none.
 */
export function deadLetterInEffect(
  args: Readonly<Record<string, unknown>>,
  policy: Readonly<Record<string, unknown>>,
): JsonMap {
  const out: Record<string, string> = {};
  for (const f of DEAD_LETTER_FIELDS) {
    const value = own(args, f.argument!) ?? own(policy, f.policyKey!);
    if (typeof value === 'string') setOwn(out, f.argument!, value);
  }
  return out;
}

/**
 * The temporary queue's declaration: a durable quorum queue with no limit of its own, marked with the queue it
 * serves, with that queue's dead-letter route (deadLetterInEffect): a message whose own TTL (`expiration`) runs
 * out while it waits in T goes where it would have gone from the queue, instead of being dropped. Quorum, because
 * the broker moves messages into a quorum queue about twice as fast as into a classic one (persistent messages,
 * confirms; docs/benchmarks.md, "Queue migrations"), and it is replicated where the cluster
 * has several nodes.
 */
export function temporaryQueue(name: string, deadLetter: JsonMap = {}): QueueObject {
  return {
    durable: true,
    autoDelete: false,
    arguments: { ...deadLetter, [TYPE_ARGUMENT]: 'quorum', [MIGRATION_OF_ARGUMENT]: name },
  };
}

export interface Migrations {
  /** Queues that keep their name and change their declaration. */
  readonly inPlace: readonly string[];
  /** [new queue, the queue it replaces]. */
  readonly renames: readonly (readonly [string, string])[];
}

/** Which of a vhost's queue changes are migrations: those the stack allows, and every `replaces`. */
export function findMigrations(
  olds: VHostObjects,
  news: VHostObjects,
  migrate: readonly string[],
  replaces: Readonly<Record<string, string>>,
): Migrations {
  const inPlace = migrate.filter((name) => {
    const [a, b] = [own(olds.queues, name), own(news.queues, name)];
    return a !== undefined && b !== undefined && canonical(a) !== canonical(b) && !migrationRefusal(a, b);
  });
  const renames = Object.entries(replaces).filter(
    ([name, old]) => hasOwn(news.queues, name) && !hasOwn(news.queues, old) && name !== old,
  );
  return { inPlace: inPlace.sort(), renames: renames.sort((a, b) => (a[0] < b[0] ? -1 : 1)) };
}

/**
 * The vhost's objects with the migrating queues left out, for the ordinary changes (objectChanges): a queue
 * migrated in place is the same on both sides and its bindings are on neither (the executor moves them); a
 * replaced queue and its bindings are not on the old side (they are not deleted, the executor drains them).
 */
export function withoutMigrations(
  olds: VHostObjects,
  news: VHostObjects,
  m: Migrations,
): { olds: VHostObjects; news: VHostObjects } {
  const inPlace = new Set(m.inPlace);
  const retired = new Set(m.renames.map(([, old]) => old));
  const copy = (objects: VHostObjects) => {
    const out = Object.fromEntries(OBJECT_KINDS.map((k) => [k, { ...objects[k] }])) as {
      [K in ObjectKind]: Record<string, unknown>;
    };
    for (const [key, b] of Object.entries(objects.bindings)) {
      if (b.destinationType === 'queue' && (inPlace.has(b.destination) || retired.has(b.destination)))
        delete out.bindings[key];
    }
    return out;
  };
  const before = copy(olds);
  const after = copy(news);
  for (const name of m.inPlace) setOwn(before.queues, name, own(news.queues, name));
  for (const name of retired) delete before.queues[name];
  return { olds: before as unknown as VHostObjects, news: after as unknown as VHostObjects };
}
