// What the npm package ships (package.json "files"): what runs, and none of the
// directories for working on warren.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { SCHEMA_FILE } from '../src/schema/write-schema.js';
import { VALIDATOR_FILE } from '../src/schema/validator-file.js';

const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  files: string[];
  main: string;
  bin: Record<string, string>;
};
const shipped = (file: string) => pkg.files.some((entry) => file === entry || file.startsWith(`${entry}/`));

it('ships the command, the built program and the files they read at run time', () => {
  for (const file of [
    ...Object.values(pkg.bin),
    pkg.main,
    'dist/src/cli/main.js',
    relative(ROOT, VALIDATOR_FILE),
    relative(ROOT, SCHEMA_FILE),
  ])
    expect(shipped(file), file).toBe(true);
});

it('ships none of the directories for working on warren', () => {
  for (const dir of ['scripts', 'toolchain', 'bench', 'test', 'src', 'dist/bench', 'dist/test'])
    expect(shipped(`${dir}/x`), dir).toBe(false);
});
