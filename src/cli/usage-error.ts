// A mistake in how warren was called (exit 2), as opposed to a problem in the
// topology (exit 1). Exit 3 is `warren diff --fail-on`: a change matched.
import { isManagementUrl, redactUrl } from '../broker/read-management.js';

export class UsageError extends Error {}

export const EXIT = { ok: 0, invalid: 1, usage: 2, failOn: 3 } as const;

/** `--broker URL` of diff and import; the message never shows the URL's credentials. */
export function checkBrokerOption(url: string | undefined): void {
  if (url !== undefined && !isManagementUrl(url)) throw new UsageError(`--broker: not an http(s) URL of the management API: ${redactUrl(url)}`);
}
