// A mistake in how warren was called (exit 2), as opposed to a problem in the
// topology (exit 1).
export class UsageError extends Error {}

export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;
