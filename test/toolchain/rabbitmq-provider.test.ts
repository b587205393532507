// The Go tests of warren's RabbitMQ provider plugin (toolchain/rabbitmq-provider,
// package rabbitmqinfo), run by `go test` in place: rabbitmq_queue's read asks
// the management API for the queue without statistics, so that consumer details
// the upstream client cannot decode (a shovel's direct connection with
// peer_port "undefined", a stream's channel-less consumer with
// channel_details []) no longer fail a refresh; against a fake API that answers
// what RabbitMQ 3.10 answered. Each of them must be reported as passed.
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';

const MODULE_DIR = join(packageRoot(), 'toolchain', 'rabbitmq-provider');

const TESTS = [
  'TestUpstreamReadFailsOnConsumerDetails',
  'TestReadQueueShovelSourceWithDirectConsumer',
  'TestReadQueueStreamWithChannelLessConsumer',
  'TestReadQueuePlainQueueInDefaultVhost',
  'TestReadQueueNotFoundIsGone',
  'TestReadQueueBadID',
  'TestCreateAndUpdateReadWithoutStats',
  'TestQueueReadPatchPanicsOnOtherShape',
];

// A cold Go build cache compiles the Terraform plugin SDK, the bridge and the
// Pulumi SDK first: minutes on 2 cores.
const GO_TIMEOUT_MS = 12 * 60_000;

interface GoRun {
  readonly code: number | null;
  readonly output: string;
}

function goTest(): Promise<GoRun> {
  // Go where install-toolchain.sh finds it.
  const path = ['/usr/local/go/bin', join(homedir(), 'go', 'bin'), process.env.PATH].join(delimiter);
  return new Promise((resolve) => {
    execFile(
      'go',
      // Not ./...: cmd/pulumi-resource-rabbitmq embeds schema.json, which only
      // the toolchain's build directory has (it is generated, not committed).
      ['test', '-v', '-count=1', './rabbitmqinfo/...'],
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
  'go test passes every test of the RabbitMQ provider patches',
  async () => {
    const run = await goTest();
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/^ok\s+warren\.local\/toolchain\/rabbitmq-provider\/rabbitmqinfo\s/m);
    expect(run.output).not.toMatch(/^\s*--- (FAIL|SKIP)/m);
    const ran = [...run.output.matchAll(/^=== RUN\s+(Test\w+)$/gm)].map((m) => m[1]);
    expect(ran.sort()).toEqual([...TESTS].sort());
    for (const name of TESTS) expect(run.output).toMatch(new RegExp(`^--- PASS: ${name} \\(`, 'm'));
  },
  GO_TIMEOUT_MS + 60_000,
);
