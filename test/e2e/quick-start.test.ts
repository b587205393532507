// The README's "Five-minute start" works as written. Its files and commands
// are read from the section's fenced blocks — a block whose first line is a
// comment naming a path (`# topology/shop.yaml`, `// index.mjs`) is that file,
// each line of a `sh` block a command — and run in order with bash, in a new
// directory beside the packed package (`../warren/warren-<version>.tgz`, as the
// section lays it out), on the real engine against the local broker. What the
// test changes, and nothing else: `shop` is renamed `e2q-shop` (other suites
// share the broker); HOME and PULUMI_HOME are in a scratch directory, and
// `pulumi login --local` logs in to that home (`file://~` is the account's
// home from /etc/passwd, whatever HOME says: as written, the test would log
// the machine's Pulumi in and keep its state there); npm keeps its own cache
// and settings, offline first; the passphrase comes from
// PULUMI_CONFIG_PASSPHRASE; the secret prompts are answered on standard input;
// and PULUMI_SKIP_CONFIRMATIONS stands in for answering yes to `pulumi up` and
// `destroy`. The clone's `npm ci && npm pack` is stood in for by packWarren.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, connect, enc, eventually } from './support/broker.js';
import { quiet, ROOT } from './support/e2e-project.js';
import { packWarren } from './support/pack-warren.js';
import { withToolchain } from './support/toolchain-env.js';

const PREFIX = 'e2q-';
const HEADING = '## Five-minute start';
const VERSIONS = JSON.parse(readFileSync(join(ROOT, 'toolchain/versions.json'), 'utf8')) as {
  pulumi: { version: string };
  rabbitmqProvider: { version: string };
};

/** The names the section's topology declares, renamed wherever they appear (files and commands alike). */
const rename = (text: string) => text.replace(/\bshop\b/g, `${PREFIX}shop`);
const SHOP = `${PREFIX}shop`;
const APP = `${PREFIX}shop-app`;

interface Block {
  readonly lang: string;
  readonly text: string;
}

/** The section's fenced blocks, in order. */
function sectionBlocks(): Block[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${HEADING}`);
  if (start < 0) throw new Error(`README.md has no "${HEADING}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, text: m[2]! }));
}

type Step = { file: string; text: string } | { command: string };

const blocks = sectionBlocks();
/** The one block run in a clone of warren, which the test stands in for with `npm pack`. */
const cloneBlock = blocks.find((b) => b.lang === 'sh' && b.text.startsWith('# in a clone of warren'));
const steps: Step[] = blocks
  .filter((b) => b !== cloneBlock)
  .flatMap((b): Step[] => {
    const named = /^(?:#|\/\/) ([\w./-]+)\n/.exec(b.text);
    if (named && b.lang !== 'sh') return [{ file: named[1]!, text: rename(b.text) }];
    if (b.lang !== 'sh') throw new Error(`a ${b.lang} block that names no file:\n${b.text}`);
    return b.text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => ({ command: rename(line) }));
  });
