// The dynamic providers' code is serialized at build time (src/pulumi/dynamic/
// dynamic-resource.ts). This proves the stored code is exactly what
// pulumi.dynamic.Resource itself puts into `__provider` for the same provider,
// so a program that reads it registers what it would have serialized. It runs
// the built JavaScript in plain Node (vitest's transform would change the
// functions' text), with the SDK's mocks.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import { readSerializedProviders } from '../../src/pulumi/dynamic/dynamic-resource.js';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const STORED = join(ROOT, 'dist/src/pulumi/dynamic/serialized-providers.json');

const SCRIPT = `
import * as pulumi from '@pulumi/pulumi';
import { readFileSync } from 'node:fs';
const registered = {};
pulumi.runtime.setMocks({
  newResource: (args) => { registered[args.name] = args.inputs.__provider; return { id: args.name, state: args.inputs }; },
  call: () => ({}),
}, 'project', 'stack', false);
const { definedProviders } = await import(${JSON.stringify(join(ROOT, 'dist/src/pulumi/dynamic/dynamic-resource.js'))});
await import(${JSON.stringify(join(ROOT, 'dist/src/index.js'))});
const resources = [...definedProviders()].map(([type, provider]) => new pulumi.dynamic.Resource(provider, type, {}, {}, 'warren', type));
await Promise.all(resources.map((r) => new Promise((resolve) => r.id.apply(resolve))));
console.log(JSON.stringify(registered));
`;

/** Every type named with defineProvider in src/ (the source text, not the modules). */
function typesInSource(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? typesInSource(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [...readFileSync(join(dir, e.name), 'utf8').matchAll(/defineProvider\(\s*'(\w+)'/g)].map((m) => m[1]!)
        : [],
  );
}

describe('dynamic providers serialized at build time', () => {
  const stored = JSON.parse(readFileSync(STORED, 'utf8')) as Record<string, string>;

  it('holds every provider named in the sources, each reachable from the library entry', () => {
    expect(Object.keys(stored).sort()).toEqual(typesInSource().sort());
    expect(Object.keys(stored).length).toBeGreaterThanOrEqual(12);
  });

  it('is, for each provider, exactly the code pulumi.dynamic.Resource registers for it', () => {
    // A file, not `node -e`: under -e Node makes its builtins (path, fs, …) globals, and the serializer then
    // leaves out a module's own function named `path` as if it were one of them.
    const dir = mkdtempSync(join(ROOT, 'dist', '.serialized-providers-'));
    const file = join(dir, 'register.mjs');
    writeFileSync(file, SCRIPT);
    const run = spawnSync('node', [file], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(run.status, run.stderr).toBe(0);
    const registered = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, string>;
    expect(Object.keys(registered).sort()).toEqual(Object.keys(stored).sort());
    for (const [type, text] of Object.entries(stored)) expect(registered[type], type).toBe(text);
  });

  it('is used only while no JavaScript under dist/src is newer (a bare `tsc` falls back to serializing at run time)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-serialized-'));
    const file = join(dir, 'serialized-providers.json');
    const module = join(dir, 'nested', 'provider.js');
    mkdirSync(dirname(module));
    writeFileSync(module, 'export {};');
    writeFileSync(file, JSON.stringify({ T: 'exports.handler = 1;' }));
    const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);
    at(module, 1_000);
    at(file, 2_000);
    expect(readSerializedProviders(file, dir)).toEqual({ T: 'exports.handler = 1;' });
    at(module, 2_000); // as npm installs a package: every file the same time
    expect(readSerializedProviders(file, dir)).toEqual({ T: 'exports.handler = 1;' });
    at(module, 3_000); // rebuilt after the file was written
    expect(readSerializedProviders(file, dir)).toBeUndefined();
    expect(readSerializedProviders(join(dir, 'missing.json'), dir)).toBeUndefined();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the policy matcher working once serialized (queue migrations match the broker’s policies)', () => {
    // A Set or Map at a module's top level is copied without its contents: the same answers before and after.
    const dir = mkdtempSync(join(ROOT, 'dist', '.serialized-matcher-'));
    const file = join(dir, 'match.mjs');
    writeFileSync(
      file,
      `
import * as pulumi from '@pulumi/pulumi';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const { applyingPolicy } = await import(${JSON.stringify(join(ROOT, 'dist/src/model/applying-policy.js'))});
const pick = (policies, name, type) => {
  const a = applyingPolicy(policies, { name, target: type });
  return a.known ? { known: true, policy: a.policy?.name ?? null } : { known: false, why: a.why };
};
const cases = [
  [[{ name: 'cap', pattern: '^warren\\\\.migrate\\\\.', applyTo: 'queues', priority: 0, definition: { 'max-length': 5 } }], 'warren.migrate.orders', 'quorum'],
  [[{ name: 'prio', pattern: '.*', priority: 0, definition: { 'max-priority': 5 } }], 'warren.migrate.orders', 'quorum'],
  [[{ name: 'prio', pattern: '.*', priority: 0, definition: { 'max-priority': 5 } }], 'orders', 'classic'],
  [[{ name: 'a', pattern: 'ord', priority: 1, definition: { 'dead-letter-exchange': 'x' } }, { name: 'b', pattern: 'ers$', priority: 1, definition: { 'dead-letter-exchange': 'y' } }], 'orders', 'classic'],
  [[{ name: 'sac', pattern: '.', priority: 0, definition: { 'single-active-consumer': true } }], 'orders', 'quorum'],
  [[{ name: 'ci', pattern: '(?i)^ORDERS$', applyTo: 'classic_queues', priority: 2, definition: {} }], 'orders', 'classic'],
];
const serialized = await pulumi.runtime.serializeFunction(pick);
const module = ${JSON.stringify(join(dir, 'pick.cjs'))};
writeFileSync(module, serialized.text);
const copy = createRequire(import.meta.url)(module)[serialized.exportName];
console.log(JSON.stringify({ direct: cases.map((c) => pick(...c)), serialized: cases.map((c) => copy(...c)) }));
`,
    );
    const run = spawnSync('node', [file], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    rmSync(dir, { recursive: true, force: true });
    expect(run.status, run.stderr).toBe(0);
    const { direct, serialized } = JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown[]>;
    expect(serialized).toEqual(direct);
    expect(direct!.map((d) => JSON.stringify(d).slice(0, 40))).toEqual([
      '{"known":true,"policy":"cap"}',
      '{"known":true,"policy":null}',
      '{"known":true,"policy":"prio"}',
      expect.stringContaining('"known":false'),
      expect.stringContaining('"known":false'),
      '{"known":true,"policy":"ci"}',
    ]);
  });

  it('names no path of this machine (the code runs wherever the state goes)', () => {
    for (const [type, text] of Object.entries(stored)) {
      expect(text.includes(ROOT), type).toBe(false);
      expect(text, type).not.toMatch(/node_modules/);
      // Only Node's own modules are required (GeneratedSecret's crypto), which every host has.
      for (const [, module] of text.matchAll(/require\("([^"]+)"\)/g))
        expect(isBuiltin(module!), `${type}: ${module}`).toBe(true);
    }
  });
});
