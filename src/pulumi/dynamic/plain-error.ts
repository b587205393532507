// Pulumi's dynamic-provider host prints `${error}: ${error.stack}` for what a
// provider throws. A refusal or a broker's answer is a message for the user,
// not a crash: an error without a stack trace.
export function plainError(message: string): Error {
  const error = new Error(message);
  error.stack = '';
  return error;
}
