// The table of environment variables with a number or a flag (read-environment.ts):
// one reading of each, whose syntax and range are checked wherever it is read,
// and whose error names the variable. The CLI (exit 2), the program and the
// dynamic providers (a RunError, a provider error) are tested where they are
// (hostile-inputs, cli-exit-codes, pulumi/); this is the reading itself.
import { constants } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  type ENVIRONMENT,
  EnvironmentError,
  environmentProblems,
  readEnvironment,
} from '../../src/load/read-environment.js';

const read = (name: keyof typeof ENVIRONMENT, value: string | undefined) =>
  readEnvironment(name, value === undefined ? {} : { [name]: value });

describe('readEnvironment', () => {
  it('unset or empty is the default', () => {
    expect(read('WARREN_MAX_FILE_BYTES', undefined)).toBe(64 * 1024 * 1024);
    expect(read('WARREN_MAX_FILE_BYTES', '')).toBe(64 * 1024 * 1024);
    expect(read('WARREN_MANAGEMENT_TIMEOUT_MS', '')).toBe(30_000);
    expect(read('WARREN_BROKER_INSECURE', undefined)).toBe(false);
    expect(read('BENCH_RUNS', undefined)).toBe(7);
  });

  it.each([
    ['WARREN_MAX_FILE_BYTES', '1', 1],
    ['WARREN_MAX_FILE_BYTES', String(constants.MAX_STRING_LENGTH), constants.MAX_STRING_LENGTH],
    ['WARREN_MANAGEMENT_TIMEOUT_MS', '2147483647', 2_147_483_647],
    ['WARREN_MANAGEMENT_TIMEOUT_MS', '150', 150],
    ['WARREN_BROKER_INSECURE', 'true', true],
    ['WARREN_BROKER_INSECURE', 'false', false],
    ['BENCH_RUNS', '1', 1],
  ] as const)('%s=%s is %s', (name, value, expected) => {
    expect(read(name, value)).toBe(expected);
  });

  it.each([
    // Syntax: digits only, as written.
    ['WARREN_MAX_FILE_BYTES', 'abc'],
    ['WARREN_MAX_FILE_BYTES', '64k'],
    ['WARREN_MAX_FILE_BYTES', '1e3'],
    ['WARREN_MAX_FILE_BYTES', '1.5'],
    ['WARREN_MAX_FILE_BYTES', '-5'],
    ['WARREN_MAX_FILE_BYTES', '+5'],
    ['WARREN_MAX_FILE_BYTES', ' 5'],
    ['WARREN_MAX_FILE_BYTES', '5\n'],
    ['WARREN_MAX_FILE_BYTES', '0x10'],
    ['WARREN_MAX_FILE_BYTES', '010'],
    ['WARREN_MAX_FILE_BYTES', '1_000'],
    ['WARREN_MAX_FILE_BYTES', 'Infinity'],
    ['WARREN_MAX_FILE_BYTES', '99999999999999999999'],
    // Range.
    ['WARREN_MAX_FILE_BYTES', '0'],
    ['WARREN_MAX_FILE_BYTES', String(constants.MAX_STRING_LENGTH + 1)],
    ['WARREN_MANAGEMENT_TIMEOUT_MS', '0'],
    ['WARREN_MANAGEMENT_TIMEOUT_MS', '2147483648'],
    ['WARREN_MANAGEMENT_TIMEOUT_MS', '30s'],
    ['WARREN_BROKER_INSECURE', 'yes'],
    ['WARREN_BROKER_INSECURE', 'TRUE'],
    ['WARREN_BROKER_INSECURE', '1'],
    ['BENCH_RUNS', '0'],
    ['BENCH_RUNS', 'abc'],
  ] as const)('%s=%j is refused, naming the variable and the value', (name, value) => {
    let error: unknown;
    try {
      read(name, value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(new RegExp(`^${name} must be `));
    expect((error as Error).message).toContain(`\`${value.slice(0, 40)}`);
    expect((error as Error).stack).toBe('');
  });

  it('a long value is cut short in the message, which stays one line of the variable', () => {
    expect(() => read('WARREN_MAX_FILE_BYTES', 'x'.repeat(10_000))).toThrow(
      /^WARREN_MAX_FILE_BYTES must be .*`x{40}…`$/,
    );
  });
});

describe('environmentProblems', () => {
  it('names every variable of the list that does not parse, and only those', () => {
    expect(
      environmentProblems(['WARREN_MAX_FILE_BYTES', 'WARREN_MANAGEMENT_TIMEOUT_MS', 'WARREN_BROKER_INSECURE'], {
        WARREN_MAX_FILE_BYTES: '1024',
        WARREN_MANAGEMENT_TIMEOUT_MS: 'x',
        WARREN_BROKER_INSECURE: 'y',
      }).map((p) => p.split(' ')[0]),
    ).toEqual(['WARREN_MANAGEMENT_TIMEOUT_MS', 'WARREN_BROKER_INSECURE']);
    expect(environmentProblems(['WARREN_MAX_FILE_BYTES'], { WARREN_MANAGEMENT_TIMEOUT_MS: 'x' })).toEqual([]);
  });
});
