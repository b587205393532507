// Errors without a stack trace, for what the user reads. Pulumi's dynamic-
// provider host prints `${error}: ${error.stack}` for what a provider throws,
// and the program's runner formats a RunError's stack (validate-or-throw.ts
// says what that costs): a refusal or a broker's answer is a message for the
// user, not a crash.

/** The error with its stack emptied. */
export function withoutStack<E extends Error>(error: E): E {
  error.stack = '';
  return error;
}

/** An Error without a stack trace, for a provider to throw. */
export function plainError(message: string): Error {
  return withoutStack(new Error(message));
}
