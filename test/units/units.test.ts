import { describe, expect, it } from 'vitest';
import { parseDuration, parseSize } from '../../src/units/parse-units.js';
import { pcreOnlySyntax } from '../../src/model/read-pattern.js';
import { closestName } from '../../src/diagnostics/closest-name.js';

describe('durations', () => {
  it.each([
    [0, 0],
    [1500, 1500],
    ['60s', 60_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
    ['250ms', 250],
    ['0.5s', 500],
    ['1m', 60_000],
  ])('%s is %d ms', (input, ms) => expect(parseDuration(input)).toBe(ms));
  it.each([['1.5ms'], ['60 s'], ['1w'], [-1], [1.5], ['s'], ['']])('%s is not a duration', (input) =>
    expect(parseDuration(input)).toBeUndefined(),
  );
});

describe('sizes', () => {
  it.each([
    [10, 10],
    ['1KB', 1000],
    ['1KiB', 1024],
    ['1.5MiB', 1_572_864],
    ['2GB', 2e9],
    ['512B', 512],
    ['1GiB', 1024 ** 3],
  ])('%s is %d bytes', (input, bytes) => expect(parseSize(input)).toBe(bytes));
  it.each([['0.5B'], ['1TB'], ['1 KB'], ['1kb'], [-5]])('%s is not a size', (input) =>
    expect(parseSize(input)).toBeUndefined(),
  );
});

describe('PCRE-only regex syntax', () => {
  it.each([
    ['\\Afoo', '\\A'],
    ['(?i)foo', 'inline'],
    ['a++', 'possessive'],
    ['(?>a)', 'atomic'],
    ['[[:alpha:]]', 'POSIX'],
    ['(?P<n>a)', 'Python'],
    ['\\x{41}', '\\x{'],
    ['(?<=a+)b', 'lookbehind'],
    ['\\p{L}', 'Unicode'],
  ])('%s is flagged', (pattern, fragment) => expect(pcreOnlySyntax(pattern)).toContain(fragment));
  it.each([
    ['^orders$'],
    ['^order\\.'],
    ['\\+\\+'],
    ['a+b*'],
    ['(?:a|b)'],
    ['(?<name>a)'],
    ['^{username}\\.'],
    ['\\\\A'],
  ])('%s is common syntax', (pattern) => expect(pcreOnlySyntax(pattern)).toBeUndefined());
});

describe('did-you-mean', () => {
  it('suggests near names only', () => {
    expect(closestName('messageTTL', ['messageTtl', 'maxLength'])).toBe('messageTtl');
    expect(closestName('durible', ['durable', 'autoDelete'])).toBe('durable');
    expect(closestName('colour', ['exchanges', 'queues'])).toBeUndefined();
  });
});
