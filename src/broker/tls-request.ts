// One HTTP request, with a stack's own TLS settings (a CA bundle, a client
// certificate, or no verification) when it has them, which fetch cannot take.
// Shared by the CLI (`--broker`), the dynamic providers' management API client
// and the rollout wait (for those two it runs in Pulumi's provider host, from
// the bundle `warren/providers`). It uses nothing but Node's globals (fetch,
// process.getBuiltinModule, Buffer).

/** PEM texts, read from the files a stack or the environment names. */
export interface TlsSettings {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  /** Accept any server certificate (a test broker with a self-signed one). */
  readonly insecure?: boolean;
}

export interface TlsAnswer {
  readonly status: number;
  readonly text: string;
}

export interface RequestInit {
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs: number;
}

/**
 * fetch, or Node's https when `tls` is given and the URL is https. Either way
 * it rejects as fetch does: an Error named TimeoutError, or one whose
 * `cause.code` is the socket's (ECONNREFUSED…).
 */
export async function httpRequest(url: string, tls: TlsSettings | undefined, init: RequestInit): Promise<TlsAnswer> {
  if (tls && url.startsWith('https:')) return tlsRequest(url, tls, init);
  const response = await fetch(url, {
    method: init.method,
    headers: init.headers,
    signal: AbortSignal.timeout(init.timeoutMs),
    ...(init.body === undefined ? {} : { body: init.body }),
  });
  return { status: response.status, text: await boundedText(response) };
}

/**
 * The most an answer may hold: the definitions export of a broker with 100,000 queues is about a fifth of it. A
 * server that sends more (not the management API, or a hostile one) is refused rather than read into memory.
 */
export const MAX_ANSWER_BYTES = 512 * 1024 * 1024;

/** Thrown when an answer exceeds MAX_ANSWER_BYTES. */
export class AnswerTooLarge extends Error {
  override readonly name = 'AnswerTooLarge';
  constructor() {
    super(`the answer exceeds ${MAX_ANSWER_BYTES / 1024 / 1024} MiB`);
  }
}

async function boundedText(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.length;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      throw new AnswerTooLarge();
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tlsRequest(url: string, tls: TlsSettings, init: RequestInit): Promise<TlsAnswer> {
  const https = process.getBuiltinModule('node:https') as typeof import('node:https');
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: init.method,
        headers: init.headers,
        rejectUnauthorized: tls.insecure !== true,
        ...(tls.ca ? { ca: tls.ca } : {}),
        ...(tls.cert ? { cert: tls.cert } : {}),
        ...(tls.key ? { key: tls.key } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
          else {
            response.destroy();
            reject(new AnswerTooLarge());
          }
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', (e) => reject(Object.assign(new Error('request failed'), { cause: e })));
      },
    );
    request.setTimeout(init.timeoutMs, () =>
      request.destroy(Object.assign(new Error('timeout'), { name: 'TimeoutError' })),
    );
    request.on('error', (e: Error & { code?: string }) =>
      reject(e.name === 'TimeoutError' ? e : Object.assign(new Error('request failed'), { cause: e })),
    );
    if (init.body !== undefined) request.write(init.body);
    request.end();
  });
}
