// `warren:granularity: vhost`: one resource holds a vhost's exchanges,
// queues, bindings and policies. Its create and update declare with the
// broker's own bulk path (POST /api/definitions/{vhost}, in chunks) and delete
// only what left the topology or must be re-declared; its read reports each
// managed object as the broker has it, so `refresh` shows drift per object.
// Why: per-object resources cost the engine and providers ~3 ms each on every
// preview and a checkpoint write each on every up (docs/benchmarks.md, "Why `vhost`").
//
// What per-object resources get from Pulumi, this provider does itself:
// - the no-loss guard stays the QueueGuard, which runs before this resource;
// - `protect` of queues: `check` refuses to delete or re-declare a protected
//   queue (protectRefusals), and the resource itself is protected while it
//   holds one, so `pulumi destroy` refuses too;
// - adoption: create declares what is missing and leaves identical objects as
//   they are; it refuses exchanges and queues declared otherwise
//   (declarationConflicts) before it changes anything.
import type * as pulumi from '@pulumi/pulumi';
import { brokerBindingKey, canonical, fromBrokerRow } from '../../model/binding-identity.js';
import { own } from '../../base/own-keys.js';
import {
  declarationConflicts,
  isEmpty,
  liveObjects,
  objectChanges,
  protectRefusals,
  toDefinitions,
  type LiveVhost,
} from '../../plan/vhost-object-changes.js';
import { decodeObjects, encodeLike, encodeObjects, sameObjects, type StoredObjects } from '../../plan/object-texts.js';
import { emptyObjects, type OBJECT_KINDS, type VHostObjects } from '../../plan/vhost-objects.js';
import {
  findMigrations,
  inPlaceStepTexts,
  type Migrations,
  renameStepTexts,
  withoutMigrations,
} from '../../plan/queue-migrations.js';
import { migrateByRename, migrateInPlace, type MigrationReport } from './migrate-queues.js';
import { callApi, connectionChanged, eachInFlight, readList, readOne, seg, type Connection } from './management-api.js';
import { plainError } from './plain-error.js';
import { DynamicResource, defineProvider } from './dynamic-resource.js';

export interface VHostObjectsInputs {
  readonly connection: pulumi.Input<Connection>;
  readonly vhost: pulumi.Input<string>;
  readonly objects: VHostObjects;
  readonly protectedQueues: readonly string[];
  /** Queues whose declaration change is a migration (warren:allow.migrate); absent when none. */
  readonly migrate?: readonly string[];
  /** New queue → the queue it replaces (`replaces:`); absent when none. */
  readonly replaces?: Readonly<Record<string, string>>;
}

interface State {
  connection: Connection;
  vhost: string;
  /** Each object as its text (object-texts.ts); maps in state written by an earlier warren. */
  objects: StoredObjects;
  protectedQueues: string[];
  migrate?: string[];
  replaces?: Record<string, string>;
  /** What the update will migrate, step by step (added by check, for `pulumi preview --diff`; never in outputs). */
  migrations?: Record<string, string[]>;
  /** What the last update's migrations did (outputs only). */
  migrated?: MigrationReport[];
}

/**
 * The steps each planned migration takes, keyed by queue, as `pulumi preview --diff` shows the inputs it adds them
 * to; undefined when there are none, so that a group with no migration keeps the inputs it had.
 */
function plannedSteps(m: Migrations): Record<string, string[]> | undefined {
  const planned: Record<string, string[]> = {};
  for (const name of m.inPlace) planned[name] = inPlaceStepTexts(name);
  for (const [name, old] of m.renames) planned[name] = renameStepTexts(old, name);
  return Object.keys(planned).length > 0 ? planned : undefined;
}

/** The migrations an update from `olds` to `news` carries out, and the objects it changes around them. */
function migrationsOf(olds: State, news: State) {
  const [before, after] = [decodeObjects(olds.objects), decodeObjects(news.objects)];
  const migrations = findMigrations(before, after, news.migrate ?? [], news.replaces ?? {});
  return { migrations, before, after, ...withoutMigrations(before, after, migrations) };
}

