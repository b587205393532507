// Every warren:* setting goes through the config schema before the program
// reads anything else, on the real engine: a wrong setting ends `pulumi up`
// with each problem at its place in the stack file (the same lines `warren
// validate --stack` prints), and nothing reaches the broker.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { api, enc } from './support/broker.js';
import { E2EProject } from './support/e2e-project.js';

const V = 'e2c-config';
const TOPOLOGY = `version: 1\nvhosts:\n  ${V}:\n    queues:\n      orders: {}\n`;

describe('stack settings through the config schema, on the real engine', () => {
  const project = new E2EProject({ 'shop.yaml': TOPOLOGY });
  beforeAll(() => project.init(), 120_000);
  afterAll(async () => {
    await api(`/vhosts/${enc(V)}`, 'DELETE').catch(() => undefined);
  });

  it('refuses wrong settings at their FILE:LINE:COL before anything is registered', async () => {
    project.setConfig({
      'warren:granularity': 'vhosts',
      'warren:protectQueues': 'yes',
      'warren:allow': { recreat: [`${V}/queue/orders`], scaleDownTo: 0 },
    });
    const file = project.stackFile();
    const validate = runCli(['validate', join(project.dir, 'topology'), '--stack', file]);
    expect(validate.code).toBe(1);
    const lines = validate.stdout
      .split('\n')
      .filter((l) => l.startsWith(`${file}:`))
      .map((l) => l.replace(/ error ([a-z-]+):.*/, ' $1'));
    expect(lines.length).toBe(4);
    const up = project.pulumi('up', '--yes', '--skip-preview');
    expect(up.code).not.toBe(0);
    expect(up.output).toContain('the topology or stack config is invalid; nothing was changed');
    // The program places each problem where warren validate does.
    for (const line of lines) expect(up.output).toContain(line.replace(/ ([a-z-]+)$/, ' error $1:'));
    expect(up.output).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    expect((await api(`/vhosts/${enc(V)}`)).status).toBe(404);
  }, 180_000);

  it('deploys once the settings are right, booleans given as text included', async () => {
    project.setConfig({ 'warren:granularity': 'vhost', 'warren:protectQueues': 'false', 'warren:allow': undefined });
    const up = project.pulumi('up', '--yes', '--skip-preview');
    expect(up.code, up.output).toBe(0);
    expect((await api(`/queues/${enc(V)}/orders`)).status).toBe(200);
    const down = project.pulumi('destroy', '--yes', '--skip-preview');
    expect(down.code, down.output).toBe(0);
    expect((await api(`/vhosts/${enc(V)}`)).status).toBe(404);
  }, 300_000);
});
