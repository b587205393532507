// Carries out queue migrations (plan/queue-migrations.ts) on the broker,
// through its management API and dynamic shovels. Every step reads the broker
// first and does only what is left, so a migration that was stopped at any
// point (a killed `up`) is finished by the next run with the same inputs:
// the temporary queue, marked with the queue it serves, is the record of
// where a migration stands. Nothing here deletes a queue that holds messages:
// queues are deleted with `?if-empty=true`, the broker's own check, and a
// refused delete sends another shovel round.
import {
  deadLetterInEffect,
  MIGRATION_OF_ARGUMENT,
  type MigrationStep,
  migrationRefusal,
  temporaryQueue,
  temporaryQueueName,
  typeOf,
} from '../../plan/queue-migrations.js';
import { canonical } from '../../model/binding-identity.js';
import { own } from '../../base/own-keys.js';
import { CHANGEABLE_FIELDS, QUEUE_FIELD } from '../../format/queue-fields.js';
import { withoutImplicitType } from '../../plan/vhost-object-changes.js';
import { exactPattern } from '../../plan/queue-settings.js';
import type { BindingObject, QueueObject, VHostObjects } from '../../plan/vhost-objects.js';
import { applyingPolicy, type PolicyView } from '../../model/applying-policy.js';
import type { PolicyTarget } from '../../format/policy-targets.js';
import { callApi, readList, readOne, seg, type Connection } from './management-api.js';
import { plainError } from './plain-error.js';
import { halt } from './test-halt.js';

/** What a migration did, kept in the group's state (and read by the tests and `npm run bench:engine`). */
export interface MigrationReport {
  readonly queue: string;
  readonly kind: 'in-place' | 'rename';
  /** For a rename, the queue it replaced. */
  readonly from?: string;
  /** Milliseconds from the delete of the old queue to the new one's declaration (in place): no queue of that name. */
  readonly windowMs?: number;
  readonly ms: number;
  /** Milliseconds each step took in this run, in order (a step done by an earlier, stopped run is absent). */
  readonly steps: Readonly<Record<string, number>>;
}

interface StepClock {
  readonly steps: Record<string, number>;
  /** Marks a step done: its time is added up (a shovel round is one `move-…` step each), then the tests' halt. */
  step(step: MigrationStep): Promise<void>;
}

function stepClock(queue: string, started: number): StepClock {
  let last = started;
  const steps: Record<string, number> = {};
  return {
    steps,
    async step(step) {
      const now = Date.now();
      steps[step] = (steps[step] ?? 0) + (now - last);
      last = now;
      await halt(`${queue}:${step}`);
    },
  };
}

/** How long a shovel may make no progress, or a replaced queue keep its consumers, before the run fails (it resumes). */
const STALL_MS = 120_000;
const POLL_MS = 50;

type LiveQueue = Record<string, unknown> & {
  durable: boolean;
  auto_delete: boolean;
  arguments?: Record<string, unknown>;
};
type LiveBinding = { source: string; routing_key: string; arguments?: Record<string, unknown>; properties_key: string };

/** Policy keys that can drop or expire messages on the temporary queue (the queue-field table's limits and overflow). */
const LOSSY_KEYS = CHANGEABLE_FIELDS.filter((f) => f.limit !== undefined || f.field === 'overflow').map(
  (f) => f.policyKey,
);