/**
 * Objects per definitions request, so that each request stays well inside the
 * management API client's deadline (30 s): RabbitMQ 3.10 on 2 cores declares
 * about 10 queues a second when half of them are quorum queues (each starts
 * a Raft member and syncs its log), and policies, exchanges and bindings by
 * the thousand.
 */
const CHUNK: Record<string, number> = {
  parameters: 1000,
  policies: 1000,
  exchanges: 1000,
  queues: 100,
  bindings: 1000,
};

const provider = defineProvider('VHostObjects', {
  async check(olds: Partial<State> | undefined, news: State) {
    const before = olds?.objects ? (olds as State) : undefined;
    // A migrated queue keeps its messages: protection does not stand in its way (the guard allowed it).
    const m = before ? migrationsOf(before, news) : undefined;
    const retired = new Set(m?.migrations.renames.map(([, old]) => old));
    const refusals =
      before && m
        ? protectRefusals(
            news.vhost,
            m.olds,
            (before.protectedQueues ?? []).filter((q) => !retired.has(q)),
            m.news,
            news.protectedQueues,
          )
        : [];
    // A migration's steps are shown by preview (the engine displays the inputs' difference), carried out by update.
    const { migrations: _, ...inputs } = news;
    const planned = m ? plannedSteps(m.migrations) : undefined;
    return {
      inputs: planned ? { ...inputs, migrations: planned } : inputs,
      failures: refusals.map((reason) => ({ property: 'objects', reason })),
    };
  },
  async create(s: State) {
    const objects = decodeObjects(s.objects);
    const live = await readLive(s.connection, s.vhost);
    const conflicts = declarationConflicts(s.vhost, objects, live);
    if (conflicts.length > 0) {
      throw plainError(
        `vhost ${s.vhost}: nothing was changed; these objects exist on the broker with another declaration (adopt them as they are, e.g. with warren import, or delete them by hand): ${conflicts.join('; ')}`,
      );
    }
    await declare(s.connection, s.vhost, objects);
    // A first deployment may replace a queue it never managed (one an application declared): drain it too.
    const migrated: MigrationReport[] = [];
    for (const [name, old] of findMigrations(emptyObjects(), objects, [], s.replaces ?? {}).renames) {
      const report = await migrateByRename(s.connection, s.vhost, name, old);
      if (report) migrated.push(report);
    }
    const { migrations: _, ...outs } = s;
    return { id: s.vhost, outs: migrated.length > 0 ? { ...outs, migrated } : outs };
  },
  async diff(_id, olds: State, news: State) {
    const changes =
      olds.vhost !== news.vhost ||
      connectionChanged(olds, news) ||
      canonical(olds.protectedQueues) !== canonical(news.protectedQueues) ||
      !sameObjects(olds.objects, news.objects);
    return { changes, replaces: olds.vhost !== news.vhost ? ['vhost'] : [], deleteBeforeReplace: true };
  },
  // Deletes and declarations first, so that the new queue of a rename is bound before the old one is unbound and
  // every exchange a migrated queue is bound from exists; then the migrations (migrate-queues.ts).
  async update(_id, olds: State, news: State) {
    const m = migrationsOf(olds, news);
    const changes = objectChanges(m.olds, m.news);
    if (!isEmpty(changes)) {
      await remove(news.connection, news.vhost, changes.deletes, m.before);
      await declare(news.connection, news.vhost, changes.declares);
    }
    const migrated: MigrationReport[] = [];
    for (const name of m.migrations.inPlace)
      migrated.push(await migrateInPlace(news.connection, news.vhost, name, m.before, m.after));
    for (const [name, old] of m.migrations.renames) {
      const report = await migrateByRename(news.connection, news.vhost, name, old);
      if (report) migrated.push(report);
    }
    const { migrated: _, migrations: __, ...rest } = news;
    return { outs: migrated.length > 0 ? { ...rest, migrated } : rest };
  },
  async read(id, props: State) {
    const live = await readLive(props.connection, props.vhost);
    return {
      id,
      props: { ...props, objects: encodeLike(liveObjects(decodeObjects(props.objects), live), props.objects) },
    };
  },
  // As an update to no objects: bindings go with their exchanges and queues, only those between objects this group does not manage need a request.
  async delete(_id, s: State) {
    const objects = decodeObjects(s.objects);
    await remove(s.connection, s.vhost, objectChanges(objects, emptyObjects()).deletes, objects);
  },
} satisfies pulumi.dynamic.ResourceProvider);

