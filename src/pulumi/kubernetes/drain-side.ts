// While both sides of a blue/green pair run (blue-green.ts), the inactive
// side is drained into the active one: one dynamic shovel per queue on the
// inactive side, from the queue to its twin on the active side. One resource,
// whose direction a switch changes (an update: the old shovels go, the new
// ones come); each time a side becomes the drained one, its clients'
// connections are closed, so that they reconnect through the client Service,
// which selects the active side by then.
//
// Why shovels and not queue federation: a federated queue fetches messages
// only while it has consumers of its own, and only as many as they take; a
// drain must empty the old side whether or not consumers are back yet. A
// shovel with `ack-mode: on-confirm` acknowledges a message on the inactive
// side only once the active side has confirmed it (nothing lost; a reconnect
// may send a message twice), and one shovel per queue keeps each queue's order
// (one consumer, one publisher). `src-delete-after: never`: the shovel keeps
// moving whatever still arrives (a client that reconnected before the Service
// changed) until the side is retired.
//
// Deleting the drain (when the side is retired) waits, up to a stall, until the drained queues are empty, so that no
// message is left in a shovel's hands; then it removes the shovels and the
// permissions it granted.
import type * as pulumi from '@pulumi/pulumi';
import { callApi, eachInFlight, readList, readOne, seg, type Connection } from '../dynamic/management-api.js';
import { plainError } from '../dynamic/plain-error.js';
import { halt } from '../dynamic/test-halt.js';
import { DynamicResource, defineProvider } from '../dynamic/dynamic-resource.js';

export interface DrainQueue {
  readonly vhost: string;
  readonly name: string;
}

export interface DrainInputs {
  /** The inactive side's management API (its shovels, its connections). */
  readonly from: pulumi.Input<Connection>;
  /** The active side's management API (the permissions the shovels publish with). */
  readonly to: pulumi.Input<Connection>;
  /** The active side's AMQP endpoint as the inactive side's nodes reach it (its own Service, inside Kubernetes). */
  readonly destination: { readonly host: string; readonly port: number };
  readonly queues: readonly DrainQueue[];
  /** `namespace/name (side)` of each side, for messages. */
  readonly fromName: string;
  readonly toName: string;
}

interface State {
  from: Connection;
  to: Connection;
  destination: { host: string; port: number };
  queues: DrainQueue[];
  fromName: string;
  toName: string;
  /** Vhosts in which this drain gave the admin permissions on the active side (taken back on delete). */
  granted?: string[];
  /** Client connections closed on the inactive side when the drain began. */
  closed?: number;
}

/** The shovel's name in the queue's vhost on the inactive side. */
export const drainShovelName = (queue: string): string => `warren-drain ${queue}`;

const IN_FLIGHT = 8;
/** How long the drained queues may stay non-empty without progress before deleting the drain fails (it resumes). */
const STALL_MS = 120_000;
/** After closing the clients' connections, how long to keep closing those that come back (kube-proxy's change lags). */
const CLOSE_MS = 5_000;

export function drainShovel(s: Pick<State, 'destination' | 'to'>, q: DrainQueue): Record<string, unknown> {
  const vhost = encodeURIComponent(q.vhost);
  const user = `${encodeURIComponent(s.to.username)}:${encodeURIComponent(s.to.password)}`;
  return {
    'src-protocol': 'amqp091',
    'src-uri': `amqp:///${vhost}`,
    'src-queue': q.name,
    'src-delete-after': 'never',
    'dest-protocol': 'amqp091',
    'dest-uri': `amqp://${user}@${s.destination.host}:${s.destination.port}/${vhost}`,
    'dest-queue': q.name,
    'ack-mode': 'on-confirm',
    'reconnect-delay': 5,
  };
}

/** Gives the admin permissions in each vhost on the active side where it has none; returns those vhosts. */
async function grant(s: State): Promise<string[]> {
  const granted: string[] = [];
  for (const vhost of [...new Set(s.queues.map((q) => q.vhost))]) {
    const path = `/permissions/${seg(vhost)}/${seg(s.to.username)}`;
    if (await readOne(s.to, path)) continue;
    await callApi(s.to, 'PUT', path, { configure: '.*', write: '.*', read: '.*' });
    granted.push(vhost);
  }
  return granted;
}

async function putShovels(s: State, queues: readonly DrainQueue[]): Promise<void> {
  await eachInFlight(queues, IN_FLIGHT, async (q) => {
    const path = `/parameters/shovel/${seg(q.vhost)}/${seg(drainShovelName(q.name))}`;
    const { status, json } = await callApi(s.from, 'PUT', path, { value: drainShovel(s, q) }, [400]);
    if (status === 400)
      throw plainError(
        `${s.fromName}: the drain of ${q.vhost}/${q.name} was refused (${String((json as { reason?: unknown })?.reason ?? '').slice(0, 200)}); the drains need the rabbitmq_shovel plugin on both sides (warren adds it to a pair's plugins). Nothing was moved`,
      );
  });
}

