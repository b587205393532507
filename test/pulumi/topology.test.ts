// The Pulumi layer under Pulumi's mocks (unit tests only; the real engine is
// exercised end to end elsewhere): resource types, names, inputs, parents,
// providers, dependencies, secret-ness and protect flags for every kind of object.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import * as rabbitmq from '@pulumi/rabbitmq';
import { beforeAll, describe, expect, it } from 'vitest';
import { findFiles } from '../../src/load/find-files.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { Plan } from '../../src/plan/plan-types.js';
import { Topology } from '../../src/pulumi/create-topology.js';
import { readStackOverrides } from '../../src/cli/read-stack.js';
import { loadTopology } from '../../src/load-topology.js';
import { isSecret, mockPulumi, value } from '../support/pulumi-mocks.js';

const ROOT = join(import.meta.dirname, '..', '..');
const { registered, options, recorded } = await mockPulumi();

/** Resolves once every resource of the component has been registered with the (mock) engine. */
async function settled(t: Topology): Promise<void> {
  await Promise.all([...t.registered.values()].flatMap((r) => r.resources.map((x) => value(x.urn))));
}

function planFor(stack?: string, allowRecreate: string[] = []): Plan {
  const files = findFiles([join(ROOT, 'topology')]).files;
  const validation = loadTopology({
    paths: files,
    overrides: stack ? readStackOverrides(join(ROOT, stack)) : undefined,
  });
  expect(validation.valid).toBe(true);
  return compilePlan(validation.model, { allowRecreate, allowDelete: [] });
}

const SECRETS = ['orderServicePassword', 'notificationServicePassword', 'workerPassword'];
const BROKER = { url: 'http://127.0.0.1:15672', username: 'guest', password: pulumi.secret('guest') };

/** Each test's topology has a name of its own, so its children's names (and recorded options) are its own. */
function topology(
  name: string,
  plan: Plan,
  protectQueues = false,
  granularity: 'object' | 'vhost' = 'object',
): Topology {
  return Topology.fromPlan(
    name,
    plan,
    {
      broker: BROKER,
      secrets: Object.fromEntries(SECRETS.map((k) => [k, pulumi.secret(`pw-${k}`)])),
      protectQueues,
      granularity,
    },
    recorded,
  );
}

