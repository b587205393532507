// warren's package as `npm pack` makes it, for the tests that install it as a
// user would (package.test.ts, quick-start.test.ts). Packed from a copy of what
// the build reads, so that prepack builds from nothing and this worktree's dist/
// is never rewritten under a running test.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './e2e-project.js';

/** Packs warren into `into`; returns the tarball's path (`<into>/warren-<version>.tgz`). */
export function packWarren(into: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'warren-pack-src-'));
  for (const entry of ['package.json', 'tsconfig.json', 'README.md', 'docs', 'topology.schema.json', 'bin', 'src'])
    cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  try {
    const packed = spawnSync('npm', ['pack', '--pack-destination', into, '--json'], {
      cwd: copy,
      encoding: 'utf8',
      timeout: 600_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (packed.status !== 0)
      throw new Error(`npm pack failed (exit ${packed.status}):\n${`${packed.stdout}\n${packed.stderr}`.slice(-4000)}`);
    const [packedFile] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string }[];
    return join(into, packedFile!.filename);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
