// Names in management API paths, for the CLI's --broker reads and the dynamic
// providers alike: each name is one path segment, percent-encoded whole (a
// vhost or queue may hold `/`, `?`, `#` or `%`). `.` and `..` cannot be a
// segment at all (model/reserved-names.ts): the broker would answer for
// another path, so no request is built with one. Pure: the dynamic providers
// capture it.
import { isUnaddressable, UNADDRESSABLE_WHY } from '../model/reserved-names.js';

/** A path segment naming `name`; throws (an error without a stack) for a name no path can hold. */
export function seg(name: string): string {
  if (isUnaddressable(name)) {
    const error = new Error(`cannot name \`${name}\` in a management API path: ${UNADDRESSABLE_WHY}`);
    error.name = 'UnaddressableName';
    error.stack = '';
    throw error;
  }
  return encodeURIComponent(name);
}