/** The options a child of topology `t` was registered with. */
const optionsOf = (t: string, id: string) => options.get(`${t}/${id}`)!;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the topology component', () => {
  const plan = planFor();
  const t = topology('topology', plan);
  const resourceOf = (id: string) => t.registered.get(id)!.resources[0]!;
  beforeAll(() => settled(t));

  it('registers every plan entry under its id, named after the topology, with the type for its kind', async () => {
    const types: Record<string, string> = {};
    for (const [id, { resources }] of t.registered) {
      types[id] = (await value(resources[0]!.urn)).split('::')[2]!.split('$').pop()!;
      expect(await value(resources[0]!.urn)).toMatch(new RegExp(`::topology/${escapeRegExp(id)}$`));
    }
    expect(types['vhost/shop']).toBe('rabbitmq:index/vHost:VHost');
    expect(types['shop/exchange/orders']).toBe('rabbitmq:index/exchange:Exchange');
    expect(types['shop/queue/order_processor']).toBe('rabbitmq:index/queue:Queue');
    expect(types['shop/binding/orders>queue:all_orders[order.#]']).toBe('rabbitmq:index/binding:Binding');
    expect(types['shop/policy/queue-length-cap']).toBe('rabbitmq:index/policy:Policy');
    expect(types['shop/queue-settings/order_processor']).toBe('rabbitmq:index/policy:Policy');
    expect(types['shop/operator-policy/cap-length']).toBe('rabbitmq:index/operatorPolicy:OperatorPolicy');
    expect(types['user/order-service']).toBe('rabbitmq:index/user:User');
    expect(types['user/ops-readonly']).toBe('pulumi-nodejs:dynamic/warren:UserAccount');
    expect(types['shop/permissions/order-service']).toBe('rabbitmq:index/permissions:Permissions');
    expect(types['shop/topic-permissions/order-service']).toBe('rabbitmq:index/topicPermissions:TopicPermissions');
    expect(t.registered.size).toBe(plan.entries.length);
  });

  it('parents every resource to the component, whose broker provider the bridged ones inherit', async () => {
    for (const { resources } of t.registered.values())
      for (const r of resources) expect(await value(r.urn)).toContain('warren:index:Topology$');
    const provider = (name: string) => registered.find((r) => r.name === name)!.provider;
    expect(provider('topology/shop/queue/order_processor')).toMatch(
      /::pulumi:providers:rabbitmq::topology\/broker::topology\/broker-id$/,
    );
    // Dynamic resources run in the program, with the default dynamic provider.
    expect(provider('topology/user/ops-readonly')).toBeFalsy();
    for (const name of ['topology/queue-guard', 'topology/destroy-check', 'topology/vhost/shop/settings'])
      expect(registered.some((r) => r.name === name)).toBe(true);
    // No child is given a provider of its own: the convention is inheritance (RabbitCluster's too).
    for (const [name, opts] of options) if (name.startsWith('topology/')) expect(opts.provider, name).toBeUndefined();
  });

  it('aliases nothing unless asked (aliasUnprefixed)', () => {
    for (const [name, opts] of options) if (name.startsWith('topology/')) expect(opts.aliases, name).toBeUndefined();
  });

  it('declares queues with immutable arguments only, deleting before replacing', async () => {
    const q = registered.find((r) => r.name === 'topology/shop/queue/order_processor')!;
    expect(q.inputs).toMatchObject({
      name: 'order_processor',
      vhost: 'shop',
      settings: { durable: true, autoDelete: false, arguments: { 'x-queue-type': 'quorum' } },
    });
    expect(optionsOf('topology', 'shop/queue/order_processor')).toMatchObject({
      deleteBeforeReplace: true,
      protect: false,
    });
  });

  it('puts changeable settings in a policy whose definition values are strings for the provider', () => {
    const p = registered.find((r) => r.name === 'topology/shop/queue-settings/order_processor')!;
    expect(p.inputs).toMatchObject({
      name: 'warren.queue.order_processor',
      vhost: 'shop',
      policy: {
        pattern: '^order_processor$',
        applyTo: 'queues',
        priority: 2,
        definition: {
          'message-ttl': '60000',
          'delivery-limit': '5',
          'dead-letter-exchange': 'dlx',
          'dead-letter-routing-key': 'order_processor.dead',
        },
      },
    });
  });

  it('makes every resource wait for the guard, and each for its plan dependencies', () => {
    for (const id of t.registered.keys()) {
      const deps = optionsOf('topology', id).dependsOn as pulumi.Resource[];
      expect(deps[0], id).toBe(t.guard);
      const entry = plan.entries.find((e) => e.id === id)!;
      for (const d of entry.dependsOn) expect(deps, `${id} → ${d}`).toContain(t.registered.get(d)!.resources[0]);
    }
  });

  it('binds to the outputs of managed ends, so that re-declaring an end re-creates its bindings', async () => {
    const b = t.registered.get('shop/binding/orders>queue:all_orders[order.#]')!
      .resources[0] as pulumi.CustomResource & { source: pulumi.Output<string>; destination: pulumi.Output<string> };
    expect([await value(b.source), await value(b.destination)]).toEqual(['orders', 'all_orders']);
    const headers = registered.find((r) => r.name.startsWith('topology/shop/binding/reports>queue:pdf_reports'))!;
    // All strings: a string map, the form the provider reads back (a number would make it JSON).
    expect(headers.inputs.arguments).toEqual({ format: 'pdf', type: 'report', 'x-match': 'all' });
    expect(headers.inputs.argumentsJson).toBeUndefined();
  });

  it('keeps passwords, hashes and broker credentials secret', async () => {
    const user = resourceOf('user/order-service') as unknown as { password: pulumi.Output<string> };
    expect(await isSecret(user.password)).toBe(true);
    expect(await value(user.password)).toBe('pw-orderServicePassword');
    const hashed = resourceOf('user/ops-readonly') as unknown as {
      passwordHash: pulumi.Output<string>;
      connection: pulumi.Output<unknown>;
    };
    expect(await isSecret(hashed.passwordHash)).toBe(true);
    expect(await isSecret(hashed.connection)).toBe(true);
  });

  it('fills what the provider lacks with dynamic resources: vhost settings, user limits', async () => {
    const settings = t.registered.get('vhost/shop')!.resources[1] as unknown as {
      limits: pulumi.Output<unknown>;
      description: pulumi.Output<string>;
    };
    expect(await value(settings.limits)).toEqual({ maxConnections: 500, maxQueues: 1000 });
    expect(await value(settings.description)).toBe('Order processing');
    const limits = t.registered.get('user/order-service')!.resources[1] as unknown as {
      limits: pulumi.Output<unknown>;
    };
    expect(await value(limits.limits)).toEqual({ maxConnections: 50, maxChannels: 200 });
  });

  it('hands the guard every queue fingerprint and the allowances', async () => {
    const guard = t.guard as unknown as {
      queues: pulumi.Output<Record<string, string>>;
      allowRecreate: pulumi.Output<string[]>;
    };
    expect(Object.keys(await value(guard.queues)).sort()).toEqual(
      plan.entries
        .filter((e) => e.kind === 'queue')
        .map((e) => e.id)
        .sort(),
    );
    expect(await value(guard.allowRecreate)).toEqual([]);
  });

  it('registers the destroy check after every queue (destroy deletes it first), refusing non-empty queues by default', async () => {
    const check = t.destroyCheck as unknown as {
      queues: pulumi.Output<Record<string, string[]>>;
      allowNonEmpty: pulumi.Output<boolean>;
      connection: pulumi.Output<unknown>;
    };
    const queues = plan.entries.flatMap((e) => (e.kind === 'queue' ? [e] : []));
    const byVhost = Object.entries(await value(check.queues));
    expect(byVhost.flatMap(([vhost, names]) => names.map((n) => `${vhost}/${n}`)).sort()).toEqual(
      queues.map((q) => `${q.vhost}/${q.name}`).sort(),
    );
    expect(await value(check.allowNonEmpty)).toBe(false);
    expect(await isSecret(check.connection)).toBe(true);
    const dependsOn = optionsOf('topology', 'destroy-check').dependsOn as pulumi.Resource[];
    for (const q of queues) expect(dependsOn, q.id).toContain(t.registered.get(q.id)!.resources[0]);
  });
});

