// A minimal client of RabbitMQ's management HTTP API for the dynamic
// providers. It runs inside Pulumi's dynamic-provider host, so it depends on
// nothing but Node's globals (fetch, Buffer), and no error it raises carries
// the credentials (or a stack trace: plainError).
//
// Every request has a deadline (WARREN_MANAGEMENT_TIMEOUT_MS, default 30 s):
// a broker that accepts the connection and never answers must not hang
// `pulumi up`. A request that gets no answer, or a 5xx, is asked again (3
// attempts in all): a node that restarts or is under load answers the next
// one. Every call here is idempotent (GET; PUT and DELETE of a whole object;
// POST of a rebalance), so asking again changes nothing.
import { requestDeadline } from '../../broker/request-deadline.js';
export { seg } from '../../broker/api-path.js';
import { httpRequest, type TlsSettings } from '../../broker/tls-request.js';
import { plainError } from './plain-error.js';
import { isMapping } from '../../base/own-keys.js';

export interface Connection {
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** The stack's warren:managementTls (CA, client certificate), as PEM text; absent: the system's CAs. */
  readonly tls?: TlsSettings;
}

const ATTEMPTS = 3;

export async function callApi(
  conn: Connection,
  method: string,
  path: string,
  body?: unknown,
  /** Statuses of 400 and above answered rather than thrown: a refused precondition (`?if-empty=true`) is an answer. */
  accept: readonly number[] = [],
): Promise<{ status: number; json: unknown }> {
  const auth = authorization(conn);
  const timeout = requestDeadline();
  const what = `RabbitMQ management API: ${method} ${path}`;
  for (let attempt = 1; ; attempt++) {
    let status: number;
    let text: string;
    try {
      ({ status, text } = await httpRequest(apiUrl(conn, path), conn.tls, {
        method,
        headers: { authorization: auth, 'content-type': 'application/json' },
        timeoutMs: timeout,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }));
    } catch (error) {
      if (attempt < ATTEMPTS) {
        await pause(250 * attempt);
        continue;
      }
      throw plainError(`${what}: no answer after ${ATTEMPTS} attempts (${failureReason(error, timeout)})`);
    }
    if (status >= 500 && attempt < ATTEMPTS) {
      await pause(250 * attempt);
      continue;
    }
    if (status >= 400 && status !== 404 && !accept.includes(status))
      throw plainError(`${what} answered ${status}: ${text.slice(0, 300)}`);
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw plainError(`${what} answered ${status} with a body that is not JSON: ${text.slice(0, 100)}`);
    }
    // A 404 is "no such object" (a read: gone; a delete: already gone) only in RabbitMQ's own words; another
    // server's (a wrong URL, a proxy) says nothing about the object.
    if (status === 404 && (json as { error?: unknown } | undefined)?.error !== 'Object Not Found')
      throw plainError(
        `${what} answered 404 without RabbitMQ's answer (is this the management API?): ${text.slice(0, 100)}`,
      );
    return { status, json };
  }
}

/**
 * GET of one object, as a read reports it: undefined when RabbitMQ says there is no such object (its own 404:
 * callApi takes no other), the object when the answer is it (`fields` as asked: its name, vhost…), else an error:
 * an answer about something else is not the object.
 */
export async function readOne(
  conn: Connection,
  path: string,
  fields: Readonly<Record<string, string>> = {},
): Promise<Record<string, unknown> | undefined> {
  const { status, json } = await callApi(conn, 'GET', path);
  if (status === 404) return undefined;
  const o = json as Record<string, unknown>;
  if (status !== 200 || !isMapping(json) || Object.entries(fields).some(([k, v]) => o[k] !== v))
    throw plainError(`RabbitMQ management API: GET ${path} answered ${status} without the object asked for`);
  return o;
}

/** GET of a list (a vhost's limits, its operator policies): empty when RabbitMQ says its owner is not there, else as readOne. */
export async function readList(conn: Connection, path: string): Promise<Record<string, unknown>[]> {
  const { status, json } = await callApi(conn, 'GET', path);
  if (status === 404) return [];
  if (status !== 200 || !Array.isArray(json) || !json.every((x) => typeof x === 'object' && x !== null))
    throw plainError(`RabbitMQ management API: GET ${path} answered ${status} without the list asked for`);
  return json as Record<string, unknown>[];
}

/**
 * Whether the stored URL or credentials differ from the new ones. Then the
 * state must take the new ones (an update): `pulumi destroy` reads only the
 * state, and would delete with credentials rotated away (pulumi/pulumi#9086).
 */
export function connectionChanged(
  olds: { readonly connection: Connection },
  news: { readonly connection: Connection },
): boolean {
  return JSON.stringify(olds.connection) !== JSON.stringify(news.connection);
}

/** The Basic authorization header of the connection's credentials. */
export function authorization(conn: Connection): string {
  return `Basic ${Buffer.from(`${conn.username}:${conn.password}`).toString('base64')}`;
}

/** The URL of a management API path (`/nodes`) at the connection's base URL. */
export function apiUrl(conn: Connection, path: string): string {
  return `${conn.url.replace(/\/+$/, '')}/api${path}`;
}

/** Why a request got no answer: its deadline, or the socket's error code. */
export function failureReason(error: unknown, timeout: number): string {
  const e = error as { name?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${timeout} ms`;
  return e.cause?.code ?? e.name ?? 'request failed';
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `request` for each item, up to `inFlight` at once, in the items' order: deleting a vhost's objects one request
 * each is a wait for the broker's answer per object, and the broker answers several at once. The first failure
 * stops the rest from starting, and is what this throws, once those already sent have answered.
 */
export async function eachInFlight<T>(
  items: readonly T[],
  inFlight: number,
  request: (item: T) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await request(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, worker));
  if (failure) throw failure.error;
}
