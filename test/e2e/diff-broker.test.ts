// `warren diff --broker`: the live message and consumer counts of the queues
// a change would delete or re-declare, read from the real broker: its own
// figures, or "unknown" where it gives none; names that need escaping in the
// management API's paths (also for `import --broker`), and `.`/`..`, which no
// path can name, refused rather than misreported.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { afterAll, expect, it } from 'vitest';
import { runCli, STACK_TRACE } from '../support/run-cli.js';
import { api, connect, enc, eventually } from './support/broker.js';

const V = 'e2e-diff-broker';
const dir = mkdtempSync(join(tmpdir(), 'warren-diff-broker-'));
const topology = (ordersType: string, withAudit: boolean) => `version: 1
vhosts:
  ${V}:
    queues:
      orders: { type: ${ordersType} }
      idle: { type: ${ordersType} }
${withAudit ? '      audit: {}\n' : ''}`;
/** A vhost whose name, and whose queues' and exchanges' names, need escaping in a path. */
const ODD = 'e2e-diff-broker a/b?#%2e';
afterAll(async () => {
  await api(`/vhosts/${enc(V)}`, 'DELETE');
  await api(`/vhosts/${enc(ODD)}`, 'DELETE');
});
const json = (r: { stdout: string }) =>
  JSON.parse(r.stdout) as { changes: { id: string; class: string; reason: string; live?: Record<string, unknown> }[] };

it('says how many messages and consumers a data-losing change would hit', async () => {
  await api(`/vhosts/${enc(V)}`, 'PUT', {});
  await api(`/permissions/${enc(V)}/guest`, 'PUT', { configure: '.*', write: '.*', read: '.*' });
  const conn = await connect(V);
  const ch = await conn.createConfirmChannel();
  await ch.assertQueue('orders', { durable: true });
  await ch.assertQueue('audit', { durable: true });
  for (let i = 0; i < 1204; i++) ch.sendToQueue('orders', Buffer.from(String(i)), { persistent: true });
  for (let i = 0; i < 2; i++) ch.sendToQueue('audit', Buffer.from(String(i)), { persistent: true });
  await ch.waitForConfirms();
  const consumer = await conn.createChannel();
  await consumer.prefetch(1);
  await consumer.consume('audit', () => undefined);
  // The management API's figures trail by its stats interval (and one count may come before the other).
  const figures = async (queue: string) =>
    (await api<{ messages?: number; consumers?: number }>(`/queues/${enc(V)}/${queue}`)).body;
  await eventually(async () => {
    const [audit, orders] = [await figures('audit'), await figures('orders')];
    return audit.consumers === 1 &&
      typeof audit.messages === 'number' &&
      orders.messages === 1204 &&
      typeof orders.consumers === 'number'
      ? true
      : undefined;
  }, 30_000);

  writeFileSync(join(dir, 'base.yaml'), topology('classic', true));
  writeFileSync(join(dir, 'head.yaml'), topology('quorum', false));
  const r = runCli(
    ['diff', join(dir, 'base.yaml'), join(dir, 'head.yaml'), '--broker', 'http://127.0.0.1:15672', '--format', 'json'],
    { env: { WARREN_BROKER_USER: 'guest', WARREN_BROKER_PASSWORD: 'guest' } },
  );
  await conn.close();
  expect(r.code).toBe(0);
  const changes = (JSON.parse(r.stdout) as { changes: { id: string; class: string; reason: string; live?: object }[] })
    .changes;
  const byId = Object.fromEntries(changes.map((c) => [c.id, c]));
  expect(byId[`${V}/queue/orders`]).toMatchObject({ class: 'data-losing', live: { messages: 1204, consumers: 0 } });
  expect(byId[`${V}/queue/orders`]!.reason).toMatch(/requires re-declaring; 1,204 messages would be lost$/);
  expect(byId[`${V}/queue/audit`]).toMatchObject({
    class: 'data-losing',
    live: { messages: expect.any(Number), consumers: 1 },
  });
  expect(byId[`${V}/queue/audit`]!.reason).toMatch(/1 consumer is connected$/);
  // Declared in the topology but not on the broker: nothing to lose there.
  expect(byId[`${V}/queue/idle`]).toMatchObject({ live: { absent: true } });

  const text = runCli([
    'diff',
    join(dir, 'base.yaml'),
    join(dir, 'head.yaml'),
    '--broker',
    'http://guest:guest@127.0.0.1:15672',
  ]);
  expect(text.stdout).toContain(
    `DATA-LOSING change ${V}/queue/orders: queue orders: arguments.x-queue-type "classic" → "quorum" requires re-declaring; 1,204 messages would be lost`,
  );
}, 60_000);

