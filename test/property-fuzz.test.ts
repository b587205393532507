// Property-based fuzzing (fast-check): generated YAML-ish documents and
// topology-shaped objects — names with control characters and surrogates,
// huge numbers, keys YAML reads as numbers or null, complex keys, anchors and
// aliases, merge keys, directives, misread tags and entries, one-line JSON,
// odd line breaks — must load and validate without an exception,
// within a time bound per case, with every diagnostic at a place inside the
// file. fast-check prints the seed and the shrunk case when a property fails.
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../src/load-topology.js';
import type { Diagnostic } from '../src/diagnostics/diagnostic.js';
import { hostileName } from './support/hostile-names.js';

const FILE = 'fuzz.yaml';
const MAX_MS_PER_CASE = 3000;

/** Lines as YAML counts them (LF, CRLF, lone CR), each as code points. */
function linesOf(text: string): string[][] {
  return text.split(/\r\n|\n|\r/).map((line) => [...line]);
}

/** Validates `text`, within the time bound, with every diagnostic's position inside it; returns the diagnostics. */
function check(text: string): readonly Diagnostic[] {
  const started = performance.now();
  const { diagnostics } = loadTopology({ texts: [{ file: FILE, text }] });
  expect(performance.now() - started).toBeLessThan(MAX_MS_PER_CASE);
  positionsWithin(text, diagnostics);
  return diagnostics;
}

/** Throws unless each diagnostic names FILE at a line and column of `text`. */
function positionsWithin(text: string, diagnostics: readonly Diagnostic[]): void {
  const lines = linesOf(text);
  for (const d of diagnostics) {
    expect(d.file).toBe(FILE);
    expect(d.line, d.code).toBeGreaterThanOrEqual(1);
    expect(d.line, d.code).toBeLessThanOrEqual(lines.length);
    expect(d.col, d.code).toBeGreaterThanOrEqual(1);
    expect(d.col, d.code).toBeLessThanOrEqual(lines[d.line - 1]!.length + 1);
  }
}

// Names: ordinary ones, and ones made to break things (also prototype members and every separator ids use).
const oddName = fc.oneof(
  hostileName,
  fc.constantFrom(
    'orders',
    'a.b',
    'amq.x',
    '',
    ' ',
    '1e3',
    '0x10',
    '007',
    '~',
    'null',
    'true',
    '-',
    '?',
    '*a',
    '&a',
    '!t',
    '#',
    'a: b',
    '"',
    "'",
    '😀',
    'é'.repeat(130),
  ),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({
    unit: fc.constantFrom(
      'a',
      '\n',
      '\r',
      '\t',
      '\u0000',
      '\u0085',
      '\u2028',
      '\uD800',
      '\uDC00',
      '\uFEFF',
      ':',
      '{',
      '[',
    ),
    maxLength: 8,
  }),
);
const hugeNumber = fc.oneof(
  fc.constantFrom(2 ** 53, 2 ** 53 + 2, 1e23, -1, 0, 1e308, Number.MAX_SAFE_INTEGER),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => Number(n)),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  hugeNumber,
  oddName,
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('60s', '1.5h', '10MiB', 'soon'),
);
const queue = fc.record(
  {
    type: fc.constantFrom('classic', 'quorum', 'stream', 'banana'),
    messageTtl: value,
    maxLength: value,
    deliveryLimit: value,
    maxPriority: value,
    deadLetter: fc.record({ exchange: oddName, routingKey: oddName }, { requiredKeys: [] }),
    arguments: fc.dictionary(
      fc.constantFrom(
        'x-max-priority',
        'x-queue-type',
        'x-message-ttl',
        'x-max-length',
        'x-max-age',
        'x-dead-letter-exchange',
        'x-custom',
      ),
      value,
    ),
  },
  { requiredKeys: [] },
);
const topology = fc.record(
  {
    version: fc.constantFrom<unknown>(1, 1, 1, 2, '1'),
    vhosts: fc.dictionary(
      oddName,
      fc.record(
        {
          exchanges: fc.dictionary(
            oddName,
            fc.record({ type: fc.constantFrom('direct', 'topic', 'headers', 'x-odd') }, { requiredKeys: [] }),
            { maxKeys: 3 },
          ),
          queues: fc.dictionary(oddName, queue, { maxKeys: 4 }),
          bindings: fc.array(
            fc.record(
              {
                from: oddName,
                to: oddName,
                key: oddName,
                headers: fc.dictionary(oddName, value, { maxKeys: 2 }),
                match: fc.constantFrom('all', 'any'),
              },
              { requiredKeys: ['from'] },
            ),
            { maxLength: 3 },
          ),
          policies: fc.dictionary(
            oddName,
            fc.record({
              pattern: fc.oneof(oddName, fc.constantFrom('^(a+)+$', '[^]', '(?<=a)b', '(?i)x', '\\u0041', '.*')),
              priority: value,
              definition: fc.dictionary(fc.constantFrom('message-ttl', 'max-length', 'odd'), value),
            }),
            { maxKeys: 3 },
          ),
        },
        { requiredKeys: [] },
      ),
      { maxKeys: 3 },
    ),
    users: fc.dictionary(
      oddName,
      fc.record(
        { permissions: fc.dictionary(oddName, fc.record({ configure: oddName, write: oddName, read: oddName })) },
        { requiredKeys: [] },
      ),
      { maxKeys: 2 },
    ),
  },
  { requiredKeys: ['version'] },
);

