// warren as a package, end to end: `npm pack` (prepack builds, in a copy of the
// sources, so this worktree's dist/ is never rewritten under a running test),
// the tarball installed into a scratch Pulumi project outside the repository
// beside @pulumi/pulumi and @pulumi/rabbitmq at the pinned versions, and a
// program of that project's own — `new Topology('shop', { files: ['topology/'], … })`,
// plain JavaScript, no build step — run by the real engine against the local
// broker: an invalid topology stops `pulumi up` with its FILE:LINE:COL and
// nothing created, then up, a no-op preview and destroy. The command works
// from the install (`npx warren`), and each dynamic resource's `__provider` in
// the state is a small loader of the installed `warren/providers`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connect, enc, eventually } from './support/broker.js';
import { E2EProject, expectOk, ROOT } from './support/e2e-project.js';
import { packWarren } from './support/pack-warren.js';

const PREFIX = 'e2k-';
const SHOP = `${PREFIX}shop`;
const OPS = `${PREFIX}ops`;
const APP = `${PREFIX}app`;
const MONITOR = `${PREFIX}monitor`;
const VERSIONS = JSON.parse(readFileSync(join(ROOT, 'toolchain/versions.json'), 'utf8')) as {
  pulumi: { version: string };
  rabbitmqProvider: { version: string };
};
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };

/** The shop: one resource per object; a warning (a key on a fanout binding); every per-object dynamic provider. */
const SHOP_YAML = `version: 1
vhosts:
  ${SHOP}:
    description: The package test's shop
    exchanges:
      orders: { type: topic }
      fan: { type: fanout }
      unrouted: { type: fanout, internal: true }
    queues:
      order_processor: { type: quorum }
      audit: { messageTtl: 1h }
    bindings:
      - { from: orders, to: order_processor, key: "order.*" }
      - { from: orders, to: audit, key: "#" }
      - { from: fan, to: audit, key: ignored }
users:
  ${APP}:
    password: { secret: appPassword }
    limits: { maxConnections: 5 }
    permissions:
      ${SHOP}: { configure: "", write: "^orders$", read: "^order_processor$" }
  ${MONITOR}:
    tags: [monitoring]
`;

/** A second topology in the same stack, one resource per vhost (the VHostObjects provider). */
const OPS_YAML = `version: 1
vhosts:
  ${OPS}:
    exchanges:
      logs: { type: direct }
    queues:
      errors: {}
    bindings:
      - { from: logs, to: errors, key: error }
`;

/** The scratch project's own program: plain JavaScript (an ES module), warren from node_modules. */
const PROGRAM = `import * as pulumi from '@pulumi/pulumi';
import { Topology } from 'warren';

const config = new pulumi.Config();
const broker = { url: 'http://127.0.0.1:15672', username: 'guest', password: config.requireSecret('brokerPassword') };
const shop = new Topology('shop', {
  files: ['topology/'],
  broker,
  secrets: { appPassword: config.requireSecret('appPassword') },
  overrides: { vhosts: { '${SHOP}': { queues: { audit: { messageTtl: '2h' } } } } },
  granularity: 'object',
});
const ops = new Topology('ops', { files: ['ops/*.yaml'], broker }); // the default granularity, vhost

export const managedObjects = shop.plan.entries.length + ops.plan.entries.length;
export const guard = shop.guard.urn;
`;

const APP_PASSWORD = `pw-${Date.now().toString(36)}-package`;

/** How long each step took, printed at the end. */
const timings: [string, number][] = [];
function timed<T>(step: string, fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    timings.push([step, Math.round(performance.now() - start)]);
  }
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, stdout: result.stdout, output: `${result.stdout}\n${result.stderr}` };
}

