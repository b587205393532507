// Names are matched against user patterns only with RE2 (re2js), whose
// matching time is linear in the name: a user's pattern such as `^(a+)+$` must
// never hang warren, which a backtracking engine would. RE2 reads the common
// subset as PCRE does; a pattern it cannot read (lookarounds,
// back-references, huge repeat counts), or that PCRE and JavaScript read
// differently (model/read-pattern.ts), is taken to match nothing. Below the
// checks and the plan, which both match names.
import { createRequire } from 'node:module';
import type * as Re2 from 're2js';
import { jsRefusal, pcreOnlySyntax, pcreRefusal } from './read-pattern.js';

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