/** Migrates `name` in place to its new declaration in `news`, with its new bindings; resumes where it stands. */
export async function migrateInPlace(
  conn: Connection,
  vhost: string,
  name: string,
  olds: VHostObjects,
  news: VHostObjects,
): Promise<MigrationReport> {
  const started = Date.now();
  const done = stepClock(name, started);
  const target = own(news.queues, name)!;
  const temp = temporaryQueueName(name);
  const qPath = `/queues/${seg(vhost)}/${seg(name)}`;
  const tPath = `/queues/${seg(vhost)}/${seg(temp)}`;
  const q = (await readOne(conn, qPath)) as LiveQueue | undefined;
  const t = (await readOne(conn, tPath)) as LiveQueue | undefined;
  if (t && own(t.arguments ?? {}, MIGRATION_OF_ARGUMENT) !== name)
    throw plainError(
      `queue ${vhost}/${name}: the temporary queue ${temp} exists and is not this migration's (no ${MIGRATION_OF_ARGUMENT}: ${name}); nothing was moved`,
    );
  const before = own(olds.queues, name) ?? (q ? liveQueue(q) : target);
  const refusal = migrationRefusal(before, target);
  if (refusal) throw plainError(`queue ${vhost}/${name} cannot be migrated: ${refusal}; nothing was moved`);
  let windowMs: number | undefined;
  let temporaryExists = t !== undefined;
  if (q && !sameQueue(q, target)) {
    if (!temporaryExists) {
      const policies = await livePolicies(conn, vhost);
      refuseLossyPolicies(policies, vhost, temp);
      const deadLetter = deadLetterInEffect(
        q.arguments ?? {},
        deadLetterPolicy(policies, vhost, name, typeOf(liveQueue(q))),
      );
      await declareQueue(conn, vhost, temp, temporaryQueue(name, deadLetter));
      temporaryExists = true;
    }
    await done.step('declare-temporary');
    const bound = await queueBindings(conn, vhost, name);
    for (const b of bound) await bind(conn, vhost, temp, b);
    await done.step('bind-temporary');
    for (const b of bound) await unbind(conn, vhost, name, b);
    await done.step('unbind-queue');
    await drainAndDelete(conn, vhost, name, temp, 'move-to-temporary', false, done);
    const deletedAt = Date.now();
    await done.step('delete-queue');
    await declareQueue(conn, vhost, name, target);
    windowMs = Date.now() - deletedAt;
    await done.step('declare-queue');
  } else if (!q) {
    // Stopped after the delete: declare it now (without the policy that held publishers off the old one).
    await unblockPublishing(conn, vhost, name);
    await declareQueue(conn, vhost, name, target);
    await done.step('declare-queue');
  }
  for (const b of Object.values(news.bindings)) {
    if (b.destinationType === 'queue' && b.destination === name) await bind(conn, vhost, name, toLive(b));
  }
  await done.step('bind-queue');
  if (temporaryExists) {
    for (const b of await queueBindings(conn, vhost, temp)) await unbind(conn, vhost, temp, b);
    await done.step('unbind-temporary');
    await drainAndDelete(conn, vhost, temp, name, 'move-back', false, done);
    await done.step('delete-temporary');
  }
  return {
    queue: name,
    kind: 'in-place',
    ...(windowMs !== undefined ? { windowMs } : {}),
    ms: Date.now() - started,
    steps: done.steps,
  };
}

/**
 * `replaces: OLD`: the new queue and its bindings are declared already (bindings are added first); OLD's bindings
 * are removed, its messages moved, and OLD deleted once it is empty and has no consumer. A replaced queue that is not
 * on the broker is done.
 */
export async function migrateByRename(
  conn: Connection,
  vhost: string,
  name: string,
  old: string,
): Promise<MigrationReport | undefined> {
  const started = Date.now();
  const done = stepClock(name, started);
  const oPath = `/queues/${seg(vhost)}/${seg(old)}`;
  const live = (await readOne(conn, oPath)) as LiveQueue | undefined;
  if (!live) return undefined;
  const refusal = migrationRefusal(liveQueue(live), liveQueue(live));
  if (refusal) throw plainError(`queue ${vhost}/${old} cannot be replaced by ${name}: ${refusal}; nothing was moved`);
  for (const b of await queueBindings(conn, vhost, old)) await unbind(conn, vhost, old, b);
  await done.step('unbind-old');
  await drainAndDelete(conn, vhost, old, name, 'move-to-new', true, done);
  await done.step('delete-old');
  return { queue: name, kind: 'rename', from: old, ms: Date.now() - started, steps: done.steps };
}

