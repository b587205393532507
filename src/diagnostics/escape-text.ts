// Names come from the files and flags a user gives, and a name may hold any
// character. Printed raw, a newline in a queue name would start a forged
// `FILE:LINE:COL: error …` line (which CI turns into an annotation), and ESC
// would drive the terminal. Every text output escapes them; JSON needs no help.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point: they are what gets escaped
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Control characters (C0, DEL, C1), the Unicode line and paragraph separators
 * and the bidirectional overrides (which reorder what a reader sees) as
 * \uXXXX: one name stays one visible run on one line.
 */
export function escapeText(s: string): string {
  return s.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
