// `npm run lint` checks the shell scripts with shellcheck and shfmt by globs in
// package.json: every shell script of the repository must be among them, so
// that a new one is never left out unnoticed.
import { spawnSync } from 'node:child_process';
import { openSync, readFileSync, readSync, closeSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SKIP = new Set(['node_modules', 'dist', '.git', '.bench']);
const lint = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { lint: string } }).scripts
  .lint;

/** A file's first bytes. */
function head(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(64);
    return buf.subarray(0, readSync(fd, buf, 0, 64, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Every file that is a shell script by its name or its #! line. */
function shellScripts(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return SKIP.has(e.name) ? [] : shellScripts(path);
    if (!e.isFile()) return [];
    if (e.name.endsWith('.sh') || /^#!\S*\b(ba|da)?sh\b|^#!\/usr\/bin\/env (ba|da)?sh\b/.test(head(path)))
      return [relative(ROOT, path)];
    return [];
  });
}

/** The files a `TOOL ARGS...` step of the lint command names, its globs expanded as npm's shell expands them. */
function filesOf(tool: string): string[] {
  const step = lint.split(' && ').find((s) => s.startsWith(`${tool} `));
  expect(step, `npm run lint runs ${tool}`).toBeDefined();
  const args = step!
    .split(' ')
    .slice(1)
    .filter((a) => !a.startsWith('-'));
  const run = spawnSync('bash', ['-O', 'nullglob', '-c', `printf '%s\\n' ${args.join(' ')}`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return run.stdout.split('\n').filter(Boolean);
}

describe('npm run lint', () => {
  const scripts = shellScripts();

  it('finds the shell scripts', () => {
    expect(scripts).toEqual(expect.arrayContaining(['scripts/k8s-cluster.sh', 'toolchain/lib.sh', '.ci/run']));
  });

  it.each(['shellcheck', 'shfmt'])('runs %s on every shell script', (tool) => {
    const covered = new Set(filesOf(tool));
    expect(scripts.filter((f) => !covered.has(f))).toEqual([]);
  });

  it('still checks the TypeScript and JSON with biome', () => {
    expect(lint.startsWith('biome ci . && ')).toBe(true);
  });
});
