// The Go tests of warren's Node.js language host (toolchain/language-nodejs),
// run by `go test` in place: the plugins it reports, Run and the runner's exit
// codes (32: already reported), the program below the root directory, the
// process the engine starts. Each of them must be reported as passed.
import { dirname, join } from 'node:path';
import { it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { expectGoTestsPass, GO_TIMEOUT_MS } from './support/go-test.js';

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

it(
  'go test passes every test of the language host',
  () =>
    expectGoTestsPass(
      // This node first on PATH, for the runner the tests start.
      { dir: MODULE_DIR, packages: ['./...'], pathFirst: [dirname(process.execPath)] },
      'warren.local/toolchain/language-nodejs',
      TESTS,
    ),
  GO_TIMEOUT_MS + 60_000,
);
