// Read-only requests to a broker's management API for the CLI (`diff
// --broker`, `import --broker`). Credentials come from the URL's user info or
// WARREN_BROKER_USER / WARREN_BROKER_PASSWORD (default guest/guest, which the
// CLI says on stderr), travel only in a header, and are never printed. TLS
// beyond the system's CAs: WARREN_BROKER_CA_FILE, WARREN_BROKER_CERT_FILE and
// WARREN_BROKER_KEY_FILE (a client certificate), WARREN_BROKER_INSECURE=true.
// Each request waits WARREN_MANAGEMENT_TIMEOUT_MS (default 30 s) at most.
import { EnvironmentError, readEnvironment } from '../load/read-environment.js';
import { requestDeadline } from './request-deadline.js';
import { httpRequest, MAX_ANSWER_BYTES, type TlsSettings } from './tls-request.js';

/**
 * The broker's answer: its status and its body read as JSON (undefined when it is empty or not JSON: a 4xx or 5xx
 * may come from a proxy), or why there is none. A 2xx whose body is not JSON is no answer (a proxy's or a login page).
 */
export type ReadResult = { readonly status: number; readonly body: unknown } | { readonly error: string };

export interface BrokerAddress {
  /** The URL without user info, safe to print. */
  readonly base: string;
  readonly user: string;
  readonly password: string;
  /** Which of user and password fell back to RabbitMQ's default (guest). */
  readonly defaulted: readonly ('user' | 'password')[];
  /** From the WARREN_BROKER_* TLS variables (brokerTls), for https URLs. */
  readonly tls?: TlsSettings;
}

/** The TLS settings' files: a CA bundle, a client certificate and its key. */
export type TlsFile = 'ca' | 'cert' | 'key';

/**
 * The rules of a management API's TLS settings, whoever names them (the CLI's WARREN_BROKER_* variables, a stack's
 * warren:managementTls): a client certificate goes with its key, and each file named is read by `read` (which
 * throws what cannot be read). The settings, or what is wrong, each file named by `nameOf`.
 */
export function readTlsFiles(
  files: Partial<Record<TlsFile, string>>,
  insecure: boolean,
  read: (path: string) => string,
  nameOf: (file: TlsFile) => string,
): TlsSettings | { readonly error: string } {
  if ((files.cert === undefined) !== (files.key === undefined))
    return { error: `${nameOf('cert')} and ${nameOf('key')} go together (a client certificate and its key)` };
  const out: Record<string, string | boolean> = insecure ? { insecure: true } : {};
  for (const file of ['ca', 'cert', 'key'] as const) {
    const path = files[file];
    if (path === undefined) continue;
    try {
      out[file] = read(path);
    } catch (e) {
      return { error: `${nameOf(file)} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
  }
  return out as TlsSettings;
}

/** The TLS files the environment names, read; or which one cannot be read and why. */
export function brokerTls(
  env: NodeJS.ProcessEnv,
  read: (path: string) => string,
): TlsSettings | { readonly error: string } | undefined {
  let insecure: boolean;
  try {
    insecure = readEnvironment('WARREN_BROKER_INSECURE', env);
  } catch (error) {
    if (error instanceof EnvironmentError) return { error: error.message };
    throw error;
  }
  const files = { ca: env.WARREN_BROKER_CA_FILE, cert: env.WARREN_BROKER_CERT_FILE, key: env.WARREN_BROKER_KEY_FILE };
  const tls = readTlsFiles(files, insecure, read, (file) => `WARREN_BROKER_${file.toUpperCase()}_FILE`);
  return 'error' in tls || Object.keys(tls).length > 0 ? tls : undefined;
}

/** The management API address in `raw`, or why it is not one (the reason never holds the credentials). */
export function parseBrokerUrl(raw: string): BrokerAddress | { readonly error: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { error: 'not a URL (expected e.g. http://localhost:15672)' };
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '')
    return { error: 'not an http(s) URL of the management API' };
  const fromUrl = { user: decode(url.username), password: decode(url.password) };
  if (fromUrl.user === undefined || fromUrl.password === undefined)
    return { error: 'the user info is not valid percent-encoding' };
  const user = fromUrl.user || process.env.WARREN_BROKER_USER || '';
  const password = fromUrl.password || process.env.WARREN_BROKER_PASSWORD || '';
  url.username = '';
  url.password = '';
  const defaulted = [...(user === '' ? ['user' as const] : []), ...(password === '' ? ['password' as const] : [])];
  return { base: url.toString().replace(/\/+$/, ''), user: user || 'guest', password: password || 'guest', defaulted };
}

export function brokerReader(address: BrokerAddress): (path: string) => Promise<ReadResult> {
  const { base } = address;
  const auth = `Basic ${Buffer.from(`${address.user}:${address.password}`).toString('base64')}`;
  const timeoutMs = requestDeadline();
  return async (path) => {
    try {
      const { status, text } = await httpRequest(`${base}/api${path}`, address.tls, {
        method: 'GET',
        headers: { authorization: auth },
        timeoutMs,
      });
      const body = parseJson(text);
      if (status >= 200 && status < 300 && text !== '' && body === undefined)
        return {
          error: `the broker at ${base} answered ${status} with a body that is not JSON (is this the management API?)`,
        };
      // "No such object" only in RabbitMQ's own words: another server's 404 (a wrong port or path) says nothing.
      if (status === 404 && (body as { error?: unknown } | undefined)?.error !== 'Object Not Found')
        return { error: `the broker at ${base} answered 404 without RabbitMQ's answer (is this the management API?)` };
      return { status, body };
    } catch (error) {
      if ((error as Error).name === 'AnswerTooLarge')
        return { error: `the broker at ${base} answered more than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB` };
      if ((error as Error).name === 'TimeoutError')
        return { error: `the broker at ${base} did not answer within ${timeoutMs} ms (WARREN_MANAGEMENT_TIMEOUT_MS)` };
      const cause =
        (error as { cause?: { message?: string; code?: string } }).cause?.code ??
        (error as { cause?: { message?: string } }).cause?.message;
      return { error: `the broker at ${base} could not be read (${cause ?? (error as Error).message})` };
    }
  };
}

/**
 * `url` with everything before its last `@` (after the scheme) hidden, for
 * messages. Also when it has no scheme (`admin:S3cret@host`) or does not
 * parse: a password may hold `/`, `?` or `#`, so the last `@` is the safe cut.
 */
export function redactUrl(url: string): string {
  const at = url.lastIndexOf('@');
  if (at < 0) return url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url)?.[0] ?? '';
  return `${scheme}***${url.slice(at)}`;
}

function decode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}
