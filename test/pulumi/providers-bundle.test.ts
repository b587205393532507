// The dynamic providers are bundled at build time into dist/providers.cjs
// (`warren/providers`), and each resource's `__provider` is a loader that
// requires them from the project's node_modules (src/pulumi/dynamic/
// dynamic-resource.ts). These tests run the built bundle and the loader as
// Pulumi's dynamic-provider host does (require-from-string: a module compiled
// with no file name, its requires resolved from the working directory).
import { spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageVersion } from '../../src/package-root.js';
import { providerLoader } from '../../src/pulumi/dynamic/dynamic-resource.js';
import { olderThan, staleBundle } from '../../src/pulumi/providers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BUNDLE = join(ROOT, 'dist/providers.cjs');
const VERSION = packageVersion();

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

// As the host: require-from-string's new Module('') compiled in place, then handler(); prints what it got.
const HOST = `
const Module = require('node:module');
const path = require('node:path');
const [loader] = JSON.parse(process.argv.at(-1));
const m = new Module('', null);
m.filename = '';
m.paths = Module._nodeModulePaths(path.dirname(''));
m._compile(loader, '');
try {
  const p = m.exports.handler();
  console.log(JSON.stringify({ methods: Object.keys(p).sort() }));
} catch (e) {
  console.log(JSON.stringify({ error: e.message }));
}
`;

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

function host(loader: string, cwd: string): { methods?: string[]; error?: string } {
  const run = spawnSync('node', ['-e', HOST, JSON.stringify([loader])], { cwd, encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as { methods?: string[]; error?: string };
}

describe('the providers bundle (warren/providers)', () => {
  it('serves every provider named in the sources, with its methods', () => {
    const types = typesInSource();
    expect(types.length).toBeGreaterThanOrEqual(13);
    const run = spawnSync(
      'node',
      [
        '-e',
        `const b = require(${JSON.stringify(BUNDLE)}); const out = {};
         for (const t of ${JSON.stringify(types)}) out[t] = Object.keys(b.provider(t, ${JSON.stringify(VERSION)})).sort();
         console.log(JSON.stringify(out));`,
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const methods = JSON.parse(run.stdout) as Record<string, string[]>;
    expect(Object.keys(methods).sort()).toEqual([...types].sort());
    expect(methods.VHostObjects).toEqual(['check', 'create', 'delete', 'diff', 'read', 'update']);
    for (const [type, m] of Object.entries(methods)) expect(m, type).toContain('create');
  });

  it('requires only the Pulumi SDK (the project’s own, a peer) and Node’s builtins', () => {
    const text = readFileSync(BUNDLE, 'utf8');
    const required = new Set([...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!));
    for (const module of required) expect(module, module).toMatch(/^(node:[a-z_/]+|@pulumi\/pulumi)$/);
    expect(text.includes(ROOT), 'a path of this machine').toBe(false);
  });

  it('is loaded by the loader from the project’s node_modules, as an installed package', () => {
    const project = mkdtempSync(join(tmpdir(), 'warren-loader-'));
    scratch.push(project);
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(ROOT, join(project, 'node_modules', 'warren'));
    expect(host(providerLoader('VHostObjects', VERSION), project).methods).toEqual([
      'check',
      'create',
      'delete',
      'diff',
      'read',
      'update',
    ]);
    // In this repository (its own stack): by the package's own name.
    expect(host(providerLoader('UserAccount', VERSION), ROOT).methods).toContain('create');
  });

  it('says what to install when the project has no warren, naming the project', () => {
    const project = mkdtempSync(join(tmpdir(), 'warren-loader-'));
    scratch.push(project);
    const got = host(providerLoader('VHostObjects', VERSION), project);
    expect(got.methods).toBeUndefined();
    expect(got.error).toContain('npm install warren');
    expect(got.error).toContain(project);
  });

  it('refuses a state written by a newer warren, and a type it does not have', () => {
    const newer = host(providerLoader('VHostObjects', '999.0.0'), ROOT);
    expect(newer.error).toContain('999.0.0');
    expect(newer.error).toContain(VERSION);
    expect(host(providerLoader('NoSuchProvider', VERSION), ROOT).error).toContain('NoSuchProvider');
    expect(host(providerLoader('VHostObjects', '0.0.1'), ROOT).methods).toContain('check');
  });

  it('keeps each resource’s loader small (it is in every resource’s inputs and state, twice)', () => {
    for (const type of typesInSource()) expect(providerLoader(type, VERSION).length, type).toBeLessThan(1024);
  });

  it('orders versions by their numbers, and claims nothing of one it cannot read', () => {
    expect(olderThan('0.1.0', '0.2.0')).toBe(true);
    expect(olderThan('0.10.0', '0.9.9')).toBe(false);
    expect(olderThan('1.0.0', '1.0.0')).toBe(false);
    expect(olderThan('1.2.3-rc.1', '1.2.4')).toBe(true);
    expect(olderThan('dev', '9.0.0')).toBe(false);
  });

  it('is refused while JavaScript under dist/src is newer (a bare `tsc` would otherwise run old providers)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-bundle-'));
    scratch.push(dir);
    const bundle = join(dir, 'providers.cjs');
    const module = join(dir, 'src', 'nested', 'provider.js');
    mkdirSync(dirname(module), { recursive: true });
    writeFileSync(module, 'export {};');
    writeFileSync(bundle, '');
    const at = (path: string, seconds: number) => utimesSync(path, seconds, seconds);
    at(module, 1_000);
    at(bundle, 2_000);
    expect(staleBundle(bundle, join(dir, 'src'))).toBeUndefined();
    at(module, 2_000); // as npm installs a package: every file the same time
    expect(staleBundle(bundle, join(dir, 'src'))).toBeUndefined();
    at(module, 3_000); // rebuilt after the bundle was written
    expect(staleBundle(bundle, join(dir, 'src'))).toContain('npm run build');
  });
});
