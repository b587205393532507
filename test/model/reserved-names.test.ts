// The table of names a topology cannot hold (model/reserved-names.ts) is the
// code's: the stack settings it reserves are those warren's program reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { STACK_SETTINGS } from '../../src/format/stack-settings.js';
import { reservedSecretKey } from '../../src/model/reserved-names.js';

it("the stack settings a secret may not name are exactly those warren's program reads", () => {
  const program = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'pulumi', 'index.ts'), 'utf8');
  // Its checked settings (`settings['warren:X']`), its secrets (`config.getSecret('X')`) and what it requires.
  const read = [
    ...program.matchAll(/settings\['warren:(\w+)'\]|config\.(?:get|require)\w*\(\s*'([^']+)'|required\('(\w+)'\)/g),
  ].map((m) => (m[1] ?? m[2] ?? m[3])!);
  expect(read.length).toBeGreaterThan(5);
  expect([...new Set(read)].sort()).toEqual(Object.keys(STACK_SETTINGS).sort());
});

it('a secret may name the management password, and settings of other namespaces', () => {
  expect(reservedSecretKey('managementPassword')).toBeUndefined();
  expect(reservedSecretKey('warren:managementPassword')).toBeUndefined();
  expect(reservedSecretKey('other:kubeconfig')).toBeUndefined();
  expect(reservedSecretKey('orderServicePassword')).toBeUndefined();
  expect(reservedSecretKey('kubeconfig')).toBe('kubeconfig');
  expect(reservedSecretKey('warren:allow')).toBe('allow');
});