function ok(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv) {
  const result = run(command, args, cwd, env);
  if (result.code !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.code}):\n${result.output.slice(-4000)}`);
  return result;
}

async function clearBroker(): Promise<void> {
  await Promise.all([
    ...[SHOP, OPS].map((v) => api(`/vhosts/${enc(v)}`, 'DELETE')),
    ...[APP, MONITOR].map((u) => api(`/users/${enc(u)}`, 'DELETE')),
  ]);
}

// Each step runs the real engine (or npm), on 2 busy cores.
describe('warren installed from its packed tarball into a Pulumi project of its own', { timeout: 600_000 }, () => {
  const project = new E2EProject({ 'shop.yaml': SHOP_YAML }, PREFIX, {
    files: {
      'package.json': JSON.stringify({
        name: 'shop-e2k',
        private: true,
        type: 'module',
        main: 'index.mjs',
        dependencies: {
          '@pulumi/pulumi': VERSIONS.pulumi.version,
          '@pulumi/rabbitmq': VERSIONS.rabbitmqProvider.version,
        },
      }),
      'index.mjs': PROGRAM,
      'Pulumi.yaml':
        'name: shop-e2k\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nstackConfigDir: stacks\n',
      'ops/ops.yaml': OPS_YAML,
    },
  });
  const tarballs = mkdtempSync(join(tmpdir(), 'warren-pack-'));

  beforeAll(async () => {
    await clearBroker();
    const tarball = timed('npm pack (prepack: npm run build)', () => packWarren(tarballs));
    timed('npm install of the tarball', () =>
      ok('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], project.dir),
    );
  }, 900_000);

  afterAll(async () => {
    if (existsSync(project.stackFile())) project.pulumi('destroy', '--yes', '--skip-preview');
    await clearBroker();
    rmSync(tarballs, { recursive: true, force: true });
    console.log(`package e2e timings (ms):\n${timings.map(([s, ms]) => `  ${s}: ${ms}`).join('\n')}`);
  }, 600_000);

  it('installs the built library, its declarations and the command, and no sources', () => {
    const installed = join(project.dir, 'node_modules', 'warren');
    for (const file of [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/topology-validator.cjs',
      'dist/cluster-validator.cjs',
      'dist/config-validator.cjs',
      'dist/definitions-validator.cjs',
      'dist/providers.cjs',
      'bin/warren.js',
    ])
      expect(existsSync(join(installed, file)), file).toBe(true);
    expect(readdirSync(installed).sort()).toEqual([
      'README.md',
      'bin',
      'dist',
      'docs',
      'package.json',
      'topology.schema.json',
    ]);
    // The README's map links into docs/, shipped beside it.
    expect(existsSync(join(installed, 'docs', 'pulumi.md'))).toBe(true);
    // Peers: the project's own @pulumi/pulumi, not a copy of warren's; @pulumi/kubernetes (optional) not installed.
    expect(existsSync(join(installed, 'node_modules', '@pulumi'))).toBe(false);
    expect(existsSync(join(project.dir, 'node_modules', '@pulumi', 'kubernetes'))).toBe(false);
  });

  it('runs `npx warren` from the install: --version, and validate of the project topology', () => {
    expect(ok('npx', ['warren', '--version'], project.dir).stdout.trim()).toBe(PACKAGE.version);
    const validate = ok('npx', ['warren', 'validate', 'topology/'], project.dir);
    expect(validate.output).toContain('topology/shop.yaml:');
    expect(validate.output).toContain('warning key-ignored');
  });

  it('is importable from CommonJS too (require of an ES module, Node >= 20.19), with deep paths closed', () => {
    const probe = ok(
      'node',
      ['-e', "const w = require('warren'); console.log(typeof w.Topology, typeof w.loadTopology)"],
      project.dir,
    );
    expect(probe.stdout.trim()).toBe('function function');
    expect(run('node', ['-e', "require('warren/dist/src/index.js')"], project.dir).output).toContain(
      'ERR_PACKAGE_PATH_NOT_EXPORTED',
    );
  });

  it('stops pulumi up on an invalid topology with the diagnostics at FILE:LINE:COL, creating nothing', async () => {
    expectOk(project.pulumi('stack', 'init'), 'stack init');
    expectOk(project.pulumi('config', 'set', '--secret', 'brokerPassword', 'guest'), 'config set');
    expectOk(project.pulumi('config', 'set', '--secret', 'appPassword', APP_PASSWORD), 'config set');
    const broken = join(project.dir, 'topology', 'broken.yaml');
    writeFileSync(
      broken,
      `version: 1\nvhosts:\n  ${PREFIX}broken:\n    queues:\n      audit: {}\n    bindings:\n      - { from: nowhere, to: audit }\n`,
    );
    try {
      // What the command says of the same files, line for line.
      const cli = run('npx', ['warren', 'validate', 'topology/'], project.dir);
      expect(cli.code).toBe(1);
      const errors = cli.stdout.split('\n').filter((l) => l.includes(': error '));
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]).toMatch(/^topology\/broken\.yaml:\d+:\d+: error unknown-exchange: /);

      const up = timed('pulumi up (invalid topology)', () => project.pulumi('up', '--yes', '--skip-preview'));
      expect(up.code).not.toBe(0);
      expect(up.output).toContain('the topology or stack config is invalid; nothing was changed');
      for (const line of errors) expect(up.output).toContain(line);
      for (const vhost of [SHOP, OPS, `${PREFIX}broken`])
        expect((await api(`/vhosts/${enc(vhost)}`)).status, vhost).toBe(404);
      expect((await api(`/users/${enc(APP)}`)).status).toBe(404);
      // The engine records the stack itself, whatever the program does; nothing else.
      const state = JSON.parse(project.stdout('stack', 'export')) as { deployment: { resources?: { type: string }[] } };
      expect((state.deployment.resources ?? []).map((r) => r.type)).toEqual(['pulumi:pulumi:Stack']);
    } finally {
      rmSync(broken);
    }
  });

  it('pulumi up creates both topologies, with the overrides from code and the users passwords', async () => {
    const up = timed('pulumi up', () => expectOk(project.pulumi('up', '--yes', '--skip-preview'), 'up'));
    // The warning, logged once by the program run (Pulumi's summary lists each message once).
    const summary = up.output.slice(up.output.indexOf('Diagnostics:'));
    expect(summary.match(/warning key-ignored/g)).toHaveLength(1);
    expect((await api<{ description: string }>(`/vhosts/${enc(SHOP)}`)).body.description).toBe(
      "The package test's shop",
    );
    const queues = (await api<{ name: string }[]>(`/queues/${enc(SHOP)}`)).body.map((q) => q.name).sort();
    expect(queues).toEqual(['audit', 'order_processor']);
    const exchange = (await api<{ internal: boolean }>(`/exchanges/${enc(SHOP)}/unrouted`)).body;
    expect(exchange.internal).toBe(true);
    const ttl = await eventually(async () => {
      const policy = await api<{ definition: Record<string, unknown> }>(
        `/policies/${enc(SHOP)}/${enc('warren.queue.audit')}`,
      );
      return policy.status === 200 ? policy.body.definition['message-ttl'] : undefined;
    });
    expect(ttl).toBe(7_200_000); // the overrides' 2h, not the file's 1h
    expect((await api<{ value: object }[]>(`/user-limits/${enc(APP)}`)).body[0]!.value).toEqual({
      'max-connections': 5,
    });
    expect((await api<{ tags: string[] | string }>(`/users/${enc(MONITOR)}`)).status).toBe(200);
    expect((await api<{ name: string }[]>(`/queues/${enc(OPS)}`)).body.map((q) => q.name)).toEqual(['errors']);
    // The user's password is the stack secret the program passed.
    const conn = await connect(SHOP, APP, APP_PASSWORD);
    await conn.close();
    const outputs = JSON.parse(project.stdout('stack', 'output', '--json')) as { managedObjects: number };
    expect(outputs.managedObjects).toBeGreaterThan(10);
  });

  it("keeps the dynamic providers' code out of the state: a loader of the installed warren/providers", () => {
    const state = JSON.parse(project.stdout('stack', 'export')) as {
      deployment: {
        resources: { type: string; inputs?: { __provider?: string }; outputs?: { __provider?: string } }[];
      };
    };
    const providers = state.deployment.resources.filter((r) => r.inputs?.__provider !== undefined);
    expect([...new Set(providers.map((r) => r.type.split('/').pop()))].sort()).toEqual([
      'warren:DestroyCheck',
      'warren:InternalExchange',
      'warren:QueueGuard',
      'warren:UserAccount',
      'warren:UserLimits',
      'warren:VHostObjects',
      'warren:VHostSettings',
    ]);
    for (const r of providers) {
      const type = r.type.split(':').pop();
      for (const code of [r.inputs!.__provider!, r.outputs?.__provider ?? '']) {
        expect(code.length, r.type).toBeLessThan(1024);
        expect(code, r.type).toContain('("warren/providers")');
        expect(code, r.type).toContain(`.provider(${JSON.stringify(type)}, "${PACKAGE.version}")`);
        expect(code, r.type).not.toContain(project.dir);
      }
    }
    // What the loader requires is the installed package's bundle, opened by its exports.
    const probe = ok('node', ['-e', "console.log(require.resolve('warren/providers'))"], project.dir);
    expect(probe.stdout.trim()).toBe(join(project.dir, 'node_modules', 'warren', 'dist', 'providers.cjs'));
    expect(project.stateText()).not.toContain(APP_PASSWORD);
  });

  it('previews no change on a second run', () => {
    timed('pulumi preview --expect-no-changes', () =>
      expectOk(project.pulumi('preview', '--expect-no-changes'), 'preview --expect-no-changes'),
    );
  });

  it('pulumi destroy deletes everything it created', async () => {
    timed('pulumi destroy', () => expectOk(project.pulumi('destroy', '--yes', '--skip-preview'), 'destroy'));
    for (const vhost of [SHOP, OPS]) expect((await api(`/vhosts/${enc(vhost)}`)).status, vhost).toBe(404);
    for (const user of [APP, MONITOR]) expect((await api(`/users/${enc(user)}`)).status, user).toBe(404);
  });
});