it('still prints the diff when the broker cannot be read, and says why; credentials never printed', () => {
  writeFileSync(join(dir, 'base.yaml'), topology('classic', false));
  writeFileSync(join(dir, 'head.yaml'), topology('quorum', false));
  const r = runCli([
    'diff',
    join(dir, 'base.yaml'),
    join(dir, 'head.yaml'),
    '--broker',
    'http://someone:s3cr3t-pw@127.0.0.1:1',
  ]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(
    /its messages would be lost \(count unknown: the broker at http:\/\/127\.0\.0\.1:1 could not be read/,
  );
  expect(r.stderr).toMatch(/^warning: live counts:/m);
  expect(r.stdout + r.stderr).not.toContain('s3cr3t-pw');
  expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  const usage = runCli(['diff', join(dir, 'base.yaml'), join(dir, 'head.yaml'), '--broker', 'ftp://x:s3cr3t-pw@host']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).not.toContain('s3cr3t-pw');
});

it('says "unknown", never 0, for a queue the broker gives no count for yet (its statistics come seconds after it is declared)', async () => {
  await api(`/vhosts/${enc(V)}`, 'PUT', {});
  await api(`/permissions/${enc(V)}/guest`, 'PUT', { configure: '.*', write: '.*', read: '.*' });
  const conn = await connect(V);
  const ch = await conn.createConfirmChannel();
  // A quorum queue: RabbitMQ 3.10 reports its first figures some 6 s after the declaration. A name of its own:
  // the broker keeps a deleted queue's figures for a while, and would give those for a new one of that name.
  const fresh = `fresh-${Date.now()}`;
  await ch.assertQueue(fresh, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  for (let i = 0; i < 50; i++) ch.sendToQueue(fresh, Buffer.from(String(i)), { persistent: true });
  await ch.waitForConfirms();
  await conn.close();
  const broker = async () => (await api<{ messages?: number; consumers?: number }>(`/queues/${enc(V)}/${fresh}`)).body;
  const side = (type: string) => `version: 1\nvhosts:\n  ${V}:\n    queues:\n      ${fresh}: { type: ${type} }\n`;
  writeFileSync(join(dir, 'fresh-base.yaml'), side('quorum'));
  writeFileSync(join(dir, 'fresh-head.yaml'), side('classic'));
  const diff = (format: string) =>
    runCli([
      'diff',
      join(dir, 'fresh-base.yaml'),
      join(dir, 'fresh-head.yaml'),
      '--broker',
      'http://guest:guest@127.0.0.1:15672',
      '--format',
      format,
    ]);
  const before = await broker();
  const [asJson, asText, asMarkdown] = [diff('json'), diff('text'), diff('markdown')];
  const after = await broker();
  // The broker itself gave no count all along: what warren said is about that answer.
  expect([before.messages, after.messages]).toEqual([undefined, undefined]);
  expect(asJson.code).toBe(0);
  const live = json(asJson).changes.find((c) => c.id === `${V}/queue/${fresh}`)!.live!;
  expect(live).toHaveProperty('unknown');
  expect(live).not.toHaveProperty('messages');
  for (const r of [asText, asMarkdown]) {
    expect(r.stdout).toContain('its messages would be lost (count unknown: the broker gives no message count');
    expect(r.stdout).not.toMatch(/\b0 messages\b/);
    expect(r.stderr).toMatch(/^warning: live counts: the broker gives no message count/m);
  }
  // Once the broker has the figures (the consumer count may come after the message count), they are the answer.
  await eventually(async () => {
    const b = await broker();
    return b.messages === 50 && typeof b.consumers === 'number' ? true : undefined;
  }, 60_000);
  expect(json(diff('json')).changes.find((c) => c.id === `${V}/queue/${fresh}`)!.live).toEqual({
    messages: 50,
    consumers: 0,
  });
}, 120_000);

it('reads queues and exchanges whose names need escaping, and refuses `.` and `..`, which no path can name', async () => {
  const names = ['a/b', '?x', '#', '%2e'];
  await api(`/vhosts/${enc(ODD)}`, 'PUT', {});
  await api(`/permissions/${enc(ODD)}/guest`, 'PUT', { configure: '.*', write: '.*', read: '.*' });
  await api(`/exchanges/${enc(ODD)}/${enc('%2E%2E')}`, 'PUT', { type: 'fanout', durable: true, internal: true });
  const conn = await connect(ODD);
  const ch = await conn.createConfirmChannel();
  // Each queue holds as many messages as its place in the list, plus one; `..` holds 9.
  for (const [i, name] of [...names, '..'].entries()) {
    await ch.assertQueue(name, { durable: true });
    for (let n = 0; n < (name === '..' ? 9 : i + 1); n++) ch.sendToQueue(name, Buffer.from('x'), { persistent: true });
  }
  await ch.waitForConfirms();
  await conn.close();
  // Until the broker gives both figures of every queue, warren says "unknown" (the test above).
  await eventually(async () => {
    const list = (
      await api<{ name: string; messages?: number; consumers?: number }[]>(
        `/queues/${enc(ODD)}?columns=name,messages,consumers`,
      )
    ).body;
    return list.length === 5 &&
      list.every(
        (q) => q.messages === (q.name === '..' ? 9 : names.indexOf(q.name) + 1) && typeof q.consumers === 'number',
      )
      ? true
      : undefined;
  }, 60_000);

  const queues = (list: string[]) =>
    `version: 1\nvhosts:\n  ${JSON.stringify(ODD)}:\n    queues: {${list.map((n) => ` ${JSON.stringify(n)}: {}`).join(',')} }\n`;
  writeFileSync(join(dir, 'odd-base.yaml'), queues(names));
  writeFileSync(join(dir, 'odd-head.yaml'), queues([]));
  const broker = ['--broker', 'http://guest:guest@127.0.0.1:15672'];
  const r = runCli(['diff', join(dir, 'odd-base.yaml'), join(dir, 'odd-head.yaml'), ...broker, '--format', 'json']);
  expect(r.code).toBe(0);
  const lives = Object.fromEntries(json(r).changes.map((c) => [c.id.split('/queue/')[1], c.live]));
  expect(lives).toEqual({
    'a%2Fb': { messages: 1, consumers: 0 },
    '?x': { messages: 2, consumers: 0 },
    '#': { messages: 3, consumers: 0 },
    '%252e': { messages: 4, consumers: 0 },
  });

  // `..`: /api/queues/<vhost>/.. is /api/queues, the broker's whole list, however encoded. Refused, not misread.
  writeFileSync(join(dir, 'dots-base.yaml'), queues(['..']));
  const dots = runCli(['diff', join(dir, 'dots-base.yaml'), join(dir, 'odd-head.yaml'), ...broker, '--format', 'json']);
  expect(dots.code).toBe(1);
  expect((JSON.parse(dots.stdout) as { problems: { code: string }[] }).problems.map((p) => p.code)).toEqual([
    'unaddressable-name',
  ]);

  // import --broker: the export leaves out internal exchanges; the one named `%2E%2E` comes from the API,
  // asked for by its vhost's name, escaped. The queue `..` is left out with a warning.
  const exported = (await api<object>('/definitions')).body;
  writeFileSync(join(dir, 'odd-export.json'), JSON.stringify(exported));
  const imported = runCli(['import', join(dir, 'odd-export.json'), '--vhost', ODD, ...broker, '--format', 'json']);
  expect(imported.code).toBe(0);
  const out = JSON.parse(imported.stdout) as { topology: string; problems: { code: string; message: string }[] };
  const vhost = (jsYaml.load(out.topology) as { vhosts: Record<string, { exchanges: object; queues: object }> }).vhosts[
    ODD
  ]!;
  expect(vhost.exchanges).toEqual({ '%2E%2E': { type: 'fanout', internal: true } });
  expect(Object.keys(vhost.queues).sort()).toEqual([...names].sort());
  expect(
    out.problems.filter((p) => p.code === 'import-skipped' && p.message.startsWith(`queue .. in vhost ${ODD}:`)),
  ).toHaveLength(1);
}, 120_000);

/** A stack whose blue/green pair has `side` inactive, reached at `url` (the local broker stands for it). */
function pairStack(url: string, retire: boolean): string {
  const file = join(dir, `Pulumi.pair-${retire}.yaml`);
  writeFileSync(
    file,
    jsYaml.dump({
      config: {
        'warren:cluster': {
          namespace: 'mq',
          image: 'rabbitmq:3.10-management',
          blue: { managementEndpoint: url },
          green: { image: 'rabbitmq:4.0-management' },
          active: 'green',
          retireInactive: retire,
        },
      },
    }),
  );
  return file;
}

it("with --stack naming a blue/green pair, says what is still on its inactive side: the broker's own counts, client consumers only", async () => {
  const Q = `${V}-inactive`;
  await api(`/vhosts/${enc(Q)}`, 'PUT', {});
  await api(`/permissions/${enc(Q)}/guest`, 'PUT', { configure: '.*', write: '.*', read: '.*' });
  const conn = await connect(Q);
  try {
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue('held', { durable: true });
    await ch.assertQueue('read', { durable: true });
    await ch.assertQueue('empty', { durable: true });
    for (let i = 0; i < 3; i++) ch.sendToQueue('held', Buffer.from(String(i)), { persistent: true });
    await ch.waitForConfirms();
    await (await conn.createChannel()).consume('read', () => undefined);
    await eventually(async () => {
      const [held, read] = [
        (await api<{ messages?: number }>(`/queues/${enc(Q)}/held`)).body,
        (await api<{ consumers?: number }>(`/queues/${enc(Q)}/read`)).body,
      ];
      return held.messages === 3 && read.consumers === 1 ? true : undefined;
    }, 30_000);
    writeFileSync(join(dir, 'same.yaml'), topology('classic', false));
    const args = (stack: string) => ['diff', join(dir, 'same.yaml'), join(dir, 'same.yaml'), '--stack', stack];
    const env = { env: { WARREN_BROKER_USER: 'guest', WARREN_BROKER_PASSWORD: 'guest' } };
    const r = runCli(
      [...args(pairStack('http://127.0.0.1:15672', true)), '--broker', 'http://127.0.0.1:15672', '--format', 'json'],
      env,
    );
    expect(r.code).toBe(0);
    const side = (
      JSON.parse(r.stdout) as {
        inactiveSide: {
          side: string;
          cluster: string;
          retiring: boolean;
          left: { holding: { vhost: string; name: string }[]; reading: { vhost: string; name: string }[] };
        };
      }
    ).inactiveSide;
    expect([side.side, side.cluster, side.retiring]).toEqual(['blue', 'mq/rabbitmq', true]);
    expect(side.left.holding.filter((q) => q.vhost === Q)).toEqual([{ vhost: Q, name: 'held', messages: 3 }]);
    expect(side.left.reading.filter((q) => q.vhost === Q)).toEqual([{ vhost: Q, name: 'read' }]);
    const text = runCli(
      [...args(pairStack('http://127.0.0.1:15672', false)), '--broker', 'http://127.0.0.1:15672'],
      env,
    );
    expect(text.stdout).toContain('inactive side blue (mq/rabbitmq) at http://127.0.0.1:15672\n');
    expect(text.stdout).toContain(`  left        queue ${Q}/held: 3 message(s), 0 client consumer(s)\n`);
    expect(text.stdout).toContain(`  left        queue ${Q}/read: 0 message(s), 1 client consumer(s)\n`);
    expect(text.stdout).not.toContain(`${Q}/empty`);
    // A side that cannot be read is unknown, said once on stderr; the diff is printed and the exit code is the diff's.
    const away = runCli([...args(pairStack('http://127.0.0.1:1', true)), '--broker', 'http://127.0.0.1:15672'], env);
    expect(away.code).toBe(0);
    expect(away.stdout).toContain('inactive side blue (mq/rabbitmq, retiring) at http://127.0.0.1:1\n  unknown: ');
    expect(away.stderr).toMatch(/^warning: inactive side: the broker at http:\/\/127\.0\.0\.1:1 could not be read/m);
    expect(away.stderr).not.toMatch(STACK_TRACE);
  } finally {
    await conn.close();
    await api(`/vhosts/${enc(Q)}`, 'DELETE');
  }
}, 60_000);
