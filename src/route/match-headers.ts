// Headers exchange matching (x-match all / any / all-with-x / any-with-x).
// Binding headers whose names start with `x-` are ignored unless the mode
// ends in -with-x. With `any` and no headers to compare, nothing matches;
// with `all`, everything does.
export type MatchMode = 'all' | 'any' | 'all-with-x' | 'any-with-x';
export type HeaderValue = string | number | boolean;

export function matchHeaders(
  mode: MatchMode,
  binding: Readonly<Record<string, HeaderValue>>,
  message: Readonly<Record<string, HeaderValue>>,
): boolean {
  const withX = mode.endsWith('-with-x');
  const wanted = Object.entries(binding).filter(([name]) => withX || !name.startsWith('x-'));
  const hit = ([name, value]: [string, HeaderValue]) =>
    Object.hasOwn(message, name) && sameValue(message[name]!, value);
  return mode.startsWith('all') ? wanted.every(hit) : wanted.some(hit);
}

function sameValue(a: HeaderValue, b: HeaderValue): boolean {
  return typeof a === typeof b && a === b;
}
