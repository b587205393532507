// What the npm package ships (package.json "files"): what runs, and none of the
// directories for working on warren.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { SCHEMA_FILE } from '../../src/build/write-schema.js';
import { VALIDATORS } from '../../src/format/validator-file.js';

const ROOT = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  files: string[];
  main: string;
  types: string;
  exports: Record<string, string | Record<string, string>>;
  bin: Record<string, string>;
  private?: boolean;
  scripts: Record<string, string>;
};
const shipped = (file: string) =>
  pkg.files.some((entry) => file.replace(/^\.\//, '') === entry || file.replace(/^\.\//, '').startsWith(`${entry}/`));

it('ships the command, the library with its types, the program and the files they read at run time', () => {
  for (const file of [
    ...Object.values(pkg.bin),
    pkg.main,
    pkg.types,
    'dist/src/pulumi/index.js',
    'dist/src/cli/main.js',
    ...Object.values(VALIDATORS).map((v) => relative(ROOT, v.file)),
    relative(ROOT, SCHEMA_FILE),
    // The dynamic providers' bundle, which each resource's loader requires (`warren/providers`), and the docs.
    'dist/providers.cjs',
    'docs/pulumi.md',
  ])
    expect(shipped(file), file).toBe(true);
});

it('is a package whose entry is the library (side-effect free), built when packed', () => {
  expect(pkg.private).toBeUndefined();
  expect(pkg.main).toBe('./dist/src/index.js');
  expect(pkg.types).toBe('./dist/src/index.d.ts');
  expect(pkg.exports['.']).toEqual({ types: pkg.types, default: pkg.main });
  expect(pkg.exports['./providers']).toBe('./dist/providers.cjs');
  expect(pkg.scripts.prepack).toBe('npm run build');
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { declaration?: boolean };
  };
  expect(tsconfig.compilerOptions.declaration).toBe(true);
});

it('ships none of the directories for working on warren', () => {
  for (const dir of ['scripts', 'toolchain', 'bench', 'test', 'src', 'dist/bench', 'dist/scripts', 'dist/test'])
    expect(shipped(`${dir}/x`), dir).toBe(false);
});
