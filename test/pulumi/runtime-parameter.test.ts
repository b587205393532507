// Federation upstreams, upstream sets and shovels: the warren:RuntimeParameter
// provider against a local HTTP server standing in for the management API
// (what it writes, how it splits what it reads, its diff, errors that never
// quote a URI), and their registration by the Topology component under
// Pulumi's mocks, in both granularities, with the URIs secret throughout.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { JsonMap, ParameterEntry, Plan } from '../../src/plan/plan-types.js';
import { Topology } from '../../src/pulumi/create-topology.js';
import { secretKeys } from '../../src/plan/secret-keys.js';
import {
  merged,
  runtimeParameterProvider as provider,
  split,
  withoutUris,
  type RuntimeParameterState,
} from '../../src/pulumi/dynamic/runtime-parameter.js';
import { loadTopology } from '../../src/load-topology.js';
import { isSecret, mockPulumi, value } from '../support/pulumi-mocks.js';
import { standInApi } from '../support/stand-in-api.js';

const ROOT = join(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const { registered, options, recorded } = await mockPulumi();

// Made up at run time, so that no password is written in this file either.
const FED_PASSWORD = `p@ss:/${Math.random().toString(36).slice(2)}`;
const SHOVEL_URI = `amqp://mover:${Math.random().toString(36).slice(2)}@remote.example/old`;

// --- the provider, against a stand-in management API ---------------------------------------

interface Request {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}
type Answer = { status: number; body: string };
let answer: (r: Request) => Answer = () => ({ status: 201, body: '' });
const requests: Request[] = [];
const api = standInApi(async (req, res) => {
  let text = '';
  for await (const chunk of req) text += chunk;
  const r = { method: req.method!, url: req.url!, body: text ? JSON.parse(text) : undefined };
  requests.push(r);
  const a = answer(r);
  res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
});
beforeEach(() => {
  requests.length = 0;
  answer = () => ({ status: 201, body: '' });
});

const state = (over: Partial<RuntimeParameterState> = {}): RuntimeParameterState => ({
  connection: { url: api.url, username: 'guest', password: 'guest' },
  component: 'shovel',
  vhost: 'e/a',
  name: 'move',
  value: { 'src-queue': 'orders', 'dest-exchange': 'orders', 'src-prefetch-count': 100 },
  uris: { 'src-uri': SHOVEL_URI, 'dest-uri': ['amqp:///new', 'amqp://h2/new'] },
  ...over,
});

describe('warren:RuntimeParameter', () => {
  it('writes value and URIs as one value, under the component, vhost and name (escaped)', async () => {
    const created = await provider.create!(state());
    expect(created.id).toBe('shovel/e/a/move');
    expect(requests).toEqual([
      {
        method: 'PUT',
        url: '/api/parameters/shovel/e%2Fa/move',
        body: {
          value: {
            'src-queue': 'orders',
            'dest-exchange': 'orders',
            'src-prefetch-count': 100,
            'src-uri': SHOVEL_URI,
            'dest-uri': ['amqp:///new', 'amqp://h2/new'],
          },
        },
      },
    ]);
  });

  it("writes an upstream set's list as it is", async () => {
    const set = state({ component: 'federation-upstream-set', value: [{ upstream: 'origin' }], uris: {} });
    await provider.update!('x', set, set);
    expect(requests[0]!.body).toEqual({ value: [{ upstream: 'origin' }] });
  });

  it('reads the value back split into value and URIs, so refresh shows drift per field', async () => {
    answer = () => ({
      status: 200,
      // As RabbitMQ answers: the parameter's component, vhost and name with its value.
      body: JSON.stringify({
        component: 'shovel',
        vhost: 'e/a',
        name: 'move',
        value: {
          'dest-exchange': 'orders',
          'dest-uri': ['amqp:///new'],
          'src-prefetch-count': 5,
          'src-queue': 'orders',
          'src-uri': SHOVEL_URI,
          'ack-mode': 'on-publish',
        },
      }),
    });
    const read = await provider.read!('shovel/e/a/move', state());
    expect(read.id).toBe('shovel/e/a/move');
    expect(read.props!.value).toEqual({
      'dest-exchange': 'orders',
      'src-prefetch-count': 5,
      'src-queue': 'orders',
      'ack-mode': 'on-publish',
    });
    expect(read.props!.uris).toEqual({ 'src-uri': SHOVEL_URI, 'dest-uri': ['amqp:///new'] });
    const diff = await provider.diff!('shovel/e/a/move', read.props as RuntimeParameterState, state());
    expect(diff).toMatchObject({ changes: true, replaces: [] });
  });

  it('takes no answer about another parameter for this one', async () => {
    answer = () => ({
      status: 200,
      body: JSON.stringify({ component: 'shovel', vhost: 'e', name: 'move', value: merged(state()) }),
    });
    await expect(provider.read!('shovel/e/a/move', state())).rejects.toThrow(/without the object asked for/);
  });

  it('drops from the state a parameter deleted by hand (the next up creates it again)', async () => {
    answer = () => ({ status: 404, body: '{"error":"Object Not Found"}' });
    expect(await provider.read!('shovel/e/a/move', state())).toEqual({ id: '', props: {} });
    await provider.delete!('shovel/e/a/move', state()); // already gone: no error
    expect(requests.map((r) => r.method)).toEqual(['GET', 'DELETE']);
  });

  it('sees no change when only key order differs, a change of any value or URI, and replaces on a new name', async () => {
    const s = state();
    const reordered = state({ value: Object.fromEntries(Object.entries(s.value).reverse()) as JsonMap });
    expect((await provider.diff!('id', s, reordered)).changes).toBe(false);
    expect((await provider.diff!('id', s, state({ uris: { ...s.uris, 'src-uri': 'amqp:///x' } }))).changes).toBe(true);
    expect((await provider.diff!('id', s, state({ value: { ...s.value, 'src-queue': 'x' } }))).changes).toBe(true);
    expect(await provider.diff!('id', s, state({ name: 'other' }))).toMatchObject({
      changes: true,
      replaces: ['name'],
    });
    const rotated = state({ connection: { ...s.connection, password: 'new' } });
    expect((await provider.diff!('id', s, rotated)).changes).toBe(true);
  });

  it("never quotes a URI in an error, however the broker's answer writes it", async () => {
    const uri = `amqp://fed:${encodeURIComponent(FED_PASSWORD)}@remote.example:abc/b`;
    // RabbitMQ breaks a long string over lines and escapes its answer for HTML.
    const quoted = `"${uri.slice(0, 20)}"\n        "${uri.slice(20)}"`.replace(/"/g, '&quot;');
    answer = () => ({
      status: 400,
      body: JSON.stringify({ error: 'bad_request', reason: `Validation failed\n\n${quoted} not a valid URI` }),
    });
    const error = (await provider.create!(state({ uris: { 'src-uri': uri } })).catch((e: Error) => e)) as Error;
    expect(error.message).toMatch(
      /PUT \/parameters\/shovel\/e%2Fa\/move answered 400: the broker's answer is not shown/,
    );
    for (const text of [error.message, String(error), error.stack ?? '']) {
      expect(text).not.toContain(encodeURIComponent(FED_PASSWORD));
      expect(text).not.toContain(FED_PASSWORD);
      expect(text).not.toContain('remote.example');
    }
  });

  it("keeps the broker's answer when it quotes no URI", async () => {
    answer = () => ({
      status: 400,
      body: JSON.stringify({ error: 'bad_request', reason: 'Unrecognised terms [{<<"queue-type">>,<<"quorum">>}]' }),
    });
    await expect(provider.create!(state())).rejects.toThrow(/answered 400: .*Unrecognised terms/);
  });

  it('withoutUris leaves out answers holding a password alone, decoded or encoded, or character codes', () => {
    const uris = { uri: `amqp://fed:${encodeURIComponent(FED_PASSWORD)}@h/b` };
    const at = 'RabbitMQ management API: PUT /x answered 400';
    expect(withoutUris(`${at}: bad password ${FED_PASSWORD}`, uris)).not.toContain(FED_PASSWORD);
    expect(withoutUris(`${at}: bad ${encodeURIComponent(FED_PASSWORD)}`, uris)).not.toContain(
      encodeURIComponent(FED_PASSWORD),
    );
    expect(withoutUris(`${at}: [97,109,113,112,58]`, uris)).not.toContain('[97');
    expect(withoutUris(`${at}: unknown field`, uris)).toBe(`${at}: unknown field`);
  });

  it('works as Pulumi runs it: serialized into the state and brought back (a captured Set would not be)', async () => {
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    const exports = new Function('exports', 'require', `${serialized.text}; return exports;`)({}, require);
    const revived = (exports[serialized.exportName] as () => typeof provider)();
    answer = () => ({
      status: 200,
      body: JSON.stringify({ component: 'shovel', vhost: 'e/a', name: 'move', value: merged(state()) }),
    });
    const read = await revived.read!('shovel/e/a/move', state());
    expect(read.props).toMatchObject({ value: state().value, uris: state().uris });
  });

  it('split takes every URI field the plugins read, and lists as lists', () => {
    expect(split({ uri: ['a', 'b'], 'max-hops': 1 }, {})).toEqual({
      value: { 'max-hops': 1 },
      uris: { uri: ['a', 'b'] },
    });
    expect(split([{ upstream: 'x' }], {})).toEqual({ value: [{ upstream: 'x' }], uris: {} });
  });
});

// --- registration ----------------------------------------------------------------------------

function examplePlan(): Plan {
  const validation = loadTopology({ paths: [join(ROOT, 'topology')] });
  expect(validation.valid).toBe(true);
  return compilePlan(validation.model, { allowRecreate: [], allowDelete: [] });
}

/** The example topology, with an upstream, an upstream set and a shovel in vhost shop, as the plan would hold them. */
function withParameters(plan: Plan): Plan {
  const upstream: ParameterEntry = {
    kind: 'parameter',
    id: 'shop/federation-upstream/origin',
    dependsOn: ['vhost/shop'],
    component: 'federation-upstream',
    vhost: 'shop',
    name: 'origin',
    value: { 'prefetch-count': 100, exchange: 'orders' },
    uris: {
      uri: [
        { kind: 'password', uri: 'amqp://fed@remote.example/b', key: 'fedPassword' },
        { kind: 'plain', uri: 'amqp:///ops' },
      ],
    },
  };
  const set = {
    kind: 'parameter',
    id: 'shop/federation-upstream-set/regions',
    dependsOn: ['vhost/shop', upstream.id],
    component: 'federation-upstream-set',
    vhost: 'shop',
    name: 'regions',
    value: [{ upstream: 'origin' }],
    uris: {},
  } as unknown as ParameterEntry;
  const shovel: ParameterEntry = {
    kind: 'parameter',
    id: 'shop/shovel/move',
    dependsOn: ['vhost/shop', 'shop/queue/all_orders'],
    component: 'shovel',
    vhost: 'shop',
    name: 'move',
    value: { 'src-queue': 'all_orders', 'dest-exchange': 'orders' },
    uris: { 'src-uri': { kind: 'plain', uri: 'amqp:///shop' }, 'dest-uri': { kind: 'secret', key: 'shovelUri' } },
  };
  return { ...plan, entries: [...plan.entries, upstream, set, shovel] };
}

const USER_SECRETS = ['orderServicePassword', 'notificationServicePassword', 'workerPassword'];
const BROKER = { url: 'http://127.0.0.1:15672', username: 'guest', password: pulumi.secret('guest') };
const ALL_SECRETS = {
  ...Object.fromEntries(USER_SECRETS.map((k) => [k, pulumi.secret(`pw-${k}`)])),
  fedPassword: pulumi.secret(FED_PASSWORD),
  shovelUri: pulumi.secret(SHOVEL_URI),
};

function topology(name: string, plan: Plan, granularity: 'object' | 'vhost' = 'object'): Topology {
  return Topology.fromPlan(
    name,
    plan,
    { broker: BROKER, secrets: ALL_SECRETS, protectQueues: false, granularity },
    recorded,
  );
}

async function settled(t: Topology): Promise<void> {
  await Promise.all([...t.registered.values()].flatMap((r) => r.resources.map((x) => value(x.urn))));
}

type Parameter = pulumi.CustomResource & { uris: pulumi.Output<unknown>; value: pulumi.Output<unknown> };

describe.each([
  ['object', undefined],
  ['vhost', 'vhost'],
] as const)('registering parameters, granularity %s', (granularity, setting) => {
  const plan = withParameters(examplePlan());
  const name = `params-${granularity}`;
  const t = topology(name, plan, setting);
  const resource = (id: string) => t.registered.get(id)!.resources[0] as Parameter;
  beforeAll(() => settled(t));

  it('registers each as a warren:RuntimeParameter of its own, named like the other children', async () => {
    for (const id of ['shop/federation-upstream/origin', 'shop/federation-upstream-set/regions', 'shop/shovel/move'])
      expect(await value(resource(id).urn)).toMatch(
        new RegExp(`warren:index:Topology\\$pulumi-nodejs:dynamic/warren:RuntimeParameter::${name}/${id}$`),
      );
    const shovel = registered.find((r) => r.name === `${name}/shop/shovel/move`)!;
    expect(shovel.inputs).toMatchObject({
      component: 'shovel',
      vhost: 'shop',
      name: 'move',
      value: { 'src-queue': 'all_orders', 'dest-exchange': 'orders' },
    });
    expect(await value(resource('shop/federation-upstream-set/regions').value)).toEqual([{ upstream: 'origin' }]);
  });

  it('waits for the guard and what the plan says, in a vhost group when the queue is in one', () => {
    const opts = options.get(`${name}/shop/shovel/move`)!;
    const deps = opts.dependsOn as pulumi.Resource[];
    expect(deps[0]).toBe(t.guard);
    expect(deps).toContain(t.registered.get('vhost/shop')!.resources[0]);
    const queue = t.registered.get('shop/queue/all_orders')!.resources[0]!;
    expect(deps).toContain(queue);
    if (setting) expect(queue).toBe(t.registered.get('shop/exchange/orders')!.resources[0]); // the group
    expect(options.get(`${name}/shop/federation-upstream-set/regions`)!.dependsOn).toContain(
      resource('shop/federation-upstream/origin'),
    );
    expect(opts.provider).toBeUndefined();
    expect(opts.parent).toBe(t);
  });

  it('resolves the URIs with the secrets they name, percent-encoding a password, as a secret', async () => {
    const upstream = resource('shop/federation-upstream/origin');
    expect(await isSecret(upstream.uris)).toBe(true);
    expect(await value(upstream.uris)).toEqual({
      uri: [`amqp://fed:${encodeURIComponent(FED_PASSWORD)}@remote.example/b`, 'amqp:///ops'],
    });
    const shovel = resource('shop/shovel/move');
    expect(await isSecret(shovel.uris)).toBe(true);
    expect(await value(shovel.uris)).toEqual({ 'src-uri': 'amqp:///shop', 'dest-uri': SHOVEL_URI });
  });

  it('hands the engine the URIs only as secrets: no clear password in any input', () => {
    for (const r of registered.filter((x) => x.name.startsWith(`${name}/`))) {
      const { uris, ...clear } = r.inputs as Record<string, unknown>;
      const text = JSON.stringify(clear);
      expect(text, r.name).not.toContain(encodeURIComponent(FED_PASSWORD));
      expect(text, r.name).not.toContain(FED_PASSWORD);
      expect(text, r.name).not.toContain(SHOVEL_URI);
      if (uris !== undefined && r.type.endsWith('warren:RuntimeParameter'))
        expect((uris as Record<string, unknown>)[pulumi.runtime.specialSigKey], r.name).toBe(
          pulumi.runtime.specialSecretSig,
        );
    }
    expect(options.get(`${name}/shop/shovel/move`)!.additionalSecretOutputs).toEqual(['connection', 'uris']);
  });

  it('keeps them out of the vhost group, and the destroy check after them', async () => {
    if (setting) {
      const group = t.registered.get('shop/queue/all_orders')!.resources[0] as unknown as {
        objects: pulumi.Output<unknown>;
      };
      const objects = JSON.stringify(await value(group.objects));
      expect(objects).not.toContain('origin');
      expect(objects).not.toContain(FED_PASSWORD);
    }
    const deps = options.get(`${name}/destroy-check`)!.dependsOn as pulumi.Resource[];
    expect(deps).toContain(resource('shop/shovel/move'));
  });
});

describe('secrets the URIs need', () => {
  it('are required like users’ passwords, by key', () => {
    expect(secretKeys(withParameters(examplePlan()))).toEqual([
      'notificationServicePassword',
      'orderServicePassword',
      'workerPassword',
      'fedPassword',
      'shovelUri',
    ]);
  });

  it('a missing one stops the registration, naming the key and nothing else', () => {
    const { fedPassword: _, ...rest } = ALL_SECRETS;
    expect(() =>
      Topology.fromPlan('missing', withParameters(examplePlan()), {
        broker: BROKER,
        secrets: rest,
        protectQueues: false,
      }),
    ).toThrow(/^no secret fedPassword was read for federation-upstream origin$/);
  });
});

describe('the files form, with format 1.1 (test/fixtures/valid/format-1.1.yaml)', () => {
  const files = [join(ROOT, 'test/fixtures/valid/format-1.1.yaml')];
  const secrets = { FED_URI: SHOVEL_URI, FED_PW: FED_PASSWORD };

  it('registers its upstreams, set and shovel as RuntimeParameters with their URIs resolved, secret', async () => {
    const t = new Topology('files-1-1', { files, broker: BROKER, secrets }, recorded);
    await settled(t);
    const ids = [...t.registered.keys()].filter((id) =>
      /\/(federation-upstream|federation-upstream-set|shovel)\//.test(id),
    );
    expect(ids.sort()).toEqual([
      'a/federation-upstream-set/regions',
      'a/federation-upstream/multi',
      'a/federation-upstream/origin',
      'a/shovel/move',
    ]);
    const multi = t.registered.get('a/federation-upstream/multi')!.resources[0] as Parameter;
    expect(await isSecret(multi.uris)).toBe(true);
    expect(await value(multi.uris)).toEqual({
      uri: ['amqp://fed@b1/b', SHOVEL_URI, `amqp://fed:${encodeURIComponent(FED_PASSWORD)}@b2/b`],
    });
    // The shovel waits for the queue it reads from.
    expect(options.get('files-1-1/a/shovel/move')!.dependsOn).toContain(t.registered.get('a/queue/jobs')!.resources[0]);
  });

  it('refuses to register anything when a secret a URI names is missing, naming the key only', () => {
    expect(
      () => new Topology('files-missing', { files, broker: BROKER, secrets: { FED_URI: SHOVEL_URI } }, recorded),
    ).toThrow(/the topology needs secrets that were not given .*: FED_PW$/);
    expect(registered.some((r) => r.name.startsWith('files-missing/'))).toBe(false);
  });
});
