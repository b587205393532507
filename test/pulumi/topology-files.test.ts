// The Topology component's files form, `new Topology(name, { files, overrides, allow, broker, secrets })`,
// under Pulumi's mocks: it loads as warren's program does (loadOrThrow: the same diagnostics, one
// RunError listing the errors with their positions, warnings logged once, the same plan and guard), and
// registers nothing when the topology is invalid or a secret is missing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import jsYaml from 'js-yaml';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { compilePlan } from '../../src/plan/compile-plan.js';
import { Topology } from '../../src/pulumi/create-topology.js';
import { secretKeys } from '../../src/plan/secret-keys.js';
import { loadOrThrow } from '../../src/pulumi/load-or-throw.js';
import { loadTopology } from '../../src/load-topology.js';
import { isSecret, mockPulumi, value } from '../support/pulumi-mocks.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TOPOLOGY = join(ROOT, 'topology');
const { registered, options, recorded } = await mockPulumi();

const BROKER = { url: 'http://127.0.0.1:15672', username: 'guest', password: 'guest' };
const SECRETS = { orderServicePassword: 'pw-o', notificationServicePassword: 'pw-n', workerPassword: 'pw-w' };

async function settled(t: Topology): Promise<void> {
  await Promise.all([
    value(t.destroyCheck.urn),
    ...[...t.registered.values()].flatMap((r) => r.resources.map((x) => value(x.urn))),
  ]);
}

/** A directory holding the given topology files. */
function topologyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'warren-files-form-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** What `fn` throws. */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('nothing was thrown');
}

const registeredUnder = (name: string) => registered.filter((r) => r.name.startsWith(`${name}/`));

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the files form', () => {
  const stagingOverrides = jsYaml.load(
    'vhosts:\n  shop:\n    queues:\n      debug_orders: {}\n    bindings:\n      - { from: orders, to: debug_orders, key: "#" }\n',
  );
  const t = new Topology(
    'files',
    {
      files: [TOPOLOGY],
      overrides: stagingOverrides,
      allow: { recreate: ['shop/queue/us_orders'], delete: ['shop/queue/gone'], destroyNonEmpty: true },
      broker: BROKER,
      secrets: SECRETS,
      protectQueues: true,
      granularity: 'object',
    },
    recorded,
  );
  beforeAll(() => settled(t));

  it('compiles the plan the program would: the same files, overrides and allowances', () => {
    const validation = loadTopology({ paths: [TOPOLOGY], overrides: { file: '<overrides>', data: stagingOverrides } });
    expect(validation.valid).toBe(true);
    const plan = compilePlan(validation.model, {
      allowRecreate: ['shop/queue/us_orders'],
      allowDelete: ['shop/queue/gone'],
    });
    expect(t.plan).toEqual(plan);
    expect(t.plan.guard.allowRecreate).toEqual(['shop/queue/us_orders']);
    expect(t.plan.guard.allowDelete).toEqual(['shop/queue/gone']);
    expect(t.registered.has('shop/queue/debug_orders')).toBe(true);
    expect(t.registered.size).toBe(plan.entries.length);
  });

  it('registers like the plan form: the same children, names and options', async () => {
    const plain = Topology.fromPlan(
      'planned',
      t.plan,
      {
        broker: { ...BROKER, password: pulumi.secret(BROKER.password) },
        secrets: Object.fromEntries(Object.entries(SECRETS).map(([k, v]) => [k, pulumi.secret(v)])),
        protectQueues: true,
        destroyNonEmpty: true,
        granularity: 'object',
      },
      recorded,
    );
    await settled(plain);
    const strip = (name: string, prefix: string) =>
      registeredUnder(name)
        .map((r) => `${r.type} ${r.name.slice(prefix.length)}`)
        .sort();
    expect(strip('files', 'files/')).toEqual(strip('planned', 'planned/'));
    expect(plain.registered.size).toBe(t.registered.size);
    expect(options.get('files/shop/queue/all_orders')?.protect).toBe(true);
    expect(options.get('files/shop/queue/us_orders')?.protect).toBe(false);
  });

  it('makes the broker password and the users passwords secrets, and honours allow.destroyNonEmpty', async () => {
    const provider = registered.find((r) => r.name === 'files/broker')!;
    expect(provider.inputs.password).toMatchObject({ [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig });
    const user = t.registered.get('user/order-service')!.resources[0] as unknown as {
      password: pulumi.Output<string>;
    };
    expect(await isSecret(user.password)).toBe(true);
    expect(await value(user.password)).toBe('pw-o');
    const check = registered.find((r) => r.name === 'files/destroy-check')!;
    expect(check.inputs.allowNonEmpty).toBe(true);
  });
});

