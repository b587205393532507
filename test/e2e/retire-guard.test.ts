// What keeps a blue/green side from being retired, as the local broker
// answers it: queues holding messages, and client consumers, but not the
// drains' own shovels (which read over direct connections).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftOnSide } from '../../src/pulumi/kubernetes/retire-guard.js';
import { api, connect, enc, eventually } from './support/broker.js';

const V = 'e2e-retire-guard';
const LOCAL = { url: 'http://127.0.0.1:15672', username: 'guest', password: 'guest' };

beforeAll(async () => {
  await api(`/vhosts/${enc(V)}`, 'DELETE');
  await api(`/vhosts/${enc(V)}`, 'PUT', {});
  for (const q of ['holding', 'read', 'shovelled', 'target'])
    await api(`/queues/${enc(V)}/${q}`, 'PUT', { durable: true, arguments: {} });
});
afterAll(async () => {
  await api(`/vhosts/${enc(V)}`, 'DELETE');
});

describe('leftOnSide', () => {
  it('an empty side with only a shovel reading is retired; messages and a client consumer are named', async () => {
    // A drain-like shovel: its consumer on `shovelled` is not a client.
    await api(`/parameters/shovel/${enc(V)}/drain`, 'PUT', {
      value: {
        'src-uri': `amqp:///${enc(V)}`,
        'src-queue': 'shovelled',
        'dest-uri': `amqp:///${enc(V)}`,
        'dest-queue': 'target',
        'ack-mode': 'on-confirm',
      },
    });
    const consumersOf = async (q: string) =>
      (await api<{ consumers?: number }>(`/queues/${enc(V)}/${q}`)).body.consumers ?? 0;
    await eventually(async () => ((await consumersOf('shovelled')) === 1 ? true : undefined), 30_000);
    expect((await leftOnSide(LOCAL, 'ns/rabbitmq (blue)', 5000)).filter((l) => l.includes(V))).toEqual([]);

    const conn = await connect(V);
    const ch = await conn.createConfirmChannel();
    for (let i = 0; i < 3; i++) ch.sendToQueue('holding', Buffer.from('x'), { persistent: true });
    await ch.waitForConfirms();
    await ch.consume('read', () => undefined);
    try {
      await eventually(async () => ((await consumersOf('read')) === 1 ? true : undefined), 30_000);
      // Statistics lag: the queue reports its 3 messages within a few seconds.
      const left = await eventually(async () => {
        const l = await leftOnSide(LOCAL, 'ns/rabbitmq (blue)', 5000);
        return l.some((x) => x.includes(`${V}/holding (3)`)) ? l : undefined;
      }, 30_000);
      expect(left.find((l) => l.includes('hold messages'))).toContain(`${V}/holding (3)`);
      const reading = left.find((l) => l.includes('client consumer'))!;
      expect(reading).toContain(`${V}/read`);
      expect(reading).not.toContain('shovelled');
    } finally {
      await conn.close();
    }
  }, 90_000);

  it('a side that cannot be asked is not retired: unknown, with the reason', async () => {
    const left = await leftOnSide({ ...LOCAL, url: 'http://127.0.0.1:1' }, 'ns/rabbitmq (blue)', 0);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^ns\/rabbitmq \(blue\) is not removed: whether its queues are empty is unknown \(.+\)/);
  }, 60_000);
});