const commands = steps.flatMap((s) => ('command' in s ? [s.command.replace(/\s+#.*$/, '')] : []));
const files = steps.flatMap((s) => ('file' in s ? [s.file] : []));

const APP_PASSWORD = `pw-${randomBytes(12).toString('hex')}`;
/** The answers to `pulumi config set --secret KEY` without a value, by key. */
const ANSWERS: Record<string, string> = {
  'warren:managementPassword': 'guest',
  'warren:shopAppPassword': APP_PASSWORD,
};

/** The machine's own Pulumi home, which the test must leave alone. */
const MACHINE_PULUMI_HOME = process.env.PULUMI_HOME ?? join(homedir(), '.pulumi');
const tmp = mkdtempSync(join(tmpdir(), 'warren-quick-start-'));
const home = join(tmp, 'home');
const repo = join(tmp, 'shop-infra');
const timings: [string, number][] = [];
/** Every command's output, to prove no password is in any. */
let allOutput = '';

function env(): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...withToolchain(process.env) };
  for (const key of ['PULUMI_BACKEND_URL', 'PULUMI_ACCESS_TOKEN', 'PULUMI_CONFIG_PASSPHRASE_FILE']) delete base[key];
  return {
    ...base,
    HOME: home,
    PULUMI_HOME: join(home, '.pulumi'),
    PULUMI_CONFIG_PASSPHRASE: 'e2q-quick-start',
    PULUMI_SKIP_CONFIRMATIONS: 'true',
    NO_COLOR: '1',
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
    npm_config_userconfig: process.env.npm_config_userconfig ?? join(homedir(), '.npmrc'),
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

/** What `pulumi login --local` means for a user whose home is `home`: the state in home/.pulumi. */
const LOCAL_LOGIN = 'pulumi login --local';

/** Runs one command with bash in the user's repository; throws with its output when it fails. Returns its stdout. */
function runCommand(written: string): string {
  const bare = written.replace(/\s+#.*$/, '');
  if (bare.startsWith('pulumi login') && bare !== LOCAL_LOGIN)
    throw new Error(`${bare}: the test keeps only --local in its scratch home; teach it this login`);
  const command = bare === LOCAL_LOGIN ? `pulumi login file://${home}` : written;
  const secret = /^pulumi config set --secret (\S+)$/.exec(command);
  if (secret && !(secret[1]! in ANSWERS)) throw new Error(`no answer for the prompt of: ${command}`);
  const start = performance.now();
  const run = spawnSync('bash', ['-c', command], {
    cwd: repo,
    env: env(),
    input: secret ? `${ANSWERS[secret[1]!]}\n` : '',
    encoding: 'utf8',
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  timings.push([written, Math.round(performance.now() - start)]);
  const output = `${run.stdout}\n${run.stderr}`;
  allOutput += output;
  if (run.status !== 0) throw new Error(`${command} failed (exit ${run.status}):\n${output.slice(-4000)}`);
  if (command.startsWith('pulumi ')) quiet({ code: run.status, output }, command.split(' ').slice(1));
  return run.stdout;
}

/** Runs the steps in order up to (not including) the first command for which `stop` holds. */
function runSteps(from: number, stop: (command: string) => boolean): number {
  let i = from;
  for (; i < steps.length; i++) {
    const step = steps[i]!;
    if ('file' in step) {
      mkdirSync(dirname(join(repo, step.file)), { recursive: true });
      writeFileSync(join(repo, step.file), step.text);
    } else if (stop(step.command)) break;
    else runCommand(step.command);
  }
  return i;
}

async function clearBroker(): Promise<void> {
  await Promise.all([api(`/vhosts/${enc(SHOP)}`, 'DELETE'), api(`/users/${enc(APP)}`, 'DELETE')]);
}

/** Every file under `dir`, concatenated. */
function textOf(dir: string): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.isSymbolicLink())
    .map((e) => (e.isDirectory() ? textOf(join(dir, e.name)) : readFileSync(join(dir, e.name), 'latin1')))
    .join('\n');
}

// Each step runs npm or the real engine, on 2 busy cores.
describe("the README's five-minute start, as written, against the local broker", { timeout: 900_000 }, () => {
  let next = 0;

  beforeAll(async () => {
    await clearBroker();
    mkdirSync(join(home, '.pulumi'), { recursive: true });
    // The engine's plugins (the rabbitmq provider built by the toolchain) where `pulumi login --local` looks.
    symlinkSync(join(MACHINE_PULUMI_HOME, 'plugins'), join(home, '.pulumi', 'plugins'));
    mkdirSync(join(tmp, 'warren'));
    mkdirSync(repo);
  }, 60_000);

  afterAll(async () => {
    if (existsSync(join(repo, 'Pulumi.dev.yaml')))
      spawnSync('pulumi', ['destroy', '--yes', '--stack', 'dev'], { cwd: repo, env: env() });
    await clearBroker();
    rmSync(tmp, { recursive: true, force: true });
    console.log(`quick start timings (ms):\n${timings.map(([s, ms]) => `  ${s}: ${ms}`).join('\n')}`);
  }, 600_000);

  it('has the steps the section promises: the package, one topology file, a project, validate, up, a no-op preview, destroy', () => {
    expect(cloneBlock?.text).toMatch(/^npm ci && npm pack\b/m);
    expect(files).toEqual(['topology/shop.yaml', 'Pulumi.yaml', 'index.mjs']);
    const install = commands.find((c) => c.startsWith('npm install '));
    expect(install).toBe(
      `npm install ../warren/warren-${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}.tgz @pulumi/pulumi@${VERSIONS.pulumi.version} @pulumi/rabbitmq@${VERSIONS.rabbitmqProvider.version}`,
    );
    const at = (prefix: string) => commands.findIndex((c) => c.startsWith(prefix));
    const order = [
      'npx warren validate topology/',
      LOCAL_LOGIN,
      'pulumi stack init dev',
      `npx warren validate topology/ --stack Pulumi.dev.yaml`,
      'pulumi up',
      'pulumi preview --expect-no-changes',
      'pulumi destroy',
    ].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // No password on a command line: each secret is asked for.
    expect(commands.filter((c) => c.includes('--secret'))).toEqual(
      Object.keys(ANSWERS).map((key) => `pulumi config set --secret ${key}`),
    );
  });

  it('packs warren in the clone as the section says, into the name it installs', () => {
    const tarball = packWarren(join(tmp, 'warren'));
    expect(commands.some((c) => c.includes(`../warren/${basename(tarball)}`))).toBe(true);
  });

  it('runs every command up to pulumi destroy: the broker then holds the topology with the stack overrides', async () => {
    next = runSteps(0, (c) => c.startsWith('pulumi destroy'));
    expect(steps[next]).toEqual({ command: 'pulumi destroy' });

    const queue = (
      await api<{ type: string; arguments: Record<string, unknown> }>(`/queues/${enc(SHOP)}/order_processor`)
    ).body;
    expect(queue.type).toBe('quorum');
    const bindings = (
      await api<{ source: string; routing_key: string }[]>(`/queues/${enc(SHOP)}/order_processor/bindings`)
    ).body.filter((b) => b.source !== '');
    expect(bindings.map((b) => `${b.source} ${b.routing_key}`)).toEqual(['orders order.*']);
    // The stack's override (1h), not the file's 1d: written by `pulumi config set --path`, read by the program.
    const ttl = await eventually(async () => {
      const policy = await api<{ definition: Record<string, unknown> }>(
        `/policies/${enc(SHOP)}/${enc('warren.queue.order_processor')}`,
      );
      return policy.status === 200 ? policy.body.definition['message-ttl'] : undefined;
    });
    expect(ttl).toBe(3_600_000);
    // …and `warren … --stack` sees the same overrides the program deployed.
    const exported = JSON.parse(runCommand('npx warren export topology/ --stack Pulumi.dev.yaml')) as {
      policies: { name: string; definition: Record<string, unknown> }[];
    };
    expect(exported.policies.find((p) => p.name === 'warren.queue.order_processor')?.definition['message-ttl']).toBe(
      3_600_000,
    );
    // The user's password is the secret given at the prompt.
    const conn = await connect(SHOP, APP, APP_PASSWORD);
    await conn.close();
  });

  it('keeps the secrets out of the stack file, the state and every output', () => {
    const stackFile = readFileSync(join(repo, 'Pulumi.dev.yaml'), 'utf8');
    expect(stackFile).toContain('warren:shopAppPassword:\n    secure: ');
    expect(stackFile).not.toContain(APP_PASSWORD);
    const state = textOf(join(home, '.pulumi', 'stacks'));
    expect(state).toContain(SHOP); // the state is where the test looks
    expect(state).not.toContain(APP_PASSWORD);
    expect(allOutput).not.toContain(APP_PASSWORD);
    // …and nothing of it in the machine's own Pulumi home.
    expect(existsSync(join(MACHINE_PULUMI_HOME, 'stacks', `${PREFIX}shop-infra`))).toBe(false);
  });

  it('pulumi destroy, as written, removes everything it made', async () => {
    expect(runSteps(next, () => false)).toBe(steps.length);
    expect((await api(`/vhosts/${enc(SHOP)}`)).status).toBe(404);
    expect((await api(`/users/${enc(APP)}`)).status).toBe(404);
  });
});