describe('what stops the files form before anything is registered', () => {
  it('an invalid topology: one RunError listing every error at FILE:LINE:COL', () => {
    const dir = topologyDir({
      'bad.yaml':
        'version: 1\nvhosts:\n  v:\n    queues:\n      q: { type: quorum, maxPriority: 3 }\n    bindings:\n      - { from: nowhere, to: q }\n',
    });
    const error = thrown(() => new Topology('invalid', { files: [dir], broker: BROKER }, recorded));
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/^the topology or stack config is invalid; nothing was changed:\n/);
    expect(error.message).toContain(`${join(dir, 'bad.yaml')}:5:`);
    expect(error.message).toContain(`${join(dir, 'bad.yaml')}:7:`);
    expect(error.message.match(/: error /g)).toHaveLength(2);
    // No stack for the runner to format (validate-or-throw.ts, runError: Node 20.20's util.inspect would loop).
    expect(error.stack).toBe('');
    expect(registeredUnder('invalid')).toEqual([]);
    expect(registered.some((r) => r.name === 'invalid')).toBe(false);
  });

  it('a plan compiled elsewhere with names nothing could apply: refused before anything is registered', () => {
    const dir = topologyDir({ 'dots.yaml': 'version: 1\nvhosts:\n  v:\n    queues: { "..": {}, q@x: {} }\n' });
    const plan = compilePlan(loadTopology({ paths: [join(dir, 'dots.yaml')] }).model);
    const error = thrown(() =>
      Topology.fromPlan(
        'dots',
        plan,
        { broker: { ...BROKER, password: pulumi.secret('guest') }, secrets: {}, protectQueues: false },
        recorded,
      ),
    );
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(
      /^the plan holds names that cannot be applied; nothing was changed:\nv\/queue\/\.\.: /,
    );
    // q@x is not refused: it goes through a vhost group ("Names the provider cannot carry").
    expect(error.message).not.toContain('q@x');
    expect(registeredUnder('dots')).toEqual([]);
  });

  it('a path that matches no topology file', () => {
    const error = thrown(() => new Topology('nothing', { files: [join(ROOT, 'no-such-dir/')], broker: BROKER }));
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toBe(`files names paths with no topology files: ${join(ROOT, 'no-such-dir/')}`);
  });

  it('a secret the users need and the caller did not give, named', () => {
    const error = thrown(
      () =>
        new Topology('unsecret', { files: [TOPOLOGY], broker: BROKER, secrets: { workerPassword: 'pw' } }, recorded),
    );
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toContain('notificationServicePassword, orderServicePassword');
    expect(registeredUnder('unsecret')).toEqual([]);
  });

  it('a secret named like a member of every object (`constructor`) is given only when the caller gives it', () => {
    const dir = topologyDir({
      't.yaml': 'version: 1\nusers:\n  app:\n    password: { secret: constructor }\n',
    });
    const error = thrown(() => new Topology('member-secret', { files: [dir], broker: BROKER, secrets: {} }, recorded));
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toContain("not given (secrets: { key: value }), for users' passwords or URIs: constructor");
    expect(registeredUnder('member-secret')).toEqual([]);
  });

  it('overrides given in code that do not fit: their diagnostics name <overrides>', () => {
    const error = thrown(
      () =>
        new Topology('overridden', {
          files: [TOPOLOGY],
          overrides: { vhosts: { shop: { queuez: {} } } },
          broker: BROKER,
          secrets: SECRETS,
        }),
    );
    expect(error.message).toMatch(/\n<overrides>:1:1: error unknown-field: .*queuez/);
  });
});

