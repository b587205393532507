// A minimal client of RabbitMQ's management HTTP API for the dynamic
// providers. It runs inside Pulumi's dynamic-provider host, so it depends on
// nothing but Node's globals (fetch, Buffer), and no error it raises carries
// the credentials (or a stack trace: plainError).
import { plainError } from './plain-error.js';

export interface Connection {
  readonly url: string;
  readonly username: string;
  readonly password: string;
}

export async function callApi(conn: Connection, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const auth = 'Basic ' + Buffer.from(`${conn.username}:${conn.password}`).toString('base64');
  const response = await fetch(conn.url.replace(/\/+$/, '') + '/api' + path, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 400 && response.status !== 404) {
    throw plainError(`RabbitMQ management API: ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  }
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

/** A path segment: vhost and object names may hold `/` (the default vhost is `/`). */
export function seg(name: string): string {
  return encodeURIComponent(name);
}