function liveQueue(row: LiveQueue): QueueObject {
  return {
    durable: row.durable,
    autoDelete: row.auto_delete,
    arguments: (row.arguments ?? {}) as QueueObject['arguments'],
  };
}

/** Whether the live queue is declared as `q` (RabbitMQ 4 reports x-queue-type classic on queues declared without one). */
function sameQueue(row: LiveQueue, q: QueueObject): boolean {
  const live = liveQueue(row);
  return canonical({ ...live, arguments: withoutImplicitType(live.arguments, q.arguments) }) === canonical(q);
}

async function declareQueue(conn: Connection, vhost: string, name: string, q: QueueObject): Promise<void> {
  await callApi(conn, 'PUT', `/queues/${seg(vhost)}/${seg(name)}`, {
    durable: q.durable,
    auto_delete: q.autoDelete,
    arguments: q.arguments,
  });
}

/** A queue's bindings as the broker has them, without the default exchange's (which no one can remove). */
async function queueBindings(conn: Connection, vhost: string, queue: string): Promise<LiveBinding[]> {
  const rows = (await readList(conn, `/queues/${seg(vhost)}/${seg(queue)}/bindings`)) as unknown as LiveBinding[];
  return rows.filter((b) => b.source !== '');
}

async function bind(conn: Connection, vhost: string, queue: string, b: Omit<LiveBinding, 'properties_key'>) {
  await callApi(conn, 'POST', `/bindings/${seg(vhost)}/e/${seg(b.source)}/q/${seg(queue)}`, {
    routing_key: b.routing_key,
    arguments: b.arguments ?? {},
  });
}

async function unbind(conn: Connection, vhost: string, queue: string, b: LiveBinding) {
  await callApi(conn, 'DELETE', `/bindings/${seg(vhost)}/e/${seg(b.source)}/q/${seg(queue)}/${seg(b.properties_key)}`);
}

function toLive(b: BindingObject): Omit<LiveBinding, 'properties_key'> {
  return { source: b.source, routing_key: b.routingKey, arguments: b.arguments };
}

/**
 * Moves what `from` holds to `to` and deletes `from` once it holds nothing (and, with `unused`, has no consumer).
 * A classic queue is deleted with `?if-empty=true`, the broker's own check: a message published to it by name after
 * a round is moved by the next one. RabbitMQ 3.10 refuses that flag for quorum queues (and streams), so those first
 * refuse new messages (a policy, max-length 0 with reject-publish: a publisher gets a nack, never the confirm of a
 * message then lost) and are deleted once the broker hands out no message from them (deleteIfNoneReady).
 */
async function drainAndDelete(
  conn: Connection,
  vhost: string,
  from: string,
  to: string,
  step: MigrationStep,
  unused: boolean,
  done: StepClock,
): Promise<void> {
  const path = `/queues/${seg(vhost)}/${seg(from)}`;
  const row = (await readOne(conn, path)) as LiveQueue | undefined;
  if (!row) return unblockPublishing(conn, vhost, from);
  const atomic = typeOf(liveQueue(row)) === 'classic';
  // The temporary queue has no publishers (unbound, under a reserved name): it needs no blocking, which would wait
  // for the broker's statistics to show the policy applied.
  const blocked = !atomic && from !== temporaryQueueName(to);
  if (blocked) await blockPublishing(conn, vhost, from);
  const since = Date.now();
  // Consumers other than the shovel, as the broker counted them before it started: only then can messages be held
  // unacknowledged when the queue goes (the shovel acknowledges all it moved before it stops).
  const consumed = Number(row.consumers ?? 0) > 0;
  for (;;) {
    await shovel(conn, vhost, from, to);
    await done.step(step);
    if (consumed) await untilNoneUnacknowledged(conn, vhost, from);
    const now = (await readOne(conn, path)) as LiveQueue | undefined;
    if (!now) break;
    const consumers = Number(now.consumers ?? 0);
    if (unused && consumers > 0) {
      if (Date.now() - since > STALL_MS)
        throw plainError(
          `queue ${vhost}/${from}: ${consumers} consumer(s) still read it; it is unbound and its messages are in ${to}. ` +
            `Move them to ${to}, then run up again: it deletes ${from} once no one reads it. Nothing was lost`,
        );
      await pause(1000);
      continue;
    }
    if (atomic ? await deleteIfEmpty(conn, path, unused) : await deleteIfNoneReady(conn, vhost, from)) break;
  }
  if (blocked) await unblockPublishing(conn, vhost, from);
}

