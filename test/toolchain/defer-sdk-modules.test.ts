// The dynamic-provider host's preload that defers the SDK's TypeScript compiler
// and Arborist: they are not loaded by importing @pulumi/pulumi, and code that
// uses them still gets the real modules.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const PRELOAD = join(ROOT, 'toolchain/shims/defer-sdk-modules.cjs');

/** Runs `script` (CommonJS) in a Node process from the project root, with or without the preload; returns its JSON output. */
function run(script: string, preload: boolean): Record<string, unknown> {
  const args = [...(preload ? ['--require', PRELOAD] : []), '-e', script];
  const r = spawnSync('node', args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

const LOADED = `
const loaded = () => Object.keys(require.cache);
const sdk = require('@pulumi/pulumi');
const has = (name) => loaded().some((f) => f.includes('/node_modules/' + name + '/'));
const before = { typescript: has('typescript'), arborist: has('@npmcli/arborist') };
`;

describe('toolchain/shims/defer-sdk-modules.cjs', () => {
  it('importing @pulumi/pulumi loads neither the TypeScript compiler nor Arborist (without the preload it loads both)', () => {
    const script = `${LOADED} console.log(JSON.stringify(before));`;
    expect(run(script, false)).toEqual({ typescript: true, arborist: true });
    expect(run(script, true)).toEqual({ typescript: false, arborist: false });
  });

  it('closure serialization, which parses functions with TypeScript, still works and loads the real compiler', () => {
    const script = `${LOADED}
      sdk.runtime.serializeFunction(() => 41 + 1).then((f) => {
        const fn = new Function('exports', f.text + '; return exports;')({});
        console.log(JSON.stringify({ before, after: has('typescript'), value: fn[f.exportName]() }));
      });`;
    expect(run(script, true)).toEqual({ before: { typescript: false, arborist: false }, after: true, value: 42 });
  });

  it("the SDK registers no source-map-support (its stack traces stay V8's own); other code still can", () => {
    // As the SDK's runner and host do: require('source-map-support/register') from a module of the SDK.
    const script = `
      const Module = require('node:module');
      const own = Error.prepareStackTrace;
      const sdk = require.cache[require.resolve('@pulumi/pulumi')] ?? (require('@pulumi/pulumi'), require.cache[require.resolve('@pulumi/pulumi')]);
      Module._load('source-map-support/register', sdk, false);
      const fromSdk = { installed: Error.prepareStackTrace !== own, loaded: Object.keys(require.cache).some((f) => f.includes('/source-map-support/')) };
      require('source-map-support/register');
      console.log(JSON.stringify({ fromSdk, fromOthers: Error.prepareStackTrace !== own }));`;
    expect(run(script, false)).toEqual({ fromSdk: { installed: true, loaded: true }, fromOthers: true });
    expect(run(script, true)).toEqual({ fromSdk: { installed: false, loaded: false }, fromOthers: true });
  });

  it('the deferred module behaves as the real one (exports, instanceof-free use, keys)', () => {
    const script = `
      const ts = require('${join(ROOT, 'node_modules/@pulumi/pulumi/typescript-shim.js')}');
      const file = ts.createSourceFile('x.ts', 'const a = 1;', ts.ScriptTarget.Latest);
      console.log(JSON.stringify({ kind: ts.SyntaxKind[file.kind], hasVersion: 'version' in ts, keys: Object.keys(ts).includes('createSourceFile') }));`;
    expect(run(script, true)).toEqual({ kind: 'SourceFile', hasVersion: true, keys: true });
  });
});
