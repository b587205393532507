// What Erlang's `re` (PCRE) and JavaScript make of a user pattern (permission
// and policy patterns): what PCRE refuses although JavaScript's lenient
// (Annex B) syntax accepts it, syntax only PCRE has or that the two read
// differently, and what JavaScript refuses. Pure, below both the checks
// (check/check-regex.ts, which turns these into findings) and the matching of
// names (model/match-names.ts), which the plan needs too.

const PCRE_ESCAPES = new Map([
  ['A', '\\A (start of subject)'],
  ['Z', '\\Z (end of subject)'],
  ['z', '\\z (end of subject)'],
  ['G', '\\G (first match position)'],
  ['Q', '\\Q…\\E quoting'],
  ['E', '\\Q…\\E quoting'],
  ['K', '\\K (reset match start)'],
  ['R', '\\R (any newline)'],
  ['h', '\\h (horizontal space)'],
  ['H', '\\H'],
  ['v', '\\v (vertical space; a vertical tab in JavaScript)'],
  ['V', '\\V'],
  ['p', '\\p{…} (Unicode property)'],
  ['P', '\\P{…}'],
  ['X', '\\X (grapheme)'],
  ['C', '\\C (one code unit)'],
  ['N', '\\N'],
  ['o', '\\o{…} (octal)'],
  ['g', '\\g (back-reference by number)'],
  ['e', '\\e (escape character)'],
  ['a', '\\a (bell)'],
]);

const PCRE_CONSTRUCTS: [RegExp, string][] = [
  [/\(\?>/, 'atomic group (?>…)'],
  [/[*+?}]\+/, 'possessive quantifier'],
  [/\(\?[a-zA-Z^-]+[):]/, 'inline options such as (?i)'],
  [/\(\?P[<=>]/, 'Python-style named group (?P<…>)'],
  [/\(\?(R|[+-]?\d+|&)/, 'recursion or subroutine call'],
  [/\(\?#/, 'comment group (?#…)'],
  [/\(\?\|/, 'branch reset group (?|…)'],
  [/\[\[:\^?[a-z]+:\]/, 'POSIX class such as [[:alpha:]]'],
  [/\(\*[A-Z]/, 'backtracking verb such as (*SKIP)'],
  [/\\x\{/, '\\x{…} escape'],
  [/\(\?<[=!][^)]*[*+?{]/, 'variable-length lookbehind (JavaScript allows it, PCRE does not)'],
];

/** Why JavaScript refuses the pattern, or undefined when it parses. */
export function jsRefusal(pattern: string): string | undefined {
  try {
    // Compiling parses only; nothing is matched with a backtracking engine.
    new RegExp(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^Invalid regular expression: /, '');
  }
}

// Escapes PCRE refuses ("does not support \L, \l, \N{name}, \U, or \u"); JavaScript reads them as letters or \uXXXX.
const UNKNOWN_TO_PCRE = new Set(['u', 'U', 'L', 'l']);
const CLASS_ESCAPES = new Set(['d', 'D', 'w', 'W', 's', 'S', 'h', 'H', 'v', 'V', 'p', 'P']);

/**
 * What PCRE refuses although JavaScript's lenient syntax accepts it: `\u`,
 * `\U`, `\L`, `\l` (PCRE has no such escapes), a class that never closes because PCRE reads a
 * leading `]` as a literal (`[^]`, `[]`), and a range ending in a class escape
 * (`[a-\d]`; `[\w-z]` is taken, its `-` a literal).
 */
export function pcreRefusal(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (UNKNOWN_TO_PCRE.has(next)) return `\\${next} is not an escape PCRE knows (write the character itself)`;
      i++;
    } else if (ch === '[') {
      const end = classEnd(pattern, i);
      if (typeof end === 'string') return end;
      i = end;
    }
  }
  return undefined;
}

/** Index of the `]` closing the class opened at `start` (read as PCRE reads it), or why PCRE refuses it. */
function classEnd(pattern: string, start: number): number | string {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  const leadingBracket = pattern[i] === ']';
  if (leadingBracket) i++; // PCRE: a leading `]` is a literal, not the end
  // A range is item `-` item; an item is a class escape (\d) or one character.
  let previous: { escape: boolean } | undefined;
  let rangeFrom: { escape: boolean } | undefined;
  for (; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === ']') return i;
    if (ch === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      if (close > 0) {
        i = close + 1;
        previous = { escape: true };
        continue;
      }
    }
    let item: { escape: boolean };
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (UNKNOWN_TO_PCRE.has(next)) return `\\${next} is not an escape PCRE knows (write the character itself)`;
      item = { escape: CLASS_ESCAPES.has(next) };
      i++;
    } else if (ch === '-' && previous && pattern[i + 1] !== ']' && i + 1 < pattern.length) {
      rangeFrom = previous;
      previous = undefined;
      continue;
    } else {
      item = { escape: false };
    }
    if (rangeFrom) {
      // PCRE takes a class escape before the `-` (`[\w-z]`: the `-` is then a literal), not after it.
      if (item.escape) return 'a range in a character class cannot end with a class escape such as \\d';
      rangeFrom = undefined;
      previous = undefined;
      continue;
    }
    previous = item;
  }
  return leadingBracket
    ? 'PCRE reads `]` right after `[` or `[^` as a literal, so this character class is never closed'
    : 'missing terminating ] for character class';
}

/** The first PCRE-only construct in the pattern, described; undefined if none. */
export function pcreOnlySyntax(pattern: string): string | undefined {
  let masked = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch !== '\\') {
      masked += ch;
      continue;
    }
    const next = pattern[i + 1] ?? '';
    const pcreEscape = PCRE_ESCAPES.get(next);
    if (pcreEscape) return pcreEscape;
    // Keep `\x` visible for the `\x{…}` check; mask other escapes so that an
    // escaped `(` or `+` is not read as syntax.
    masked += next === 'x' ? '\\x' : '__';
    i++;
  }
  return PCRE_CONSTRUCTS.find(([re]) => re.test(masked))?.[1];
}