/** A dynamic shovel on this broker that moves what `from` holds now to `to`, acking once `to` confirmed, then stops. */
export function shovelDefinition(vhost: string, from: string, to: string): Record<string, string> {
  const uri = `amqp:///${encodeURIComponent(vhost)}`;
  return {
    'src-protocol': 'amqp091',
    'src-uri': uri,
    'src-queue': from,
    'src-delete-after': 'queue-length',
    'dest-protocol': 'amqp091',
    'dest-uri': uri,
    'dest-queue': to,
    'ack-mode': 'on-confirm',
  };
}

/**
 * Moves the messages `from` holds now to `to` with a dynamic shovel that deletes itself once it has moved that many
 * (`src-delete-after: queue-length`), acknowledging each only once `to` has confirmed it. A shovel of the same name
 * left by a stopped run is waited for, not doubled. Fails, leaving the shovel, when it reports an error or stops
 * making progress.
 */
async function shovel(conn: Connection, vhost: string, from: string, to: string): Promise<void> {
  const name = temporaryQueueName(`${from} -> ${to}`);
  const path = `/parameters/shovel/${seg(vhost)}/${seg(name)}`;
  if (!(await readOne(conn, path))) {
    const { status, json } = await callApi(conn, 'PUT', path, { value: shovelDefinition(vhost, from, to) }, [400]);
    if (status === 400) {
      const reason = String((json as { reason?: unknown } | undefined)?.reason ?? '');
      throw plainError(
        /component shovel not found/.test(reason)
          ? `queue ${vhost}/${from}: a migration moves messages with a dynamic shovel, and the broker has no rabbitmq_shovel plugin enabled. Enable it (rabbitmq-plugins enable rabbitmq_shovel; with warren:cluster, add it to warren:cluster.plugins), then run up again. Nothing was moved`
          : `RabbitMQ management API: PUT ${path} answered 400: ${reason.slice(0, 300)}`,
      );
    }
  }
  let last = -1;
  let since = Date.now();
  for (;;) {
    const defined = (await readOne(conn, path)) !== undefined;
    const status = (await readList(conn, `/shovels/${seg(vhost)}`)).find((s) => s.name === name);
    // Done once the shovel has stopped too, not only its parameter gone: messages it took beyond its count (published
    // to the queue meanwhile) are held unacknowledged until its connections close, and the queue's `if-empty` delete
    // would not see them. RabbitMQ 3.10's worker closes them before it clears its parameter
    // (rabbit_shovel_worker:terminate/2), so this only keeps warren from relying on that order.
    if (!defined && (status === undefined || status.state === 'terminated')) return;
    if (defined && status?.state === 'terminated')
      throw plainError(
        `shovel ${vhost}/${name} (moving ${from} to ${to}) stopped: ${String(status.reason ?? 'no reason given')}. Nothing was lost; the next up resumes`,
      );
    // Progress: what the shovel reports moved; without rabbitmq_shovel_management (no /api/shovels: RabbitMQ 4.0
    // answers 404), how many messages the source still holds, from its statistics.
    const moved =
      status !== undefined
        ? Number(status.transferred ?? status.messages_transferred ?? 0)
        : Number((await readOne(conn, `/queues/${seg(vhost)}/${seg(from)}`))?.messages ?? -1);
    if (moved !== last) [last, since] = [moved, Date.now()];
    else if (Date.now() - since > STALL_MS)
      throw plainError(
        `shovel ${vhost}/${name} (moving ${from} to ${to}) made no progress for ${STALL_MS / 1000} s. Nothing was lost; the next up resumes`,
      );
    await pause(POLL_MS);
  }
}

