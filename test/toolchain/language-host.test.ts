// The Go tests of warren's Node.js language host (toolchain/language-nodejs),
// run by `go test` in place: the plugins it reports, Run and the runner's exit
// codes (32: already reported), the program below the root directory, the
// process the engine starts. Each of them must be reported as passed.
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';

const MODULE_DIR = join(packageRoot(), 'toolchain', 'language-nodejs');

const TESTS = [
  'TestGetRequiredPlugins',
  'TestGetRequiredPackages',
  'TestRequiredPluginsFromProgramBelowRoot',
  'TestRunPassesTheEngineRequest',
  'TestRunWithoutConfig',
  'TestRunRuntimeOptions',
  'TestRunExitCode32Bails',
  'TestRunNonZeroExitIsAnError',
  'TestRunWithoutNode',
  'TestRunWithoutPulumiSDK',
  'TestRunMissingProgramDirectory',
  'TestRunProgramBelowRootDirectory',
  'TestRunWithoutProgramInfo',
  'TestServesOnThePrintedPort',
  'TestVersionFlag',
];

// A cold Go build cache compiles gRPC, protobuf and the Pulumi SDK's packages
// first: minutes on 2 cores.
const GO_TIMEOUT_MS = 12 * 60_000;

interface GoRun {
  readonly code: number | null;
  readonly output: string;
}

function goTest(): Promise<GoRun> {
  // Go where install-toolchain.sh finds it, and this node first for the
  // runner the tests start.
  const path = [dirname(process.execPath), '/usr/local/go/bin', join(homedir(), 'go', 'bin'), process.env.PATH].join(
    delimiter,
  );
  return new Promise((resolve) => {
    execFile(
      'go',
      ['test', '-v', '-count=1', './...'],
      {
        cwd: MODULE_DIR,
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

it(
  'go test passes every test of the language host',
  async () => {
    const run = await goTest();
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/^ok\s+warren\.local\/toolchain\/language-nodejs\s/m);
    expect(run.output).not.toMatch(/^\s*--- (FAIL|SKIP)/m);
    const ran = [...run.output.matchAll(/^=== RUN\s+(Test\w+)$/gm)].map((m) => m[1]);
    expect(ran.sort()).toEqual([...TESTS].sort());
    for (const name of TESTS) expect(run.output).toMatch(new RegExp(`^--- PASS: ${name} \\(`, 'm'));
  },
  GO_TIMEOUT_MS + 60_000,
);
