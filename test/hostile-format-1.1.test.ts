// Hostile format 1.1 input: malformed URIs, huge lists, wrong types and
// passwords in every URI position give clear diagnostics, exit 1, no stack
// trace, and never echo a password.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from './support/run-cli.js';

const DIR = mkdtempSync(join(tmpdir(), 'warren-hostile-11-'));
const PASSWORD = 'Hunter2Secret';

function validate(name: string, doc: unknown) {
  const file = join(DIR, name);
  writeFileSync(file, JSON.stringify(doc));
  const r = runCli(['validate', file, '--format', 'json']);
  expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stdout + r.stderr).not.toContain(PASSWORD);
  return { code: r.code, codes: (JSON.parse(r.stdout) as { code: string }[]).map((p) => p.code) };
}

describe('hostile format 1.1 input', () => {
  it('huge lists are refused by size, once each, quickly', () => {
    const r = validate('huge.json', {
      version: 1,
      vhosts: {
        v: {
          federationUpstreams: { u: { uris: Array.from({ length: 100_000 }, (_, i) => `amqp://h${i}`) } },
          federationUpstreamSets: { s: Array.from({ length: 50_000 }, () => 'u') },
          superStreams: {
            big: { partitions: 1e9 },
            keys: { routingKeys: Array.from({ length: 20_000 }, (_, i) => `k${i}`) },
          },
        },
      },
    });
    expect(r.code).toBe(1);
    expect(r.codes.sort()).toEqual(['invalid-value', 'invalid-value', 'invalid-value', 'invalid-value']);
  });

  it('wrong types anywhere give schema errors, not crashes', () => {
    const junk = [null, 42, true, [], [[]], { a: { b: 1 } }, '', 'amqp://'];
    for (const [i, x] of junk.entries()) {
      const r = validate(`junk-${i}.json`, {
        version: 1,
        vhosts: {
          v: {
            federationUpstreams: { u: x, w: { uri: x, uris: x, exchange: x } },
            federationUpstreamSets: { s: x, t: [x] },
            shovels: { s: x, t: { source: x, destination: { uri: x, queue: x } } },
            superStreams: { s: x, t: { partitions: x, routingKeys: x, maxAge: x } },
          },
        },
      });
      expect([0, 1]).toContain(r.code);
      expect(r.codes.length).toBeGreaterThan(0);
    }
  });

  it('a password is never echoed, wherever the URI stands and however it is malformed', () => {
    const uris = [
      `amqp://u:${PASSWORD}@h/v`,
      `amqps://u:${PASSWORD}@h:99999/v`,
      `http://u:${PASSWORD}@h`,
      `amqp://u:${PASSWORD}@h/a/b`,
      `amqp://u:${PASSWORD}%zz@h`,
    ];
    const r = validate('passwords.json', {
      version: 1,
      vhosts: {
        v: {
          federationUpstreams: { u: { uris }, w: { uri: { uri: uris[0], password: { secret: 'K' } } } },
          shovels: { s: { source: { uri: uris[1], queue: 'q' }, destination: { uri: uris[2], queue: 'q' } } },
        },
      },
    });
    expect(r.code).toBe(1);
    expect(r.codes).toContain('clear-text-password');
    expect(r.codes).toContain('invalid-uri');
  });
});
