// Every user pattern (permission and policy patterns) is checked here, and
// nowhere else. RabbitMQ compiles them with Erlang's `re`, which is PCRE.
// What PCRE and JavaScript make of a pattern is read in model/read-pattern.ts,
// and names are matched in model/match-names.ts (the plan matches them too):
// - PCRE-only syntax (or syntax JavaScript reads differently, like `\A`, which
//   JavaScript takes as a plain `A`) gets a `regex-dialect` warning: only the
//   broker can check it.
// - What PCRE refuses but JavaScript's lenient (Annex B) syntax accepts
//   (`[^]`, `\u0041`, `[a-\d]`) is an `invalid-regex`, as is what JavaScript refuses.
// - A pattern is read as PCRE reads it (model/read-pcre.ts); one warren reads
//   gets no finding at all. A policy pattern it does not read (back-references,
//   atomic groups, …) is a `regex-dialect`: warren cannot tell what it matches,
//   and says so wherever that decides which policy applies.
import { finding, type Finding, type Source } from '../diagnostics/diagnostic.js';
import { compileForMatching } from '../model/match-names.js';
import { jsRefusal, pcreOnlySyntax, pcreRefusal } from '../model/read-pattern.js';

/** Checks a pattern; `matched` when warren matches names with it (policy patterns). */
export function checkRegex(pattern: string, src: Source, what: string, matched = false): Finding[] {
  const invalid = (why: string) => [finding('invalid-regex', src, `${what} is not a valid regular expression: ${why}`)];
  // A pattern warren reads is read exactly as PCRE reads it (model/read-pcre.ts, checked against Erlang): it
  // compiles there, whatever JavaScript makes of it. Permission patterns too: RabbitMQ matches them with the same
  // `re:run`, and `[\w-z]`, which PCRE takes, must not be refused.
  const reading = compileForMatching(pattern);
  if (!reading.unreadable) return [];
  const matcher = matched ? reading : undefined;
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
  if (matcher?.unreadable) {
    return [
      finding(
        'regex-dialect',
        src,
        `${what} is one warren does not evaluate (${matcher.unreadable}): wherever it decides which policy applies, warren says it cannot tell`,
      ),
    ];
  }
  return [];
}