/**
 * Waits until the broker's statistics show no message delivered and not yet acknowledged on the queue: deleting it
 * would drop those (its consumers got them, but could not reject them back). Bounded: a consumer that never acks does
 * not hold the migration (its messages then count as delivered).
 */
async function untilNoneUnacknowledged(conn: Connection, vhost: string, queue: string): Promise<void> {
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    const row = await readOne(conn, `/queues/${seg(vhost)}/${seg(queue)}`);
    if (!row || Number(row.messages_unacknowledged ?? 0) === 0) return;
    await pause(200);
  }
}

/** The policy that makes a quorum queue or stream refuse new messages while it is drained (`warren.migrate.<name>`). */
function blockPath(vhost: string, name: string): string {
  return `/policies/${seg(vhost)}/${seg(temporaryQueueName(name))}`;
}

/**
 * Makes the queue refuse what is published to it (max-length 0, reject-publish), above every policy on the broker,
 * and waits until the broker applies it. Only messages already in the queue are then moved; none can come in after.
 */
async function blockPublishing(conn: Connection, vhost: string, name: string): Promise<void> {
  let top = 0;
  for (const p of await readList(conn, `/policies/${seg(vhost)}`)) top = Math.max(top, Number(p.priority) || 0);
  const definition = { [QUEUE_FIELD.maxLength.policyKey!]: 0, [QUEUE_FIELD.overflow.policyKey!]: 'reject-publish' };
  const path = blockPath(vhost, name);
  const existing = await readOne(conn, path);
  if (!existing)
    await callApi(conn, 'PUT', path, {
      pattern: exactPattern(name, true),
      'apply-to': 'queues',
      priority: top + 1,
      definition,
    });
  const until = Date.now() + STALL_MS;
  for (;;) {
    const row = await readOne(conn, `/queues/${seg(vhost)}/${seg(name)}`);
    if (!row || row.policy === temporaryQueueName(name)) return;
    if (Date.now() > until)
      throw plainError(
        `queue ${vhost}/${name}: the broker did not apply the policy that stops new messages during its migration. Nothing was moved; the next up resumes`,
      );
    await pause(POLL_MS);
  }
}

async function unblockPublishing(conn: Connection, vhost: string, name: string): Promise<void> {
  await callApi(conn, 'DELETE', blockPath(vhost, name));
}

/**
 * DELETE once the broker hands out no ready message: a basic.get through the management API (requeued at once if
 * there is one) is the broker's own answer now, where its statistics trail by seconds. The queue refuses new
 * messages (blockPublishing) and its unacknowledged ones were waited for (untilNoneUnacknowledged). False when a
 * message is there: another round moves it.
 */
async function deleteIfNoneReady(conn: Connection, vhost: string, name: string): Promise<boolean> {
  const path = `/queues/${seg(vhost)}/${seg(name)}`;
  const { status, json } = await callApi(conn, 'POST', `${path}/get`, {
    count: 1,
    ackmode: 'ack_requeue_true',
    encoding: 'auto',
    truncate: 1,
  });
  if (status === 404) return true;
  if (!Array.isArray(json))
    throw plainError(`RabbitMQ management API: POST ${path}/get answered ${status} without a list of messages`);
  if (json.length > 0) return false;
  await callApi(conn, 'DELETE', path);
  return true;
}

/** DELETE with the broker's own emptiness check: true when the queue is gone, false when it still holds messages. */
async function deleteIfEmpty(conn: Connection, path: string, unused = false): Promise<boolean> {
  const { status } = await callApi(
    conn,
    'DELETE',
    `${path}?if-empty=true${unused ? '&if-unused=true' : ''}`,
    undefined,
    [400],
  );
  return status !== 400;
}

