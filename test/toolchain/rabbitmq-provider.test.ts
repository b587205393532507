// The Go tests of warren's RabbitMQ provider plugin (toolchain/rabbitmq-provider,
// package rabbitmqinfo), run by `go test` in place: rabbitmq_queue's read asks
// the management API for the queue without statistics, so that consumer details
// the upstream client cannot decode (a shovel's direct connection with
// peer_port "undefined", a stream's channel-less consumer with
// channel_details []) no longer fail a refresh; against a fake API that answers
// what RabbitMQ 3.10 answered. Each of them must be reported as passed.
import { join } from 'node:path';
import { it } from 'vitest';
import { packageRoot } from '../../src/package-root.js';
import { expectGoTestsPass, GO_TIMEOUT_MS } from './support/go-test.js';

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

it(
  'go test passes every test of the RabbitMQ provider patches',
  () =>
    expectGoTestsPass(
      // Not ./...: cmd/pulumi-resource-rabbitmq embeds schema.json, which only
      // the toolchain's build directory has (it is generated, not committed).
      { dir: MODULE_DIR, packages: ['./rabbitmqinfo/...'] },
      'warren.local/toolchain/rabbitmq-provider/rabbitmqinfo',
      TESTS,
    ),
  GO_TIMEOUT_MS + 60_000,
);
