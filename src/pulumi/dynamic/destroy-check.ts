// `pulumi destroy` does not run the program, so no guard's `check` sees it:
// the engine deletes what the state holds. This resource depends on every
// other resource of the topology, so the engine deletes it first and alone
// (nothing else can go before it); its delete asks the broker
// what each queue holds and refuses while any holds messages, or while the
// broker gives no count for one (it may hold any number), unless the
// stack allowed it (warren:allow.destroyNonEmpty) at its last `up` — the
// allowance is read from the state, as destroy knows nothing else.
import type * as pulumi from '@pulumi/pulumi';
import { MIGRATION_QUEUE_PREFIX } from '../../model/reserved-names.js';
import { callApi, seg, type Connection } from './management-api.js';
import { plainError } from './plain-error.js';
import { DynamicResource, defineProvider } from './dynamic-resource.js';

export interface DestroyCheckInputs {
  readonly connection: pulumi.Input<Connection>;
  /** The managed queues: vhost → their names (a map, not one object per queue: 10,000 queues cost 10 times less). */
  readonly queues: Readonly<Record<string, readonly string[]>>;
  readonly allowNonEmpty: boolean;
}

/** As the inputs; a state written by warren before 2026-12-07 holds the queues as a list of `{ vhost, name }`. */
type State = {
  connection: Connection;
  queues: Record<string, string[]> | { vhost: string; name: string }[];
  allowNonEmpty: boolean;
};

/** Queues' names by vhost, in the order given: what the destroy check takes (`Object.fromEntries` of it). */
export function namesByVhost(
  queues: Iterable<{ readonly vhost: string; readonly name: string }>,
): Map<string, string[]> {
  const byVhost = new Map<string, string[]>();
  for (const q of queues) {
    const names = byVhost.get(q.vhost) ?? [];
    if (names.length === 0) byVhost.set(q.vhost, names);
    names.push(q.name);
  }
  return byVhost;
}

/** The managed queues by vhost, from either form of the state. */
function managedQueues(s: State): Map<string, string[]> {
  if (Array.isArray(s.queues)) return namesByVhost(s.queues);
  return new Map(Object.entries(s.queues).map(([vhost, names]) => [vhost, [...names]]));
}

/** What a diff compares: the connection (destroy needs the current one), the allowance, the queues whatever their form. */
function compared(s: State): string {
  const queues = [...managedQueues(s)].map(([vhost, names]) => [vhost, [...names].sort()]).sort();
  return JSON.stringify([s.connection, s.allowNonEmpty, queues]);
}

const provider = defineProvider('DestroyCheck', {
  async create(inputs: State) {
    return { id: 'destroy-check', outs: inputs };
  },
  async diff(_id, olds: State, news: State) {
    return { changes: compared(olds) !== compared(news) };
  },
  async update(_id, _olds: State, news: State) {
    return { outs: news };
  },
  async delete(_id, s: State) {
    // A queue's count comes with its statistics, some seconds after it is declared (quorum queues and streams take
    // longer): until then the broker gives none, which is not "empty". Wait for it, a while.
    const deadline = Date.now() + UNKNOWN_WAIT_MS;
    for (;;) {
      const { held, unknown, moving } = await survey(s);
      // The temporary queue of an unfinished migration holds messages no allowance gave up: refused whatever the stack says.
      if (moving.length > 0)
        throw plainError(
          `refusing to delete: a queue migration is unfinished and its temporary queue holds messages (or may): ${moving.join(', ')}. Run pulumi up to finish it, then destroy again.`,
        );
      if (s.allowNonEmpty) return;
      if (held.length > 0)
        throw plainError(
          `refusing to delete queues that hold messages: ${held.join(', ')}. Drain them, or set warren:allow.destroyNonEmpty: true in the stack config and run pulumi up, then destroy again.`,
        );
      if (unknown.length === 0) return;
      if (Date.now() >= deadline)
        throw plainError(
          `refusing to delete queues whose message count the broker does not report, which may hold messages: ${unknown.join(', ')}. ` +
            'Try again once the broker reports them (their statistics, or the queues, may be down), or set warren:allow.destroyNonEmpty: true in the stack config and run pulumi up, then destroy again.',
        );
      await new Promise((resolve) => setTimeout(resolve, UNKNOWN_POLL_MS));
    }
  },
} satisfies pulumi.dynamic.ResourceProvider);

/** How long destroy waits for counts the broker does not report yet, and how often it asks again. */
const UNKNOWN_WAIT_MS = 30_000;
const UNKNOWN_POLL_MS = 2_000;

/**
 * The managed queues that hold messages (`vhost/name (N messages)`), and those whose count the broker does not give
 * (`vhost/name (why)`). One request per vhost, not per queue: large topologies have thousands of queues. A queue (or
 * vhost) the broker does not have holds nothing.
 */
async function survey(s: State): Promise<{ held: string[]; unknown: string[]; moving: string[] }> {
  const held: string[] = [];
  const unknown: string[] = [];
  const moving: string[] = [];
  for (const [vhost, managed] of managedQueues(s)) {
    const { status, json } = await callApi(s.connection, 'GET', `/queues/${seg(vhost)}?columns=name,vhost,messages`);
    if (status === 404) continue; // RabbitMQ's own (callApi takes no other): the vhost is gone, and its queues
    const rows = status === 200 && Array.isArray(json) ? (json as Record<string, unknown>[]) : undefined;
    if (!rows) {
      const why = `the broker answered ${status} ${Array.isArray(json) ? '' : 'without a list of queues'}`.trim();
      for (const name of managed) unknown.push(`${vhost}/${name} (${why})`);
      continue;
    }
    const live = new Map<string, unknown>();
    for (const r of rows) if (r && typeof r.name === 'string' && r.vhost === vhost) live.set(r.name, r.messages);
    // The vhost's migration queues (plan/queue-migrations.ts): any count but 0 is a message moving.
    for (const [name, messages] of live)
      if (name.startsWith(MIGRATION_QUEUE_PREFIX) && messages !== 0) moving.push(`${vhost}/${name}`);
    for (const name of managed) {
      if (!live.has(name)) continue;
      const messages = live.get(name);
      if (typeof messages !== 'number' || !Number.isSafeInteger(messages) || messages < 0)
        unknown.push(
          `${vhost}/${name} (${messages === undefined ? 'no message count yet' : `message count ${JSON.stringify(messages)}`})`,
        );
      else if (messages > 0)
        held.push(`${vhost}/${name} (${messages.toLocaleString('en-US')} message${messages === 1 ? '' : 's'})`);
    }
  }
  return { held, unknown, moving };
}

export class DestroyCheck extends DynamicResource {
  constructor(name: string, args: DestroyCheckInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, { ...opts, additionalSecretOutputs: ['connection'] });
  }
}

/** The provider itself, for the unit tests of its delete. */
export const destroyCheckProvider = provider;