/** The vhost's policies and operator policies, as the broker lists them now. */
interface LivePolicies {
  readonly user: readonly PolicyView[];
  readonly operator: readonly PolicyView[];
}

/**
 * Read from the broker's policy lists, which answer at once: a queue's own `policy` and `effective_policy_definition`
 * come from its statistics, which trail by seconds, and a quorum queue declared just now shows none for longer.
 */
async function livePolicies(conn: Connection, vhost: string): Promise<LivePolicies> {
  const read = async (path: string): Promise<PolicyView[]> =>
    (await readList(conn, path)).map((r) => ({
      name: String(r.name),
      pattern: String(r.pattern),
      ...(typeof r['apply-to'] === 'string' ? { applyTo: r['apply-to'] } : {}),
      priority: Number(r.priority) || 0,
      definition: (r.definition ?? {}) as Record<string, unknown>,
    }));
  return {
    user: await read(`/policies/${seg(vhost)}`),
    operator: await read(`/operator-policies/${seg(vhost)}`),
  };
}

/** The policies that may apply to a queue of that type: the one the broker picks, or each it may pick, and why. */
function candidates(
  policies: readonly PolicyView[],
  name: string,
  type: string,
): { may: (PolicyView | undefined)[]; why?: string } {
  const a = applyingPolicy(policies, { name, target: type as PolicyTarget });
  return a.known ? { may: [a.policy] } : { may: [...a.candidates], why: a.why };
}

/**
 * The definition of the policy the broker applies to the queue (rabbit_policy's pick, by warren's matcher:
 * model/applying-policy.ts), for its dead-letter keys. When warren cannot tell which policy applies and the
 * candidates disagree on the route, nothing moves: the temporary queue would dead-letter to a guess.
 */
function deadLetterPolicy(policies: LivePolicies, vhost: string, name: string, type: string): Record<string, unknown> {
  const { may, why } = candidates(policies.user, name, type);
  const definitions = may.map((p) => p?.definition ?? {});
  if (new Set(definitions.map((d) => canonical(deadLetterInEffect({}, d)))).size > 1)
    throw plainError(
      `queue ${vhost}/${name}: ${why}; the policies it may be under send its dead letters to different places, so its migration cannot give the temporary queue the same route. Nothing was moved. Give the policies distinct priorities, then run up again`,
    );
  return definitions[0] ?? {};
}

/**
 * Refuses to go on when a policy or operator policy with a limit or overflow key applies, or may apply, to the
 * temporary queue (a quorum queue): it could drop or expire what the migration moves there. Checked before the
 * temporary queue is declared: nothing has moved.
 */
function refuseLossyPolicies(policies: LivePolicies, vhost: string, temp: string): void {
  const lossy = [...candidates(policies.user, temp, 'quorum').may, ...candidates(policies.operator, temp, 'quorum').may]
    .filter((p): p is PolicyView => p !== undefined)
    .map((p) => ({ name: p.name, keys: Object.keys(p.definition).filter((k) => LOSSY_KEYS.includes(k)) }))
    .filter((p) => p.keys.length > 0);
  if (lossy.length === 0) return;
  throw plainError(
    `queue ${vhost}/${temp}, the migration's temporary queue, would be (or may be) under ${lossy.map((p) => `${p.name} (${p.keys.join(', ')})`).join(', ')}, which can drop or expire what is moved there. ` +
      `Nothing was moved. Leave names that start with warren.migrate. out of their patterns, then run up again`,
  );
}

/**
 * For the tests that stop a run at each step: with WARREN_TEST_HALT_AFTER=<queue>:<step>, the run writes the step to
 * WARREN_TEST_HALT_FILE and waits there, to be killed. Unset (always, outside those tests), it does nothing.
 */
function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