/** js-yaml's dump quotes what needs it; the plain emitter below does not, on purpose. */
function dump(data: unknown, flowLevel: number): string {
  return jsYaml.dump(data, { flowLevel, lineWidth: -1, noRefs: true, skipInvalid: true });
}

// A YAML-ish emitter that writes keys and scalars plain (so 1e3, ~ and `a: b`
// are read back as YAML reads them), with anchors, aliases, complex keys and
// a choice of line break.
function emit(data: unknown, indent: string, eol: string, anchors: boolean): string {
  if (data === null || typeof data !== 'object') return ` ${String(data).replace(/[\r\n]/g, ' ')}`;
  const entries: [string, unknown][] = Array.isArray(data) ? data.map((v) => ['-', v]) : Object.entries(data);
  if (entries.length === 0) return Array.isArray(data) ? ' []' : ' {}';
  return entries
    .map(([k, v], i) => {
      const key = Array.isArray(data) ? '-' : `${k.replace(/[\r\n]/g, ' ')}:`;
      const anchor = anchors && i === 0 ? ' &a' : '';
      const body = anchors && i === 1 ? ' *a' : emit(v, `${indent}  `, eol, anchors);
      return `${eol}${indent}${key}${anchor}${body}`;
    })
    .join('');
}

const document = fc.oneof(
  fc.tuple(topology, fc.integer({ min: -1, max: 3 })).map(([t, flow]) => dump(t, flow)),
  // One line of JSON (a minified export): every position is on line 1.
  topology.map((t) => JSON.stringify(t)),
  fc
    .tuple(topology, fc.constantFrom('\n', '\r\n', '\r'), fc.boolean())
    .map(
      ([t, eol, anchors]) =>
        `version: 1${emit({ vhosts: (t as { vhosts?: unknown }).vhosts ?? {} }, '', eol, anchors)}${eol}`,
    ),
  fc
    .tuple(
      fc.array(
        fc.constantFrom(
          'version: 1',
          'vhosts:',
          '  v:',
          '    queues:',
          '      ? {a: b}',
          '      : {}',
          '      ~: {}',
          '      1e3: {}',
          '      q: *nope',
          '      q: !x {}',
          '      q: &a {maxLength: 1e23}',
          '      r: *a',
          '      <<: *a',
          '      0b11: {}',
          '      s: !!str',
          '        1',
          '      t:',
          '        -',
          '      - u',
          '%YAML 1.1',
          '%YAML 1.2',
          '%TAG ! tag:yaml.org,2002:',
          '\uFEFF',
          '...',
          '\t',
          '"\\uD800": {}',
          '---',
          'x: [',
          '',
        ),
        { maxLength: 12 },
      ),
      fc.constantFrom('\n', '\r\n', '\r'),
    )
    .map(([lines, eol]) => lines.join(eol)),
);

describe('generated documents', () => {
  it('load and validate without exceptions, in bounded time, with positions inside the file', () => {
    fc.assert(
      fc.property(document, (text) => {
        check(text);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 30_000 },
    );
  });

  it('the properties can fail: a diagnostic is produced, and a position past the end would be caught', () => {
    const text = 'version: 1\nvhosts:\n  v:\n    queues:\n      q: { maxLength: -1 }\n';
    const found = check(text);
    expect(found.map((d) => [d.severity, d.line])).toContainEqual(['error', 5]);
    const [first] = found;
    expect(() => positionsWithin(text, [{ ...first!, line: linesOf(text).length + 1 }])).toThrow();
    expect(() => positionsWithin(text, [{ ...first!, col: linesOf(text)[4]!.length + 2 }])).toThrow();
    expect(linesOf('a\rb\r\nc')).toHaveLength(3);
  });
});
