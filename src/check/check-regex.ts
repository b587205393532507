// Every user pattern (permission and policy patterns) is checked and matched
// here, and nowhere else. RabbitMQ compiles them with Erlang's `re`, which is
// PCRE. Three readers are involved:
// - PCRE-only syntax (or syntax JavaScript reads differently, like `\A`, which
//   JavaScript takes as a plain `A`) gets a `regex-dialect` warning: only the
//   broker can check it.
// - What PCRE refuses but JavaScript's lenient (Annex B) syntax accepts
//   (`[^]`, `\u0041`, `[a-\d]`) is an `invalid-regex`, as is what JavaScript refuses.
// - Names are matched only with RE2 (re2js), whose matching time is linear in
//   the name: a user's pattern such as `^(a+)+$` must never hang warren, which
//   a backtracking engine would. RE2 reads the common subset as PCRE does; a
//   pattern it cannot read (lookarounds, back-references, huge repeat counts)
//   is taken to match nothing and, where warren matches it, is a `regex-dialect`.
import { createRequire } from 'node:module';
import type * as Re2 from 're2js';
import { finding, type Finding, type Source } from '../diagnostics/diagnostic.js';

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

/** Checks a pattern; `matched` when warren matches names with it (policy patterns). */
export function checkRegex(pattern: string, src: Source, what: string, matched = false): Finding[] {
  const invalid = (why: string) => [finding('invalid-regex', src, `${what} is not a valid regular expression: ${why}`)];
  const pcre = pcreRefusal(pattern);
  if (pcre) return invalid(pcre);
  const dialect = pcreOnlySyntax(pattern);
  if (dialect)
    return [
      finding(
        'regex-dialect',
        src,
        `${what} uses ${dialect}, which Erlang and JavaScript read differently; only the broker can check it`,
      ),
    ];
  const js = jsRefusal(pattern);
  if (js) return invalid(js);
  if (matched && !compileForMatching(pattern)) {
    return [
      finding(
        'regex-dialect',
        src,
        `${what} uses syntax warren does not match names with (lookaround, back-reference, or repeat counts too large to match in linear time); it is taken to match nothing here, and only the broker applies it`,
      ),
    ];
  }
  return [];
}

function jsRefusal(pattern: string): string | undefined {
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
 * leading `]` as a literal (`[^]`, `[]`), and a range with a class escape at
 * either end (`[a-\d]`).
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
      if (rangeFrom.escape || item.escape)
        return 'a range in a character class cannot start or end with a class escape such as \\d';
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

/** Matches names in linear time. */
export interface NameMatcher {
  test(name: string): boolean;
}

// Topologies repeat patterns (every queue is tested against every policy).
const matchers = new Map<string, NameMatcher | null>();

/** A matcher for a pattern, or undefined when warren cannot read it as the broker does (then it matches nothing here). */
export function compileForMatching(pattern: string): NameMatcher | undefined {
  let m = matchers.get(pattern);
  if (m === undefined) {
    m = pcreRefusal(pattern) || pcreOnlySyntax(pattern) || jsRefusal(pattern) ? null : re2(pattern);
    if (matchers.size > 10_000) matchers.clear();
    matchers.set(pattern, m);
  }
  return m ?? undefined;
}

// Loaded on first use, like `yaml`: topologies without policies never need it.
let re2js: typeof Re2 | undefined;

// RE2 matches in linear time, but compiles counted repeats by copying them:
// `x{1000}` written 400 times is 400,000 instructions. Every atom is copied at
// most the product of the counts around it, which RE2 keeps ≤ 1000, so
// length × min(1000, product of all counts) bounds the program; beyond this
// budget a pattern is not matched here (about a quarter second of compiling).
const MAX_PROGRAM = 1_000_000;

function programBound(pattern: string): number {
  let product = 1;
  for (const [, low, high] of pattern.matchAll(/\{(\d*),?(\d*)\}/g))
    product = Math.min(1000, product * Math.max(1, Number(low || 0), Number(high || 0)));
  return pattern.length * product;
}

function re2(pattern: string): NameMatcher | null {
  if (programBound(pattern) > MAX_PROGRAM) return null;
  re2js ??= createRequire(import.meta.url)('re2js') as typeof Re2;
  try {
    const re = re2js.RE2JS.compile(pattern);
    return { test: (name) => re.test(name) };
  } catch {
    return null;
  }
}
