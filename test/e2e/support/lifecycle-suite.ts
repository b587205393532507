// End to end, on the real Pulumi engine and the real broker: up, no-op,
// behaviour over AMQP, changeable and immutable changes with messages in the
// queues, protect, drift, a crash, destroy, and secrets. The steps build on
// each other, in order. The same suite runs for each warren:granularity
// (lifecycle.test.ts, lifecycle-vhost.test.ts), with its own names.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ids } from '../../../src/plan/plan-ids.js';
import { api, connect, enc, eventually, messageCount } from './broker.js';
import { E2EProject, expectOk } from './e2e-project.js';
import { dropNames, expectImportedBack, expectNamesGone, expectNamesOnBroker, namesTopology } from './hostile-names.js';
import {
  deadLettersExpired,
  deadLettersRejectedAndOverLimit,
  keepsOrderServiceInItsPermissions,
  routesLogs,
  routesShopMessages,
} from './seed-scenarios.js';

interface Queue {
  name: string;
  type: string;
  durable: boolean;
  auto_delete: boolean;
  arguments: Record<string, unknown>;
  policy?: string;
  effective_policy_definition?: Record<string, unknown>;
}
interface Binding {
  source: string;
  destination: string;
  destination_type: string;
  routing_key: string;
  arguments: Record<string, unknown>;
}

export interface LifecycleOptions {
  /** Prefix of the vhosts and users, distinct per suite: suites run side by side on one broker. */
  readonly prefix: string;
  readonly granularity?: 'vhost';
  /** Stop the broker in the middle of an up (one suite does: it stops the broker for every test running then). */
  readonly stopBroker: boolean;
  /**
   * The vhost and user of the names that are members of every JavaScript object (support/hostile-names.ts):
   * global names on the broker, so distinct per suite, and such names themselves (`__proto__`, `constructor`).
   */
  readonly names: { readonly vhost: string; readonly user: string };
}

