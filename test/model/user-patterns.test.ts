// User patterns (policy and permission patterns) are matched in linear time,
// and checked as PCRE reads them. A backtracking engine would take 2^n steps
// for `^(a+)+$` on n a's and a `!`: these tests would hang (and time out).
// (test/model/match-names.test.ts checks the answers against Erlang itself.)
import { describe, expect, it } from 'vitest';
import { checkRegex } from '../../src/check/check-regex.js';
import { compileForMatching } from '../../src/model/match-names.js';
import { pcreRefusal } from '../../src/model/read-pattern.js';
import { diffPlans } from '../../src/diff/diff-plans.js';
import { planToDefinitions } from '../../src/export/plan-to-definitions.js';
import { mergeFiles } from '../../src/model/merge-files.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { TopologyFile } from '../../src/format/topology-schema.js';
import { crossCheck } from '../../src/check/cross-check.js';

const at = { file: 'f.yaml', pointer: '/p' };
const EVIL = '^(a+)+$';
// The longest queue name RabbitMQ takes: 254 a's and a `!`.
const NAME = `${'a'.repeat(254)}!`;

describe('matching', () => {
  it('matches a catastrophic pattern against a long name at once', () => {
    expect(compileForMatching(EVIL).match(`${'a'.repeat(100_000)}!`)).toBe('nomatch');
    expect(compileForMatching(EVIL).match('aaaa')).toBe('match');
  });

  it('matches patterns with moderate counted repeats', () => {
    expect(compileForMatching('^q-[0-9]{1,4}$').match('q-2024')).toBe('match');
    expect(compileForMatching('x{1000}'.repeat(100)).unreadable).toBeUndefined();
  });

  it('matches anywhere in the name, as Erlang re:run does', () => {
    expect(compileForMatching('der').match('orders')).toBe('match');
    expect(compileForMatching('^der').match('orders')).toBe('nomatch');
  });

  it('does not match patterns it does not read; only policies are warned about it', () => {
    for (const pattern of ['(a)\\1', '(?>a)', 'a*+', 'x{1000}'.repeat(400)]) {
      expect(compileForMatching(pattern).match('a'), pattern).toBe('unknown');
      expect(
        checkRegex(pattern, at, 'policy pattern', true).map((f) => f.code),
        pattern,
      ).toEqual(['regex-dialect']);
      expect(
        checkRegex(pattern, at, 'read permission').map((f) => f.code),
        pattern,
      ).toEqual(pattern.startsWith('(?>') || pattern === 'a*+' ? ['regex-dialect'] : []);
    }
  });

  it('reads lookarounds, and PCRE-only syntax such as (?i), \\z and POSIX classes, without a warning on policies', () => {
    for (const pattern of ['^(?!temp)', '(?<=x)y', '(?i)^orders$', '^a\\z', '[[:alpha:]]', '\\Aa\\Z', '[\\w-z]'])
      expect(checkRegex(pattern, at, 'policy pattern', true), pattern).toEqual([]);
  });

  it('validate, plan, export and diff of a topology with such a policy and name finish', () => {
    const topology: TopologyFile = {
      version: 1,
      vhosts: {
        v: {
          queues: { [NAME]: { messageTtl: '1m' } },
          policies: {
            a: { pattern: EVIL, definition: { expires: 1000 } },
            b: { pattern: '^(a|aa)+$', definition: { 'max-length': 5 } },
          },
        },
      },
    };
    const { model } = mergeFiles([{ file: 't.yaml', data: topology, broken: [] }]);
    expect(crossCheck(model).map((f) => f.code)).toEqual([]);
    const plan = compilePlan(model);
    expect(planToDefinitions(plan).definitions.policies?.length).toBe(3);
    const head = compilePlan(
      mergeFiles([
        {
          file: 't.yaml',
          data: { ...topology, vhosts: { v: { ...topology.vhosts!.v!, queues: { [NAME]: { messageTtl: '2m' } } } } },
          broken: [],
        },
      ]).model,
    );
    expect(diffPlans(plan, head).map((c) => c.class)).toEqual(['safe']);
  });
});

describe('patterns PCRE refuses though JavaScript accepts them', () => {
  it.each(['[^]', '[]', '\\u0041', '\\U', '[\\u0041]', '[a-\\d]'])('%s is invalid-regex', (pattern) => {
    expect(pcreRefusal(pattern)).toBeDefined();
    expect(checkRegex(pattern, at, 'read permission').map((f) => f.code)).toEqual(['invalid-regex']);
  });

  // `[\w-z]`: a class escape before `-` makes the `-` a literal (Erlang's re:compile takes it, ending one is refused).
  it.each(['[]a]', '[^]a]', '[a-z]', '[\\d-]', '[-\\d]', '[a\\-z]', '\\[^]', '^orders$', '[[:alpha:]-]', '[\\w-z]'])(
    '%s is not refused for that',
    (pattern) => {
      expect(pcreRefusal(pattern)).toBeUndefined();
      expect(checkRegex(pattern, at, 'read permission')).toEqual([]);
    },
  );
});
