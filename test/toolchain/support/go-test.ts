// `go test -v` of one of the toolchain's Go modules, in place, and the
// assertions every such run must pass: the package reported ok, nothing failed
// or skipped, exactly the expected tests ran and each passed.
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { expect } from 'vitest';

/** A cold Go build cache compiles the SDKs the modules use first: minutes on 2 cores. */
export const GO_TIMEOUT_MS = 12 * 60_000;

interface GoRun {
  readonly code: number | null;
  readonly output: string;
}

export interface GoTestRun {
  /** The module's directory. */
  readonly dir: string;
  /** `go test`'s package patterns. */
  readonly packages: readonly string[];
  /** Directories searched before Go's (install-toolchain.sh's places) and PATH. */
  readonly pathFirst?: readonly string[];
}

function goTest({ dir, packages, pathFirst = [] }: GoTestRun): Promise<GoRun> {
  const path = [...pathFirst, '/usr/local/go/bin', join(homedir(), 'go', 'bin'), process.env.PATH].join(delimiter);
  return new Promise((resolve) => {
    execFile(
      'go',
      ['test', '-v', '-count=1', ...packages],
      {
        cwd: dir,
        env: { ...process.env, PATH: path, GOTOOLCHAIN: 'local' },
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: GO_TIMEOUT_MS,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        // Not started (no go) or killed: say so.
        const why = error && code === null ? `\n${error.message}` : '';
        resolve({ code, output: `${stdout}${stderr}${why}` });
      },
    );
  });
}

/** Runs the module's tests and asserts that `pkg` is ok and that exactly `tests` ran, each passed. */
export async function expectGoTestsPass(run: GoTestRun, pkg: string, tests: readonly string[]): Promise<void> {
  const { code, output } = await goTest(run);
  expect(code, output).toBe(0);
  expect(output).toMatch(new RegExp(`^ok\\s+${pkg.replaceAll('.', '\\.')}\\s`, 'm'));
  expect(output).not.toMatch(/^\s*--- (FAIL|SKIP)/m);
  const ran = [...output.matchAll(/^=== RUN\s+(Test\w+)$/gm)].map((m) => m[1]);
  expect(ran.sort()).toEqual([...tests].sort());
  for (const name of tests) expect(output).toMatch(new RegExp(`^--- PASS: ${name} \\(`, 'm'));
}