/** Closes every client (network) connection on the inactive side, and for a few seconds those that come back. */
async function closeClients(s: State): Promise<number> {
  let closed = 0;
  const until = Date.now() + CLOSE_MS;
  for (;;) {
    const clients = (await readList(s.from, '/connections?columns=name,type')).filter((c) => c.type === 'network');
    await eachInFlight(clients, IN_FLIGHT, async (c) => {
      await callApi(s.from, 'DELETE', `/connections/${seg(String(c.name))}`);
      closed++;
    });
    if (Date.now() >= until) return closed;
    await pause(500);
  }
}

/** Waits until the drained queues on the inactive side hold nothing (ready or in a shovel's hands). */
async function awaitEmpty(s: State): Promise<void> {
  let last = Number.POSITIVE_INFINITY;
  let since = Date.now();
  for (;;) {
    const wanted = new Set(s.queues.map((q) => `${q.vhost}\0${q.name}`));
    const held = (await readList(s.from, '/queues?columns=vhost,name,messages')).filter(
      (q) => wanted.has(`${String(q.vhost)}\0${String(q.name)}`) && Number(q.messages ?? 0) > 0,
    );
    const total = held.reduce((n, q) => n + Number(q.messages), 0);
    if (held.length === 0) return;
    if (total < last) [last, since] = [total, Date.now()];
    else if (Date.now() - since > STALL_MS)
      throw plainError(
        `${s.fromName}: ${total} message(s) are still in ${held.length} queue(s) (${held
          .slice(0, 5)
          .map((q) => `${String(q.vhost)}/${String(q.name)}`)
          .join(', ')}) after ${STALL_MS / 1000} s without progress towards ${s.toName}; nothing was deleted. ` +
          'Is the active side reachable from the inactive one? The next up resumes',
      );
    await pause(1000);
  }
}

/** Drains `s.from` from now on: permissions on the active side, a shovel per queue, its clients sent away. */
async function begin(s: State): Promise<{ granted: string[]; closed: number }> {
  const granted = await grant(s);
  await putShovels(s, s.queues);
  await halt('drain:shovels');
  return { granted, closed: await closeClients(s) };
}

const provider = defineProvider('DrainSide', {
  async create(inputs: State) {
    return { id: 'drain', outs: { ...inputs, ...(await begin(inputs)) } };
  },
  async diff(_id, olds: State, news: State) {
    const shape = (s: State) => JSON.stringify([s.from, s.to, s.destination, s.queues, s.fromName, s.toName]);
    return { changes: shape(olds) !== shape(news) };
  },
  async update(_id, olds: State, news: State) {
    // A switch: the side that was active is drained now, into the other. The old shovels go first (without
    // waiting: the side they drained is active again, and its queues fill), then the drain begins anew.
    if (olds.fromName !== news.fromName) {
      await removeShovels(olds, olds.queues);
      await revoke(olds);
      return { outs: { ...news, ...(await begin(news)) } };
    }
    const granted = [...new Set([...(olds.granted ?? []), ...(await grant(news))])];
    const keep = new Set(news.queues.map((q) => `${q.vhost}\0${q.name}`));
    await removeShovels(
      news,
      olds.queues.filter((q) => !keep.has(`${q.vhost}\0${q.name}`)),
    );
    await putShovels(news, news.queues);
    return { outs: { ...news, granted, closed: olds.closed ?? 0 } };
  },
  // The inactive side is retired (or the pair ends): nothing may be left in a shovel's hands.
  async delete(_id, s: State) {
    await awaitEmpty(s);
    await removeShovels(s, s.queues);
    await revoke(s);
  },
} satisfies pulumi.dynamic.ResourceProvider);

/** Takes back the permissions this drain gave on the side it drained into. */
async function revoke(s: State): Promise<void> {
  for (const vhost of s.granted ?? [])
    await callApi(s.to, 'DELETE', `/permissions/${seg(vhost)}/${seg(s.to.username)}`);
}

async function removeShovels(s: State, queues: readonly DrainQueue[]): Promise<void> {
  await eachInFlight(queues, IN_FLIGHT, (q) =>
    callApi(s.from, 'DELETE', `/parameters/shovel/${seg(q.vhost)}/${seg(drainShovelName(q.name))}`),
  );
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class DrainSide extends DynamicResource {
  constructor(name: string, args: DrainInputs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, args, { ...opts, additionalSecretOutputs: ['from', 'to'] });
  }
}
