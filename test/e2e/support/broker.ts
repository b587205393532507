// The local broker, as the tests look at it: its management API (what exists)
// and AMQP (how it behaves).
import amqp from 'amqplib';

export type Api = <T = unknown>(path: string, method?: string, body?: unknown) => Promise<{ status: number; body: T }>;

/** A management API client: `base` is the API root (…/api), logging in as `user`. */
export function managementApi(base: string, user: string, password: string): Api {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  return async <T>(path: string, method = 'GET', body?: unknown) => {
    const request = () =>
      fetch(base + path, {
        method,
        headers: { authorization: auth, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    // A kept-alive connection the broker closed while the test waited for a long command fails once ("other side closed"): ask again on a new one.
    const response = await request().catch((e: { cause?: { code?: string } }) =>
      e.cause?.code === 'UND_ERR_SOCKET' ? request() : Promise.reject(e),
    );
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}

/** The local broker's management API, as guest. */
export const api: Api = managementApi('http://127.0.0.1:15672/api', 'guest', 'guest');

export const enc = encodeURIComponent;

export async function connect(vhost: string, user = 'guest', password = 'guest'): Promise<amqp.ChannelModel> {
  return amqp.connect(`amqp://${enc(user)}:${enc(password)}@127.0.0.1:5672/${enc(vhost)}`);
}

/** Polls until `probe` returns a value that is not undefined, or fails after `ms`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function messageCount(vhost: string, queue: string): Promise<number> {
  const conn = await connect(vhost);
  try {
    return (await (await conn.createChannel()).checkQueue(queue)).messageCount;
  } finally {
    await conn.close();
  }
}
