// The user's infrastructure repository the GitHub Actions examples run in
// (test/workflow.test.ts, test/workflow-drift.test.ts): warren installed from
// this repository's package as npm publishes it (`npm pack`: package.json's
// files, bin and entry points), its peers (the Pulumi SDKs, large) linked
// from this repository's node_modules, a git repository on `main` with
// node_modules ignored, and a bin directory holding a fake `gh`
// (fake-gh.mjs) to put first on PATH. dist/ is built when missing and
// otherwise not rebuilt, and no prepack script runs (--ignore-scripts): other
// test files read dist/ while these run.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './run-cli.js';

export interface ScratchRepo {
  /** The temporary directory holding everything (remove it after the tests). */
  readonly tmp: string;
  /** The repository's work tree. */
  readonly repo: string;
  /** Fakes of command-line tools, first on the steps' PATH. */
  readonly fakeBin: string;
  /** git in the repository, as a fixed author, without signing. */
  readonly git: (...args: string[]) => string;
}

/** Runs a command to completion; its standard output, or an error with its standard error. */
export function sh(command: string, args: string[], cwd: string): string {
  const run = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  if (run.status !== 0)
    throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr}${run.error ?? ''}`);
  return run.stdout;
}

export function makeScratchRepo(prefix: string): ScratchRepo {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  if (!existsSync(join(ROOT, 'dist'))) sh('npm', ['run', 'build'], ROOT);
  const packDir = join(tmp, 'pack');
  mkdirSync(packDir);
  sh('npm', ['pack', '--ignore-scripts', '--pack-destination', packDir], ROOT);
  const tarball = join(packDir, readdirSync(packDir).find((f) => f.endsWith('.tgz'))!);

  // warren in the devDependencies: this install stands in for the workflow's `npm ci`, the one step the tests skip.
  const repo = join(tmp, 'infra');
  mkdirSync(repo);
  writeFileSync(join(repo, 'package.json'), `${JSON.stringify({ name: 'infra', private: true }, null, 2)}\n`);
  sh(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      '--omit=peer',
      '--save-dev',
      tarball,
    ],
    repo,
  );
  const pkgName = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string }).name;
  const installed = JSON.parse(readFileSync(join(repo, 'node_modules', pkgName, 'package.json'), 'utf8')) as {
    peerDependencies?: Record<string, string>;
  };
  for (const peer of Object.keys(installed.peerDependencies ?? {})) {
    const target = join(repo, 'node_modules', peer);
    if (existsSync(target) || !existsSync(join(ROOT, 'node_modules', peer))) continue;
    mkdirSync(dirname(target), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', peer), target);
  }

  const fakeBin = join(tmp, 'bin');
  mkdirSync(fakeBin);
  writeFileSync(
    join(fakeBin, 'gh'),
    `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, 'test/support/fake-gh.mjs')}' "$@"\n`,
  );
  chmodSync(join(fakeBin, 'gh'), 0o755);

  const git = (...args: string[]) =>
    sh('git', ['-c', 'user.name=dev', '-c', 'user.email=dev@example.com', '-c', 'commit.gpgsign=false', ...args], repo);
  git('init', '-q');
  git('checkout', '-q', '-b', 'main');
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  return { tmp, repo, fakeBin, git };
}
