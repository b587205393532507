// The toolchain's environment for programs: env.json, written by the same
// function (toolchain/lib.sh write_env) and from the same values as env.sh.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readToolchainEnv, toolchainEnvFile, withToolchain } from '../e2e/support/toolchain-env.js';

const ROOT = join(import.meta.dirname, '..', '..');

function bash(script: string, ...args: string[]) {
  const run = spawnSync('bash', ['-c', script, 'bash', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_PREFIX: 'test' },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

describe('toolchain/lib.sh write_env', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-env-'));
  beforeAll(() => {
    bash('. toolchain/lib.sh && write_env "$1" "/opt/a b/bin:/opt/shims/bin" PULUMI_X=true "Y=two words=2"', dir);
  });

  it('writes env.sh as before: PATH first, then one export per variable', () => {
    expect(readFileSync(join(dir, 'env.sh'), 'utf8')).toBe(
      'export PATH="/opt/a b/bin:/opt/shims/bin:$PATH"\nexport PULUMI_X=true\nexport Y=two\\ words=2\n',
    );
  });

  it('writes env.json with the same values as data', () => {
    expect(readToolchainEnv(join(dir, 'env.json'))).toEqual({
      path: ['/opt/a b/bin', '/opt/shims/bin'],
      env: { PULUMI_X: 'true', Y: 'two words=2' },
    });
    const env = withToolchain({ PATH: '/usr/bin', HOME: '/root' }, join(dir, 'env.json'));
    // What a script gets by sourcing env.sh.
    const sourced = bash('PATH=/usr/bin; . "$1/env.sh"; printf "%s\\n" "$PATH" "$PULUMI_X" "$Y"', dir);
    expect(sourced).toBe(`${env.PATH}\n${env.PULUMI_X}\n${env.Y}\n`);
    expect(env).toEqual({
      PATH: '/opt/a b/bin:/opt/shims/bin:/usr/bin',
      HOME: '/root',
      PULUMI_X: 'true',
      Y: 'two words=2',
    });
  });
});

describe('readToolchainEnv', () => {
  it('says to run scripts/setup.sh when env.json is missing', () => {
    const cache = mkdtempSync(join(tmpdir(), 'warren-cache-'));
    const saved = process.env.WARREN_CACHE_DIR;
    process.env.WARREN_CACHE_DIR = cache;
    try {
      expect(toolchainEnvFile()).toBe(join(cache, 'toolchain', 'env.json'));
      expect(() => readToolchainEnv()).toThrow(/toolchain\/env\.json is missing: run scripts\/setup\.sh/);
    } finally {
      if (saved === undefined) delete process.env.WARREN_CACHE_DIR;
      else process.env.WARREN_CACHE_DIR = saved;
    }
  });

  it('refuses a file of another shape', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'warren-env-')), 'env.json');
    writeFileSync(file, '{"path": "/opt/bin", "env": {}}');
    expect(() => readToolchainEnv(file)).toThrow(/is not \{ "path"/);
  });
});
