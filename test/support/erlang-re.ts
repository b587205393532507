// Erlang's own answer, as the broker computes it: `re:run(Name, Pattern,
// [{capture, none}])` over the UTF-8 bytes of both (rabbit_policy:matches/2),
// on the installed OTP 25, the broker's runtime. One `erl` process per batch.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `match`, `nomatch`, or `error` when re:run refuses the pattern (the broker refuses such a policy). */
export type ErlangAnswer = 'match' | 'nomatch' | 'error';

const binary = (text: string) => `<<${[...Buffer.from(text, 'utf8')].join(',')}>>`;

/** Erlang's answer for each [pattern, name], in order, from one `erl` run. */
export function erlangRun(cases: readonly (readonly [string, string])[]): ErlangAnswer[] {
  return erlangEval(
    cases.map(([pattern, name]) => `{${binary(pattern)},${binary(name)}}`),
    `[case catch re:run(N, P, [{capture, none}]) of match -> $m; nomatch -> $n; _ -> $e end || {P, N} <- L]`,
  ).map((c) => (c === 'm' ? 'match' : c === 'n' ? 'nomatch' : 'error'));
}

/** Evaluates `expression` (a string of one character per term, as an Erlang list) over `L`, the terms. */
export function erlangEval(terms: readonly string[], expression: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'warren-erl-'));
  try {
    const file = join(dir, 'terms.txt');
    writeFileSync(file, terms.map((t) => `${t}.\n`).join(''));
    const program = `{ok, L} = file:consult("${file}"), io:put_chars(${expression}), halt().`;
    const out = execFileSync('erl', ['-noshell', '-eval', program], { encoding: 'latin1', timeout: 60_000 });
    if (out.length !== terms.length)
      throw new Error(`erl answered ${out.length} of ${terms.length}: ${out.slice(0, 200)}`);
    return [...out];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
