// Read-only requests to a broker's management API for the CLI (`diff
// --broker`, `import --broker`). Credentials come from the URL's user info or
// WARREN_BROKER_USER / WARREN_BROKER_PASSWORD (default guest/guest), travel
// only in a header, and are never printed.
export type ReadResult = { readonly status: number; readonly body: unknown } | { readonly error: string };

export function brokerReader(brokerUrl: string): (path: string) => Promise<ReadResult> {
  const url = new URL(brokerUrl);
  const user = decodeURIComponent(url.username) || process.env.WARREN_BROKER_USER || 'guest';
  const password = decodeURIComponent(url.password) || process.env.WARREN_BROKER_PASSWORD || 'guest';
  url.username = '';
  url.password = '';
  const base = url.toString().replace(/\/+$/, '');
  const auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  return async (path) => {
    try {
      const response = await fetch(`${base}/api${path}`, { headers: { authorization: auth }, signal: AbortSignal.timeout(10_000) });
      const text = await response.text();
      return { status: response.status, body: response.ok && text ? JSON.parse(text) : undefined };
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      return { error: `the broker at ${base} could not be read (${cause ?? (error as Error).message})` };
    }
  };
}

/** A URL with any user info replaced, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** Whether `url` can be a management API address (http or https with a host). */
export function isManagementUrl(url: string): boolean {
  return /^https?:\/\/[^/]/.test(url);
}