/** One definitions import per chunk, policies first (so queues start with them), then exchanges, queues and bindings. */
async function declare(conn: Connection, vhost: string, objects: VHostObjects): Promise<void> {
  const definitions = toDefinitions(objects);
  for (const kind of ['parameters', 'policies', 'exchanges', 'queues', 'bindings']) {
    const list = definitions[kind] ?? [];
    const size = CHUNK[kind]!;
    for (let i = 0; i < list.length; i += size)
      await callApi(conn, 'POST', `/definitions/${seg(vhost)}`, { [kind]: list.slice(i, i + size) });
  }
}

/** Delete requests in flight at once: the broker answers them side by side (docs/benchmarks.md, "Figures", destroy). */
const DELETES_IN_FLIGHT = 8;

/** Deletes by kind, bindings first; a binding is found by its identity among the live ones (its properties key is the broker's). */
async function remove(
  conn: Connection,
  vhost: string,
  deletes: { readonly [K in (typeof OBJECT_KINDS)[number]]: readonly string[] },
  known: VHostObjects,
): Promise<void> {
  if (deletes.bindings.length > 0) {
    // Not a list is no answer: a binding missing from it would be taken for already gone, and left on the broker.
    const rows = (await readList(conn, `/bindings/${seg(vhost)}`)) as unknown as LiveBinding[];
    const live = new Map(rows.map((b) => [brokerBindingKey(fromBrokerRow(b)), b]));
    await eachInFlight(deletes.bindings, DELETES_IN_FLIGHT, async (key) => {
      const b = live.get(brokerBindingKey(own(known.bindings, key)!));
      if (!b) return; // already gone
      const type = b.destination_type === 'queue' ? 'q' : 'e';
      await callApi(
        conn,
        'DELETE',
        `/bindings/${seg(vhost)}/e/${seg(b.source)}/${type}/${seg(b.destination)}/${seg(b.properties_key)}`,
      );
    });
  }
  // One kind after the other (queues before the exchanges their bindings need), each kind's deletes in flight together.
  for (const [kind, path] of [
    ['queues', 'queues'],
    ['exchanges', 'exchanges'],
    ['policies', 'policies'],
    ['operatorPolicies', 'operator-policies'],
  ] as const)
    await eachInFlight(deletes[kind], DELETES_IN_FLIGHT, (name) =>
      callApi(conn, 'DELETE', `/${path}/${seg(vhost)}/${seg(name)}`),
    );
}

type LiveBinding = {
  source: string;
  destination: string;
  destination_type: string;
  routing_key: string;
  arguments?: Record<string, unknown>;
  properties_key: string;
};

/** The vhost's objects in two requests: its definitions, and its operator policies (not part of them). A vhost that is gone holds nothing. */
async function readLive(conn: Connection, vhost: string): Promise<LiveVhost> {
  const [definitions, operator] = await Promise.all([
    readOne(conn, `/definitions/${seg(vhost)}`),
    readList(conn, `/operator-policies/${seg(vhost)}`),
  ]);
  const d = (definitions ?? {}) as Record<string, unknown>;
  // A list the export leaves out is empty; one that is not a list is not the broker's answer.
  const list = <T>(kind: string): T[] => {
    const v = d[kind] ?? [];
    if (!Array.isArray(v))
      throw plainError(`RabbitMQ management API: GET /definitions/${seg(vhost)} has no list of ${kind}`);
    return v as T[];
  };
  return {
    exchanges: list('exchanges'),
    queues: list('queues'),
    bindings: list('bindings'),
    policies: list('policies'),
    operatorPolicies: operator as unknown as LiveVhost['operatorPolicies'],
  };
}

export class VHostObjectsResource extends DynamicResource {
  constructor(name: string, args: VHostObjectsInputs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { ...args, objects: encodeObjects(args.objects) },
      {
        ...opts,
        additionalSecretOutputs: ['connection'],
      },
    );
  }
}