describe('granularity vhost', () => {
  const plan = planFor('stacks/Pulumi.production.yaml');
  const t = topology('by-vhost', plan, true, 'vhost');
  beforeAll(() => settled(t));

  it('registers one VHostObjects resource per vhost for its exchanges, queues, bindings and policies; vhosts, users and permissions stay their own', async () => {
    const groups = new Set(
      [...t.registered.entries()]
        .filter(([id]) => /\/(exchange|queue|binding|policy|queue-settings|operator-policy)\//.test(id))
        .map(([, r]) => r.resources[0]),
    );
    expect(groups.size).toBe(plan.entries.filter((e) => e.kind === 'vhost').length);
    for (const g of groups)
      expect(await value(g!.urn)).toMatch(/warren:VHostObjects::by-vhost\/vhost\/[^/]+\/objects$/);
    const shop = t.registered.get('shop/queue/order_processor')!.resources[0] as unknown as {
      objects: pulumi.Output<{ queues: Record<string, unknown> }>;
      connection: pulumi.Output<unknown>;
    };
    expect(Object.keys((await value(shop.objects)).queues)).toContain('order_processor');
    expect(await isSecret(shop.connection)).toBe(true);
    expect(await value(t.registered.get('vhost/shop')!.resources[0]!.urn)).toMatch(
      /rabbitmq:index\/vHost:VHost::by-vhost\/vhost\/shop$/,
    );
    expect(await value(t.registered.get('user/order-service')!.resources[0]!.urn)).toMatch(/rabbitmq:index\/user:User/);
  });

  it('waits for the guard and the vhost, is protected while it holds a protected queue, and records its granularity in the guard', async () => {
    const opts = optionsOf('by-vhost', 'vhost/shop/objects');
    expect(opts.protect).toBe(true);
    expect(opts.dependsOn).toEqual([t.guard, t.registered.get('vhost/shop')!.resources[0]]);
    expect(await value((t.guard as unknown as { granularity: pulumi.Output<string> }).granularity)).toBe('vhost');
    expect(optionsOf('by-vhost', 'shop/permissions/order-service').dependsOn).toContain(t.guard);
  });
});

describe('several topologies in one stack', () => {
  const plan = planFor();
  const settings = {
    broker: BROKER,
    secrets: Object.fromEntries(SECRETS.map((k) => [k, pulumi.secret(`pw-${k}`)])),
    protectQueues: false,
    granularity: 'object' as const,
  };
  const shared = new rabbitmq.Provider('shared', {
    endpoint: BROKER.url,
    username: 'guest',
    password: BROKER.password,
  });
  const given = Topology.fromPlan('given', plan, settings, { ...recorded, providers: [shared] });
  // The plan form's args, as fromPlan passes them: one constructor signature for both forms.
  const legacy = new Topology('legacy', { plan, ...settings, aliasUnprefixed: true }, recorded);
  beforeAll(() => Promise.all([settled(given), settled(legacy)]));

  it('register no URN twice: children are named after their topology', () => {
    const urns = registered.map((r) => `${r.type}::${r.name}`);
    expect(new Set(urns).size).toBe(urns.length);
    expect(registered.filter((r) => r.name.startsWith('given/'))).toHaveLength(
      registered.filter((r) => r.name.startsWith('topology/')).length - 1, // no broker provider of its own
    );
  });

  it("hand a caller's rabbitmq provider (opts.providers) down to the children instead of making one", () => {
    expect(registered.some((r) => r.name === 'given/broker')).toBe(false);
    const queue = registered.find((r) => r.name === 'given/shop/queue/order_processor')!;
    expect(queue.provider).toMatch(/::pulumi:providers:rabbitmq::shared::shared-id$/);
  });

  it('with aliasUnprefixed, alias each child and the provider to the name warren gave it before', async () => {
    const children = [...options].filter(([name]) => name.startsWith('legacy/') && name !== 'legacy/broker');
    expect(children.length).toBeGreaterThan(plan.entries.length);
    for (const [name, opts] of children) expect(opts.aliases, name).toEqual([{ name: name.slice('legacy/'.length) }]);
    const [alias] = options.get('legacy/broker')!.aliases as pulumi.Alias[];
    expect(alias!.name).toBe('broker');
    expect(await value(pulumi.output(alias!.parent as pulumi.Input<string>))).toBe(
      'urn:pulumi:test::warren::warren:index:Topology::legacy',
    );
  });
});

describe('stack differences', () => {
  it('protects queues where the stack asks, except those allowed to be re-declared', () => {
    const t = topology('production', planFor('stacks/Pulumi.production.yaml', ['shop/queue/us_orders']), true);
    expect(optionsOf('production', 'shop/queue/all_orders').protect).toBe(true);
    expect(optionsOf('production', 'shop/queue/us_orders').protect).toBe(false);
    expect(t.registered.has('user/ops-readonly')).toBe(false);
  });

  it('staging registers its extra queue and binding', () => {
    const t = topology('staging', planFor('stacks/Pulumi.staging.yaml'));
    expect(t.registered.has('shop/queue/debug_orders')).toBe(true);
    expect(t.registered.has('shop/binding/orders>queue:debug_orders[#]')).toBe(true);
  });
});

describe('kinds the example lacks (test/fixtures/valid/every-kind.yaml)', () => {
  const validation = loadTopology({ paths: [join(ROOT, 'test/fixtures/valid/every-kind.yaml')] });
  const t = Topology.fromPlan('every-kind', compilePlan(validation.model), {
    broker: { url: 'http://127.0.0.1:15672', username: 'guest', password: pulumi.secret('guest') },
    secrets: { adminPassword: pulumi.secret('pw-admin') },
    protectQueues: false,
    granularity: 'object',
  });
  beforeAll(() => settled(t));
  const typeOf = async (id: string) =>
    (await value(t.registered.get(id)!.resources[0]!.urn)).split('::')[2]!.split('$').pop();

  it('declares internal exchanges, passwordless users and exchange-to-exchange bindings', async () => {
    expect(validation.valid).toBe(true);
    expect(await typeOf('shop/exchange/unrouted')).toBe('pulumi-nodejs:dynamic/warren:InternalExchange');
    expect(await typeOf('shop/exchange/orders')).toBe('rabbitmq:index/exchange:Exchange');
    expect(await typeOf('user/certificate-only')).toBe('pulumi-nodejs:dynamic/warren:UserAccount');
    const certificate = t.registered.get('user/certificate-only')!.resources[0] as unknown as {
      passwordHash: pulumi.Output<string>;
    };
    expect(await value(certificate.passwordHash)).toBe('');
    const e2e = registered.find((r) => r.name === 'every-kind/shop/binding/orders>exchange:delayed[#]')!;
    expect(e2e.inputs).toMatchObject({
      source: 'orders',
      destination: 'delayed',
      destinationType: 'exchange',
      routingKey: '#',
    });
    const builtin = registered.find((r) => r.name.startsWith('every-kind/shop/binding/amq.topic>queue:caught'))!;
    expect(builtin.inputs).toMatchObject({ source: 'amq.topic', destination: 'caught' });
  });

  it('writes vhost metadata including the default queue type, and operator policies', async () => {
    const settings = t.registered.get('vhost/shop')!.resources[1] as unknown as {
      defaultQueueType: pulumi.Output<string>;
      tags: pulumi.Output<string[]>;
    };
    expect(await value(settings.defaultQueueType)).toBe('quorum');
    expect(await value(settings.tags)).toEqual(['production', 'eu']);
    expect(await typeOf('shop/operator-policy/cap')).toBe('rabbitmq:index/operatorPolicy:OperatorPolicy');
  });
});

describe('names @pulumi/rabbitmq cannot carry (names are data)', () => {
  const planOf = (yaml: string, allowed: readonly string[] = []) => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-names-'));
    writeFileSync(join(dir, 't.yaml'), yaml);
    const validation = loadTopology({ paths: [join(dir, 't.yaml')] });
    const errors = validation.diagnostics.filter((d) => d.severity === 'error' && !allowed.includes(d.code));
    expect(errors, JSON.stringify(validation.diagnostics)).toEqual([]);
    return compilePlan(validation.model);
  };
  const HASH = 'e5o+Zuc1kFUDKmvz9FBCvfNh6+034tz+47T/A3aUDWUcX8VZ';
  const plan = planOf(
    [
      'version: 1',
      'vhosts:',
      '  v:',
      '    exchanges:',
      '      "a/b": { type: direct }',
      '      x: { type: headers, arguments: { __proto__: p } }',
      '      y: { type: headers }',
      '    queues: { "q@r": { messageTtl: 1s }, plain: {}, other: {}, "to/slash": {} }',
      '    bindings:',
      '      - { from: "a/b", to: plain }',
      '      - { from: y, to: "q@r" }',
      '      - { from: x, to: other, headers: { toString: t } }',
      'users:',
      '  "u@example.com":',
      `    password: { hash: "${HASH}" }`,
      '    permissions: { v: { configure: "", write: "", read: ".*" } }',
      '    topicPermissions: { v: { x: { write: ".*", read: "" } } }',
      '',
    ].join('\n'),
  );
  const t = topology('names', plan);
  beforeAll(() => settled(t));
  const typeOf = async (id: string) =>
    (await value(t.registered.get(id)!.resources[0]!.urn)).split('::')[2]!.split('$').pop()!;

  it('puts the objects whose provider id would split at @ or / into a vhost group, with what their bindings connect', async () => {
    const group = 'pulumi-nodejs:dynamic/warren:VHostObjects';
    for (const id of [
      'v/queue/q@r',
      'v/queue-settings/q@r',
      'v/binding/y>queue:q@r[]',
      'v/exchange/y',
      'v/binding/a%2Fb>queue:plain[]',
      'v/exchange/a%2Fb',
      'v/queue/plain',
    ])
      expect(await typeOf(id), id).toBe(group);
    const objects = registered.find((r) => r.name === 'names/vhost/v/objects')!.inputs.objects as Record<
      string,
      object
    >;
    expect(Object.keys(objects.queues!).sort()).toEqual(['plain', 'q@r']);
    expect(Object.keys(objects.exchanges!).sort()).toEqual(['a/b', 'y']);
    expect(Object.keys(objects.bindings!)).toHaveLength(2);
    expect(Object.keys(objects.policies!)).toEqual(['warren.queue.q@r']);
    // Each object crosses the wire as its canonical JSON text (plan/object-texts.ts).
    expect(JSON.parse((objects.queues as Record<string, string>)['q@r']!)).toMatchObject({ durable: true });
    // Everything else as before.
    expect(await typeOf('v/queue/to%2Fslash')).toBe('rabbitmq:index/queue:Queue');
    expect(await typeOf('v/queue/other')).toBe('rabbitmq:index/queue:Queue');
    expect(await typeOf('v/binding/x>queue:other[] {"toString":"t","x-match":"all"}')).toBe(
      'rabbitmq:index/binding:Binding',
    );
  });

  it('gives permissions of a user named with @ a resource that keeps user and vhost apart', async () => {
    expect(await typeOf('v/permissions/u@example.com')).toBe('pulumi-nodejs:dynamic/warren:UserPermissions');
    expect(await typeOf('v/topic-permissions/u@example.com')).toBe('pulumi-nodejs:dynamic/warren:UserPermissions');
    const topic = registered.find((r) => r.name === 'names/v/topic-permissions/u@example.com')!;
    expect(topic.inputs).toMatchObject({ vhost: 'v', topicPermissions: [{ exchange: 'x', write: '.*', read: '' }] });
  });

  it('sends arguments @pulumi/rabbitmq would lose as JSON, or through the dynamic exchange', async () => {
    expect(await typeOf('v/exchange/x')).toBe('pulumi-nodejs:dynamic/warren:InternalExchange');
    const exchange = registered.find((r) => r.name === 'names/v/exchange/x')!;
    expect(exchange.inputs).toMatchObject({ internal: false, arguments: { '%__proto__': 'p' } });
    const binding = registered.find(
      (r) => r.name === 'names/v/binding/x>queue:other[] {"toString":"t","x-match":"all"}',
    )!;
    expect(binding.inputs.arguments).toEqual({ toString: 't', 'x-match': 'all' });
  });

  it('refuses, before registering anything, a policy key @pulumi/rabbitmq would drop', () => {
    // validate refuses an unknown policy key first (policy-unknown-key); a plan made otherwise still stops here.
    const bad = planOf(
      [
        'version: 1',
        'vhosts:',
        '  v:',
        '    policies:',
        '      p: { pattern: x, definition: { __proto__: 1 } }',
        '',
      ].join('\n'),
      ['policy-unknown-key'],
    );
    expect(() => topology('refused', bad)).toThrow(
      /nothing was changed: .*policy p in vhost v: definition keys "__proto__"/,
    );
    expect(registered.some((r) => r.name.startsWith('refused/'))).toBe(false);
  });
});