export function describeLifecycle({ prefix: PREFIX, granularity, stopBroker, names }: LifecycleOptions): void {
  const SHOP = `${PREFIX}shop`;
  const OPS = `${PREFIX}ops`;
  const NAMES = { shop: SHOP, ops: OPS };
  const CRASH = `${PREFIX}crash`;
  // The shop's queue overrides the steps build on: settings changed on live queues, then all_orders re-typed.
  const SETTINGS_EDIT = {
    email_notifications: { messageTtl: '300ms' },
    all_orders: { maxLength: 7000, messageTtl: '1h' },
  };
  const RETYPED = { ...SETTINGS_EDIT, all_orders: { ...SETTINGS_EDIT.all_orders, type: 'classic' } };
  const project = new E2EProject(undefined, PREFIX);
  // Beside the example topology: objects named `__proto__`, `constructor`… (support/hostile-names.ts).
  writeFileSync(join(project.dir, 'topology', 'names.yaml'), namesTopology(names.vhost, names.user));
  // A vhost and a user whose names need escaping in management API paths.
  const ODD = `${PREFIX}odd a/b?#%2e`;
  const ODD_USER = `${PREFIX}user a/b?#%2e`;
  const VHOSTS = [SHOP, OPS, `${PREFIX}unmanaged`, `${PREFIX}burst`, CRASH, ODD, names.vhost];
  const BURST = `${PREFIX}burst`;
  const burst = {
    [BURST]: {
      exchanges: { in: { type: 'direct' } },
      queues: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`q${i}`, { messageTtl: '1h' }])),
      bindings: Array.from({ length: 40 }, (_, i) => ({ from: 'in', to: `q${i}`, key: `k${i}` })),
    },
  };
  /** The stack's config besides the topology's overrides. */
  const base = granularity ? { 'warren:granularity': granularity } : {};
  /**
   * Adds vhosts to the project's topology as a file of their own, or removes that file (an override
   * cannot add a vhost: it names one the topology declares). JSON is YAML.
   */
  const topologyFile = (name: string, vhosts?: Record<string, unknown>) => {
    const file = join(project.dir, 'topology', `${name}.yaml`);
    if (vhosts) writeFileSync(file, JSON.stringify({ version: 1, vhosts }));
    else rmSync(file, { force: true });
  };

  beforeAll(async () => {
    // Leftovers of an interrupted earlier run would make the state disagree with the broker.
    await Promise.all([
      ...VHOSTS.map((v) => api(`/vhosts/${enc(v)}`, 'DELETE')),
      api(`/users/${enc(ODD_USER)}`, 'DELETE'),
    ]);
    await dropNames(names.vhost, names.user);
  }, 60_000);

  afterAll(async () => {
    project.pulumi('destroy', '--yes', '--skip-preview');
    await Promise.all([
      ...VHOSTS.map((v) => api(`/vhosts/${enc(v)}`, 'DELETE')),
      api(`/users/${enc(ODD_USER)}`, 'DELETE'),
    ]);
    await dropNames(names.vhost, names.user);
  }, 600_000);

  describe('pulumi up of the example topology', () => {
    it('creates every declared object, with its declared properties in effect', async () => {
      project.init();
      project.setConfig(base);
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up');

      const vhost = (await api<{ description: string; tags: string[] }>(`/vhosts/${SHOP}`)).body;
      expect(vhost).toMatchObject({ description: 'Order processing', tags: ['production'] });
      expect((await api<{ value: object }[]>(`/vhost-limits/${SHOP}`)).body[0]!.value).toEqual({
        'max-connections': 500,
        'max-queues': 1000,
      });

      // The management API reports policies from statistics collected every few seconds.
      const queues = await eventually(async () => {
        const list = (await api<Queue[]>(`/queues/${SHOP}`)).body;
        return list.find((q) => q.name === 'order_processor')?.effective_policy_definition?.['message-ttl']
          ? list
          : undefined;
      });
      expect(queues.map((q) => q.name).sort()).toEqual([
        'all_orders',
        'csv_reports',
        'email_notifications',
        'email_notifications_failed',
        'order_processor',
        'order_processor.dead',
        'pdf_reports',
        'push_notifications',
        'sms_notifications',
        'unrouted_orders',
        'us_orders',
      ]);
      const processor = queues.find((q) => q.name === 'order_processor')!;
      expect(processor).toMatchObject({
        type: 'quorum',
        durable: true,
        auto_delete: false,
        arguments: { 'x-queue-type': 'quorum' },
        policy: 'warren.queue.order_processor',
      });
      // Settings applied through the queue's policy are in effect (and the operator policy is merged by the broker).
      expect(processor.effective_policy_definition).toMatchObject({
        'message-ttl': 60000,
        'delivery-limit': 5,
        'dead-letter-exchange': 'dlx',
        'dead-letter-routing-key': 'order_processor.dead',
        'max-length': 1000000,
      });

      const exchanges = (
        await api<{ name: string; type: string; arguments: object }[]>(`/exchanges/${SHOP}`)
      ).body.filter((x) => x.name !== '' && !x.name.startsWith('amq.'));
      expect(exchanges.map((x) => `${x.name}:${x.type}`).sort()).toEqual([
        'dlx:direct',
        'notifications:fanout',
        'orders:topic',
        'reports:headers',
        'unrouted:fanout',
      ]);
      expect(exchanges.find((x) => x.name === 'orders')!.arguments).toEqual({ 'alternate-exchange': 'unrouted' });

      const bindings = (await api<Binding[]>(`/bindings/${SHOP}`)).body.filter((b) => b.source !== '');
      expect(bindings.map((b) => `${b.source}>${b.destination}[${b.routing_key}]`).sort()).toEqual([
        'dlx>email_notifications_failed[email_notifications_failed]',
        'dlx>order_processor.dead[order_processor.dead]',
        'notifications>email_notifications[]',
        'notifications>push_notifications[]',
        'notifications>sms_notifications[]',
        'orders>all_orders[order.#]',
        'orders>order_processor[order.created.*]',
        'orders>us_orders[order.*.us]',
        'reports>csv_reports[]',
        'reports>pdf_reports[]',
        'unrouted>unrouted_orders[]',
      ]);
      expect(bindings.find((b) => b.destination === 'pdf_reports')!.arguments).toEqual({
        format: 'pdf',
        type: 'report',
        'x-match': 'all',
      });

      // Policies: the user's, plus warren's per-queue settings policies (documented), nothing else.
      const policies = (await api<{ name: string }[]>(`/policies/${SHOP}`)).body.map((p) => p.name).sort();
      expect(policies).toEqual([
        'queue-length-cap',
        'warren.queue.all_orders',
        'warren.queue.email_notifications',
        'warren.queue.order_processor',
        'warren.queue.push_notifications',
        'warren.queue.sms_notifications',
        'warren.queue.unrouted_orders',
      ]);
      expect((await api<{ name: string }[]>(`/operator-policies/${SHOP}`)).body.map((p) => p.name)).toEqual([
        'cap-length',
      ]);

      const users = (await api<{ name: string; tags: string[] }[]>('/users')).body.filter((u) =>
        u.name.startsWith(PREFIX),
      );
      expect(users.map((u) => `${u.name}:${u.tags.join(',')}`).sort()).toEqual([
        `${PREFIX}notification-service:`,
        `${PREFIX}ops-readonly:monitoring`,
        `${PREFIX}order-service:`,
        `${PREFIX}worker:`,
      ]);
      const perms = (
        await api<{ user: string; vhost: string; write: string }[]>(`/users/${PREFIX}order-service/permissions`)
      ).body;
      expect(perms).toEqual([
        expect.objectContaining({ vhost: SHOP, configure: '^$', write: '^orders$', read: '^order_processor$' }),
      ]);
      const topic = (
        await api<{ exchange: string; write: string }[]>(`/users/${PREFIX}order-service/topic-permissions`)
      ).body;
      expect(topic).toEqual([
        expect.objectContaining({ vhost: SHOP, exchange: 'orders', write: '^order\\.', read: '^order\\.' }),
      ]);
      expect((await api<{ value: object }[]>(`/user-limits/${PREFIX}order-service`)).body[0]!.value).toEqual({
        'max-connections': 50,
        'max-channels': 200,
      });
    }, 600_000);

    it('objects named __proto__, constructor, prototype, toString arrive as named, with their arguments and headers', async () => {
      await expectNamesOnBroker(names.vhost, names.user);
    }, 60_000);

    it("warren import of the broker's export gives those objects back: diff finds no change", async () => {
      await expectImportedBack(project.dir, names.vhost);
    }, 120_000);

    it('a second up changes nothing, and preview reports no changes', () => {
      expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview --expect-no-changes');
      const up = expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'second up');
      expect(up.output).toMatch(/\d+ unchanged/);
      expect(up.output).not.toMatch(/\+ \d+ created|~ \d+ updated|- \d+ deleted|\+-\d+ replaced/);
    }, 600_000);

    // One suite is enough: what is checked happens in the program, before any resource is registered.
    if (!granularity)
      it('a stack naming a vhost the topology lacks, or an environment variable that does not parse, is refused before anything changes', () => {
        project.setConfig({ 'warren:overrides': { vhosts: { [`${SHOP}x`]: { queues: { extra: {} } } } } });
        const typo = project.pulumi('up', '--yes', '--skip-preview');
        expect(typo.code).not.toBe(0);
        expect(typo.output).toMatch(
          new RegExp(
            `Pulumi\\.e2e\\.yaml:\\d+:\\d+: error unknown-vhost: vhost \`${SHOP}x\`.*did you mean \`${SHOP}\``,
          ),
        );
        project.setConfig({ 'warren:overrides': undefined });
        process.env.WARREN_MAX_FILE_BYTES = '64k';
        try {
          const env = project.pulumi('up', '--yes', '--skip-preview');
          expect(env.code).not.toBe(0);
          expect(env.output).toContain('WARREN_MAX_FILE_BYTES must be a whole number of bytes');
          expect(env.output).not.toMatch(/^\s+at /m);
        } finally {
          delete process.env.WARREN_MAX_FILE_BYTES;
        }
        expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview after the refused ups');
      }, 600_000);
  });

  describe('the broker behaves as declared (AMQP)', () => {
    it('routes by topic, headers and fanout, and catches unroutable messages in the alternate exchange', async () => {
      await routesShopMessages(connect, NAMES);
    }, 60_000);

    it('routes by direct key in the ops vhost', async () => {
      await routesLogs(connect, NAMES);
    }, 60_000);

    it('dead-letters a rejected message, and one requeued past the delivery limit, into the DLQ', async () => {
      await deadLettersRejectedAndOverLimit(connect, NAMES);
    }, 60_000);

    it('dead-letters an expired message', async () => {
      // TTL 60s is long for a test: give this queue a short one through the stack's overrides.
      project.setConfig({
        'warren:overrides': { vhosts: { [SHOP]: { queues: { email_notifications: { messageTtl: '300ms' } } } } },
      });
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up with a short TTL');
      await deadLettersExpired(connect, NAMES);
    }, 600_000);

    it('keeps users inside their permissions', async () => {
      await keepsOrderServiceInItsPermissions(
        connect,
        NAMES,
        `${PREFIX}order-service`,
        project.passwords.orderServicePassword!,
      );
    }, 60_000);
  });

  describe('changes with messages in the queues', () => {
    it('a changeable field changes on the live queue, and its messages stay', async () => {
      const conn = await connect(SHOP);
      const ch = await conn.createConfirmChannel();
      await ch.purgeQueue('all_orders');
      for (let i = 0; i < 5; i++) ch.publish('orders', 'order.kept', Buffer.from(String(i)));
      await ch.waitForConfirms();
      await conn.close();
      expect(await messageCount(SHOP, 'all_orders')).toBe(5);
      project.setConfig({
        'warren:overrides': {
          vhosts: {
            [SHOP]: {
              queues: SETTINGS_EDIT,
            },
          },
        },
      });
      // The reviewer's view names the object and the change, and nothing else.
      const diff = expectOk(project.pulumi('preview', '--diff'), 'preview --diff').output;
      expect(diff).toMatch(/max-length.*=>.*7000/);
      expect(diff).toContain(granularity ? 'warren.queue.all_orders' : 'queue-settings/all_orders');
      expect(diff).not.toMatch(/us_orders|csv_reports/);
      const up = expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up with changed settings');
      expect(up.output).not.toMatch(/replaced|deleted/);
      expect(await messageCount(SHOP, 'all_orders')).toBe(5);
      const q = await eventually(async () => {
        const queue = (await api<Queue>(`/queues/${SHOP}/all_orders`)).body;
        return queue.effective_policy_definition?.['max-length'] === 7000 ? queue : undefined;
      });
      expect(q.effective_policy_definition).toMatchObject({
        'max-length': 7000,
        'message-ttl': 3_600_000,
        overflow: 'reject-publish',
      });
    }, 600_000);

    it('an immutable change is refused, naming the queue and the change, and the broker is untouched', async () => {
      project.setConfig({
        'warren:overrides': {
          vhosts: {
            [SHOP]: {
              queues: RETYPED,
            },
          },
        },
      });
      const refused = project.pulumi('up', '--yes', '--skip-preview');
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain(`queue ${SHOP}/queue/all_orders: arguments.x-queue-type "quorum" → "classic"`);
      expect(refused.output).toContain('warren:allow.recreate');
      const preview = project.pulumi('preview');
      expect(preview.code).not.toBe(0);
      expect(preview.output).toContain(`queue ${SHOP}/queue/all_orders`);
      expect((await api<Queue>(`/queues/${SHOP}/all_orders`)).body.type).toBe('quorum');
      expect(await messageCount(SHOP, 'all_orders')).toBe(5);
    }, 600_000);

    it('with the explicit allowance the queue is re-declared and its bindings are restored', async () => {
      project.setConfig({ 'warren:allow': { recreate: [`${SHOP}/queue/all_orders`] } });
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'allowed up');
      expect((await api<Queue>(`/queues/${SHOP}/all_orders`)).body.type).toBe('classic');
      const bindings = (await api<Binding[]>(`/bindings/${SHOP}/e/orders/q/all_orders`)).body;
      expect(bindings.map((b) => b.routing_key)).toEqual(['order.#']);
      project.setConfig({ 'warren:allow': undefined });
      expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview after the allowed change');
    }, 600_000);
  });

  describe('drift', () => {
    it('a queue and a binding deleted by hand come back with refresh + up', async () => {
      await api(`/queues/${SHOP}/csv_reports`, 'DELETE');
      await api(`/bindings/${SHOP}/e/orders/q/us_orders/${enc('order.*.us')}`, 'DELETE');
      expect((await api(`/queues/${SHOP}/csv_reports`)).status).toBe(404);
      expectOk(project.pulumi('refresh', '--yes', '--skip-preview'), 'refresh');
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up after drift');
      expect((await api(`/queues/${SHOP}/csv_reports`)).status).toBe(200);
      expect((await api<Binding[]>(`/bindings/${SHOP}/e/reports/q/csv_reports`)).body).toHaveLength(1);
      expect((await api<Binding[]>(`/bindings/${SHOP}/e/orders/q/us_orders`)).body.map((b) => b.routing_key)).toEqual([
        'order.*.us',
      ]);
    }, 600_000);
  });

  describe('names that need escaping in management API paths', () => {
    // `/`, `?`, `#` and `%` in the names of a vhost, its objects and a user: each name one path segment, escaped.
    // In a topology file of their own (a file, not overrides: those are for what the topology declares).
    const NAMES = ['%2e', 'a/b', '?x', '#'];
    const file = () => join(project.dir, 'topology', 'odd-names.yaml');
    const write = (doc: object) => writeFileSync(file(), JSON.stringify({ version: 1, ...doc }));
    const objects = {
      exchanges: { '#': { type: 'topic' }, '?x': { type: 'fanout', internal: true }, 'a/b': { type: 'fanout' } },
      queues: { '%2e': { messageTtl: '1h' }, 'a/b': {}, '?x': {}, '#': {} },
      bindings: [
        { from: '#', to: '%2e', key: '?x' },
        { from: '#', to: '#', key: 'a/b' },
        { from: '#', to: '?x', key: '~' },
        { from: '#', toExchange: '?x', key: '%' },
        { from: '?x', to: '#' },
        // `/` in a binding's exchange or queue: @pulumi/rabbitmq splits binding ids at it, so with a resource per
        // object the binding and its ends go through a vhost group (docs/pulumi.md, "Names the provider cannot carry").
        { from: 'a/b', to: 'a/b' },
      ],
      policies: Object.fromEntries(
        ['a/b', '#'].map((name) => [name, { pattern: `^nothing-${name}$`, definition: { 'max-length': 5 } }]),
      ),
      operatorPolicies: { '?x': { pattern: '^nothing$', definition: { 'max-length': 5 } } },
    };
    const users = {
      [ODD_USER]: {
        limits: { maxConnections: 3 },
        permissions: { [ODD]: { configure: '.*', write: '.*', read: '.*' } },
        topicPermissions: { [ODD]: { '#': { write: '^k$', read: '.*' } } },
      },
    };
    const names = async (path: string) => (await api<{ name: string }[]>(path)).body.map((x) => x.name).sort();
    const queueIds = NAMES.map((n) => ids.object(ODD, 'queue', n));

    afterAll(() => rmSync(file(), { force: true }));

    it('are created, read back unchanged and deleted by their own names, in the vhost and one by one', async () => {
      write({ vhosts: { [ODD]: { description: 'odd names', ...objects } }, users });
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up with odd names');
      const v = enc(ODD);
      expect((await api<{ description: string }>(`/vhosts/${v}`)).body.description).toBe('odd names');
      expect(await names(`/queues/${v}`)).toEqual([...NAMES].sort());
      expect((await names(`/exchanges/${v}`)).filter((x) => x !== '' && !x.startsWith('amq.'))).toEqual(
        ['#', '?x', 'a/b'].sort(),
      );
      const bindings = (await api<Binding[]>(`/bindings/${v}`)).body.filter((b) => b.source !== '');
      expect(bindings.map((b) => `${b.source}>${b.destination}[${b.routing_key}]`).sort()).toEqual(
        objects.bindings.map((b) => `${b.from}>${'to' in b ? b.to : b.toExchange}[${b.key ?? ''}]`).sort(),
      );
      expect(await names(`/policies/${v}`)).toEqual(['#', 'a/b', 'warren.queue.%2e'].sort());
      expect(await names(`/operator-policies/${v}`)).toEqual(['?x']);
      expect((await api<{ value: object }[]>(`/user-limits/${enc(ODD_USER)}`)).body[0]!.value).toEqual({
        'max-connections': 3,
      });
      expect((await api(`/permissions/${v}/${enc(ODD_USER)}`)).status).toBe(200);
      expect((await api<object[]>(`/topic-permissions/${v}/${enc(ODD_USER)}`)).body).toHaveLength(1);
      // Read back (refresh) as declared: nothing to change.
      expectOk(project.pulumi('refresh', '--yes', '--skip-preview'), 'refresh of odd names');
      expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview after refresh of odd names');

      // Every object deleted by its own path; the vhost and the user (without its topic permissions) stay.
      const { topicPermissions: _, ...user } = users[ODD_USER]!;
      write({ vhosts: { [ODD]: { description: 'odd names' } }, users: { [ODD_USER]: user } });
      project.setConfig({ 'warren:allow': { delete: queueIds } });
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up deleting the odd objects');
      expect(await names(`/queues/${v}`)).toEqual([]);
      expect((await names(`/exchanges/${v}`)).filter((x) => x !== '' && !x.startsWith('amq.'))).toEqual([]);
      expect((await api<Binding[]>(`/bindings/${v}`)).body.filter((b) => b.source !== '')).toEqual([]);
      expect(await names(`/policies/${v}`)).toEqual([]);
      expect(await names(`/operator-policies/${v}`)).toEqual([]);
      expect((await api(`/vhosts/${v}`)).status).toBe(200);
      expect((await api<object[]>(`/topic-permissions/${v}/${enc(ODD_USER)}`)).status).toBe(404);

      rmSync(file());
      project.setConfig({ 'warren:allow': undefined });
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up deleting the odd vhost and user');
      expect((await api(`/vhosts/${v}`)).status).toBe(404);
      expect((await api(`/users/${enc(ODD_USER)}`)).status).toBe(404);
    }, 900_000);

    it('`.` and `..` are refused before anything is applied: no path can name them', async () => {
      const vhostsBefore = await names('/vhosts');
      const usersBefore = await names('/users');
      for (const doc of [
        { vhosts: { '..': { queues: { q: {} } } } },
        { vhosts: { [ODD]: { queues: { '.': {}, ok: {} } } } },
        { users: { '..': { tags: ['monitoring'] } } },
      ]) {
        write(doc);
        const refused = project.pulumi('up', '--yes', '--skip-preview');
        expect(refused.code).not.toBe(0);
        expect(refused.output).toContain('error unaddressable-name');
        expect(refused.output).toContain('nothing was changed');
      }
      expect(await names('/vhosts')).toEqual(vhostsBefore);
      expect(await names('/users')).toEqual(usersBefore);
      rmSync(file());
    }, 600_000);
  });

  // Registered only where asked (not skipped elsewhere): it stops the broker for every test running then.
  if (stopBroker) {
    describe('the broker stopped during an up', () => {
      it('fails with a clear error, and once the broker is back the next up converges with nothing duplicated', async () => {
        topologyFile('burst', burst);
        project.setConfig({
          'warren:overrides': {
            vhosts: {
              [SHOP]: {
                queues: RETYPED,
              },
            },
          },
        });
        const up = project.pulumiAsync('up', '--yes', '--skip-preview');
        try {
          await eventually(async () => ((await api(`/vhosts/${BURST}`)).status === 200 ? true : undefined), 60_000);
          project.rabbitmqctl('stop_app');
          const failed = await up;
          expect(failed.code).not.toBe(0);
          expect(failed.output).toMatch(/connection refused|ECONNREFUSED|EOF|connection reset|fetch failed/i);
          expect(failed.output).not.toMatch(/panic:|goroutine \d+ \[/);
        } finally {
          project.rabbitmqctl('start_app');
          await eventually(
            async () => ((await api('/overview').catch(() => ({ status: 0 }))).status === 200 ? true : undefined),
            120_000,
          );
        }
        const again = project.pulumi('up', '--yes', '--skip-preview');
        expectOk(again, 'up after the broker came back');
        expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview after convergence');
        const queues = (await api<Queue[]>(`/queues/${enc(BURST)}`)).body;
        expect(queues.map((q) => q.name).sort()).toEqual(Array.from({ length: 40 }, (_, i) => `q${i}`).sort());
        const bindings = (await api<Binding[]>(`/bindings/${enc(BURST)}`)).body.filter((b) => b.source === 'in');
        expect(bindings).toHaveLength(40);
        expect(new Set(bindings.map((b) => b.destination)).size).toBe(40);
      }, 900_000);
    });
  }

  describe('a crash in the middle of an up', () => {
    const queues = Array.from({ length: 60 }, (_, i) => `q${i}`);
    const crash = {
      [CRASH]: {
        exchanges: { in: { type: 'direct' } },
        queues: Object.fromEntries(queues.map((q) => [q, { messageTtl: '1h' }])),
        bindings: queues.map((q) => ({ from: 'in', to: q, key: q })),
      },
    };
    // What the steps before left in the overrides (and the burst vhost's file, when the broker was stopped).
    const shop = {
      [SHOP]: {
        queues: RETYPED,
      },
    };
    const ids = queues.map((q) => `${CRASH}/queue/${q}`);

    it('kill -9 of pulumi up halfway: cancel, then a plain up converges, with the state complete and nothing duplicated or lost', async () => {
      topologyFile('crash', crash);
      project.setConfig({ 'warren:overrides': { vhosts: shop }, 'warren:allow': undefined });
      const run = project.pulumiStart('up', '--yes', '--skip-preview');
      try {
        await eventually(async () => ((await api(`/vhosts/${CRASH}`)).status === 200 ? true : undefined), 120_000);
      } finally {
        run.kill();
      }
      expect((await run.done).code).not.toBe(0);
      // What docs/pulumi.md ("After a crash") tells users to do after a crash.
      expectOk(project.pulumi('cancel', '--yes'), 'cancel');
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up after the crash');
      expectOk(
        project.pulumi('refresh', '--yes', '--skip-preview', '--clear-pending-creates'),
        'refresh --clear-pending-creates',
      );
      expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview after recovery');
      // Every resource once in the state, and no pending operation left.
      const state = JSON.parse(project.stdout('stack', 'export')) as {
        deployment: { resources: { urn: string }[]; pending_operations?: unknown[] };
      };
      const urns = state.deployment.resources.map((r) => r.urn);
      expect(new Set(urns).size).toBe(urns.length);
      expect(state.deployment.pending_operations ?? []).toEqual([]);
      const live = (await api<Queue[]>(`/queues/${enc(CRASH)}`)).body;
      expect(live.map((q) => q.name).sort()).toEqual([...queues].sort());
      const bindings = (await api<Binding[]>(`/bindings/${enc(CRASH)}`)).body.filter((b) => b.source === 'in');
      expect(bindings.map((b) => `${b.destination}:${b.routing_key}`).sort()).toEqual(
        queues.map((q) => `${q}:${q}`).sort(),
      );
    }, 900_000);

    it('protect: a protected queue is not deleted, even when the stack allows it, until a deployment unprotects it', async () => {
      project.setConfig({ 'warren:protectQueues': true });
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up protecting queues');
      topologyFile('crash');
      project.setConfig({ 'warren:allow': { delete: ids } });
      const refused = project.pulumi('up', '--yes', '--skip-preview');
      expect(refused.code).not.toBe(0);
      expect(refused.output).toMatch(/protect/);
      expect((await api<Queue[]>(`/queues/${enc(CRASH)}`)).body).toHaveLength(queues.length);
      // Unprotect with the queues still in the topology, then remove them.
      topologyFile('crash', crash);
      project.setConfig({ 'warren:protectQueues': false, 'warren:allow': undefined });
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up unprotecting');
      topologyFile('crash');
      project.setConfig({ 'warren:allow': { delete: ids } });
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up deleting the unprotected queues');
      expect((await api(`/vhosts/${CRASH}`)).status).toBe(404);
      project.setConfig({ 'warren:allow': undefined });
    }, 900_000);
  });

  describe('secrets', () => {
    it('no clear-text password is in the state or in any output', () => {
      const state = project.stateText();
      const outputs = [project.pulumi('stack', 'output', '--json'), project.pulumi('preview', '--diff')]
        .map((r) => r.output)
        .join('\n');
      expect(state.length).toBeGreaterThan(1000);
      for (const [key, password] of Object.entries(project.passwords)) {
        if (key === 'managementPassword') continue; // "guest" also names the user
        expect(state.includes(password), `${key} in state`).toBe(false);
        expect(outputs.includes(password), `${key} in output`).toBe(false);
      }
      expect(state).toContain('ciphertext');
    }, 600_000);
  });

  describe('destroy', () => {
    it('refuses to delete queues that hold messages, unless the stack allowed it at its last up', async () => {
      const conn = await connect(SHOP);
      const ch = await conn.createChannel();
      ch.sendToQueue('unrouted_orders', Buffer.from('kept'));
      await ch.close();
      await conn.close();
      // The management API reports message counts from statistics collected every few seconds.
      await eventually(
        async () =>
          ((await api<{ messages?: number }>(`/queues/${SHOP}/unrouted_orders`)).body.messages ?? 0) > 0 || undefined,
        30_000,
      );
      const bindingsBefore = (await api<Binding[]>(`/bindings/${SHOP}`)).body.length;
      const refused = project.pulumi('destroy', '--yes', '--skip-preview');
      expect(refused.code).not.toBe(0);
      expect(refused.output).toContain('refusing to delete queues that hold messages: ');
      expect(refused.output).toMatch(new RegExp(`${SHOP}/unrouted_orders \\(\\d+ messages?\\)`));
      expect(refused.output).not.toMatch(/^\s+at /m);
      // Refused before anything was deleted: every managed object is still there.
      expect(await messageCount(SHOP, 'unrouted_orders')).toBeGreaterThan(0);
      expect((await api<Binding[]>(`/bindings/${SHOP}`)).body).toHaveLength(bindingsBefore);
      expect((await api<{ name: string }[]>(`/policies/${SHOP}`)).body.length).toBeGreaterThan(0);
      expect(refused.output).not.toMatch(/deleted \(/);
      project.setConfig({ 'warren:allow': { destroyNonEmpty: true } });
      expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up recording the allowance');
    }, 600_000);

    it('removes every managed object and leaves what it did not create', async () => {
      await api(`/vhosts/${PREFIX}unmanaged`, 'PUT', {});
      await api(`/queues/${PREFIX}unmanaged/hand-made`, 'PUT', { durable: true });
      expectOk(project.pulumi('destroy', '--yes', '--skip-preview'), 'destroy');
      expect((await api(`/vhosts/${SHOP}`)).status).toBe(404);
      expect((await api(`/vhosts/${OPS}`)).status).toBe(404);
      await expectNamesGone(names.vhost, names.user);
      expect((await api<{ name: string }[]>('/users')).body.filter((u) => u.name.startsWith(PREFIX))).toEqual([]);
      expect((await api(`/queues/${PREFIX}unmanaged/hand-made`)).status).toBe(200);
    }, 600_000);
  });
}
