// RabbitMQ compiles permission and policy patterns with Erlang's `re`, which is
// PCRE. JavaScript's RegExp agrees on the common subset; where a pattern uses
// syntax only PCRE has (or that JavaScript reads differently, like `\A`, which
// JavaScript takes as a plain `A`), compiling it here would prove nothing, so
// such patterns get a `regex-dialect` warning and are left to the broker.
import { finding, type Finding, type Source } from '../diagnostics/diagnostic.js';

const PCRE_ESCAPES = new Map([
  ['A', '\\A (start of subject)'], ['Z', '\\Z (end of subject)'], ['z', '\\z (end of subject)'], ['G', '\\G (first match position)'],
  ['Q', '\\Q…\\E quoting'], ['E', '\\Q…\\E quoting'], ['K', '\\K (reset match start)'], ['R', '\\R (any newline)'],
  ['h', '\\h (horizontal space)'], ['H', '\\H'], ['v', '\\v (vertical space; a vertical tab in JavaScript)'], ['V', '\\V'],
  ['p', '\\p{…} (Unicode property)'], ['P', '\\P{…}'], ['X', '\\X (grapheme)'], ['C', '\\C (one code unit)'], ['N', '\\N'],
  ['o', '\\o{…} (octal)'], ['g', '\\g (back-reference by number)'], ['e', '\\e (escape character)'], ['a', '\\a (bell)'],
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

export function checkRegex(pattern: string, src: Source, what: string): Finding[] {
  const dialect = pcreOnlySyntax(pattern);
  if (dialect) return [finding('regex-dialect', src, `${what} uses ${dialect}, which Erlang and JavaScript read differently; only the broker can check it`)];
  try {
    new RegExp(pattern);
    return [];
  } catch (error) {
    return [finding('invalid-regex', src, `${what} is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`)];
  }
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
    const escape = PCRE_ESCAPES.get(next);
    if (escape) return escape;
    // Keep `\x` visible for the `\x{…}` check; mask other escapes so that an
    // escaped `(` or `+` is not read as syntax.
    masked += next === 'x' ? '\\x' : '__';
    i++;
  }
  return PCRE_CONSTRUCTS.find(([re]) => re.test(masked))?.[1];
}

/** Compiles a pattern for matching names here, or undefined when only the broker can read it. */
export function compileForMatching(pattern: string): RegExp | undefined {
  if (pcreOnlySyntax(pattern)) return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}