describe('what the stack names that the topology or environment lacks', () => {
  afterEach(() => {
    delete process.env.WARREN_MAX_FILE_BYTES;
    delete process.env.WARREN_MANAGEMENT_TIMEOUT_MS;
  });

  it('an override naming a vhost the topology does not declare: one RunError at its place, nothing registered', () => {
    const error = thrown(
      () =>
        new Topology('typo', {
          files: [TOPOLOGY],
          overrides: { vhosts: { shpo: { queues: { extra: {} } } } },
          broker: BROKER,
          secrets: SECRETS,
        }),
    );
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/\n<overrides>:1:1: error unknown-vhost: vhost `shpo` .*`shop`/);
    expect(registeredUnder('typo')).toEqual([]);
  });

  it.each([
    ['WARREN_MAX_FILE_BYTES', '64k'],
    ['WARREN_MANAGEMENT_TIMEOUT_MS', '0'],
  ])('%s=%s: a RunError naming it, before anything is registered', (name, bad) => {
    process.env[name] = bad;
    const error = thrown(() => new Topology(`env-${name}`, { files: [TOPOLOGY], broker: BROKER, secrets: SECRETS }));
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toContain(`${name} must be a whole number`);
    expect(error.stack).toBe('');
    expect(registeredUnder(`env-${name}`)).toEqual([]);
  });

  it('the plan form checks what its dynamic providers will read, too', () => {
    const plan = loadOrThrow({ files: [TOPOLOGY] }).plan;
    process.env.WARREN_MANAGEMENT_TIMEOUT_MS = '30s';
    const error = thrown(() =>
      Topology.fromPlan('env-plan', plan, {
        broker: { ...BROKER, password: pulumi.output('guest') },
        secrets: {},
        protectQueues: false,
      }),
    );
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(error.message).toContain('WARREN_MANAGEMENT_TIMEOUT_MS must be a whole number of milliseconds');
    expect(registeredUnder('env-plan')).toEqual([]);
  });
});

describe('warnings', () => {
  it('are logged once, all in one message, and do not stop the topology', () => {
    const warn = vi.spyOn(pulumi.log, 'warn').mockImplementation(() => Promise.resolve());
    const dir = topologyDir({
      'warned.yaml':
        'version: 1\nvhosts:\n  v:\n    exchanges:\n      fan: { type: fanout }\n    queues:\n      a: {}\n      b: {}\n    bindings:\n      - { from: fan, to: a, key: x }\n      - { from: fan, to: b, key: y }\n',
    });
    const t = new Topology('warned', { files: [dir], broker: BROKER }, recorded);
    expect(warn).toHaveBeenCalledTimes(1);
    const message = warn.mock.calls[0]![0];
    expect(message.match(/warning key-ignored/g)).toHaveLength(2);
    expect(message).toContain(`${join(dir, 'warned.yaml')}:10:`);
    expect(t.registered.has('v/queue/a')).toBe(true);
  });
});

describe('loadOrThrow, what the files form and the program share', () => {
  it('reports a further check with the topology, and returns its result', () => {
    const diagnostic = {
      severity: 'error' as const,
      code: 'unknown-field' as const,
      message: 'from the check',
      file: 'stack.yaml',
      line: 3,
      col: 4,
      pointer: '/config/warren:cluster',
    };
    const error = thrown(() =>
      loadOrThrow({ files: [TOPOLOGY] }, { setting: 'warren:topology', check: () => ({ diagnostics: [diagnostic] }) }),
    );
    expect(error.message).toContain('stack.yaml:3:4: error unknown-field: from the check');
    const ok = loadOrThrow({ files: [TOPOLOGY] }, { check: () => ({ diagnostics: [], found: 42 }) });
    expect(ok.checked).toEqual({ diagnostics: [], found: 42 });
    expect(secretKeys(ok.plan)).toEqual(['notificationServicePassword', 'orderServicePassword', 'workerPassword']);
  });

  it('names the setting that named paths with no files', () => {
    expect(thrown(() => loadOrThrow({ files: ['no/such/'] }, { setting: 'warren:topology' })).message).toBe(
      'warren:topology names paths with no topology files: no/such/',
    );
  });
});
