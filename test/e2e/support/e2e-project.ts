// A throwaway Pulumi project for the end-to-end tests: the real `pulumi` CLI
// (built by toolchain/install-toolchain.sh), its own file state backend (or
// the backend URL it is given) and passphrase, warren's built program, and the
// example topology with its vhosts and users renamed `e2e-…`, so that the
// tests never touch the local stack's objects on the shared broker.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import jsYaml from 'js-yaml';
import { packageRoot } from '../../../src/package-root.js';
import { withToolchain } from './toolchain-env.js';

export const ROOT = packageRoot();
export const PREFIX = 'e2e-';
export const STACK = 'e2e';
/** As the repository's Pulumi.yaml: the SDK's Arborist and TypeScript compiler deferred (nodeargs is split at spaces). */
const PRELOAD = /\s/.test(ROOT)
  ? ''
  : `    nodeargs: --require ${join(ROOT, 'toolchain/shims/defer-sdk-modules.cjs')}\n`;

/** A project's Pulumi.yaml with warren's runtime options (compiled JavaScript, the preload); main is package.json's. */
export function projectYaml(name: string): string {
  return `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n${PRELOAD}stackConfigDir: stacks\n`;
}

/**
 * A node_modules for a project outside this repository: each entry of warren's own linked, and `warren` itself, as
 * an installed package would be (the dynamic resources' loader requires `warren/providers` from the project's
 * node_modules, src/pulumi/dynamic/dynamic-resource.ts).
 */
export function linkNodeModules(dir: string): void {
  const into = join(dir, 'node_modules');
  mkdirSync(into);
  for (const entry of readdirSync(join(ROOT, 'node_modules')))
    symlinkSync(join(ROOT, 'node_modules', entry), join(into, entry));
  symlinkSync(ROOT, join(into, 'warren'));
}

export interface E2EProjectOptions {
  /** The state backend (`PULUMI_BACKEND_URL`), e.g. `postgres://…`; by default a file backend in the project's own directory. */
  readonly backendUrl?: string;
  /**
   * A project of one's own instead of warren's program (the package test's): path in the project → text,
   * its program, Pulumi.yaml and package.json (stack files go to stacks/). Its node_modules is then its own.
   */
  readonly files?: Record<string, string>;
}

export interface Run {
  readonly code: number | null;
  readonly output: string;
}

export class E2EProject {
  readonly dir = mkdtempSync(join(tmpdir(), 'warren-e2e-'));
  readonly stateDir = join(this.dir, '.state');
  /** Clear-text passwords this stack was given, to prove none leaks. */
  readonly passwords: Record<string, string> = {};

  readonly backendUrl: string;

  /** `topology`: file name → text; by default the example topology, renamed. */
  constructor(topology?: Record<string, string>, prefix = PREFIX, options: E2EProjectOptions = {}) {
    this.backendUrl = options.backendUrl ?? `file://${this.stateDir}?metadata=skip`;
    mkdirSync(join(this.dir, 'topology'));
    mkdirSync(join(this.dir, 'stacks'));
    mkdirSync(this.stateDir);
    if (!options.files) linkNodeModules(this.dir);
    const files = options.files ?? {
      'package.json': JSON.stringify({ name: 'warren-e2e', type: 'module', main: 'index.js' }),
      'index.js': `import ${JSON.stringify(join(ROOT, 'dist/src/pulumi/index.js'))};\nexport * from ${JSON.stringify(join(ROOT, 'dist/src/pulumi/index.js'))};\n`,
      'Pulumi.yaml': projectYaml('warren-e2e'),
    };
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(this.dir, file)), { recursive: true });
      writeFileSync(join(this.dir, file), text);
    }
    const topologyFiles =
      topology ??
      Object.fromEntries(
        readdirSync(join(ROOT, 'topology')).map((file) => [
          file,
          jsYaml.dump(renamed(jsYaml.load(readFileSync(join(ROOT, 'topology', file), 'utf8')), prefix)),
        ]),
      );
    for (const [file, text] of Object.entries(topologyFiles)) writeFileSync(join(this.dir, 'topology', file), text);
  }

  env(): NodeJS.ProcessEnv {
    return {
      ...withToolchain(process.env),
      PULUMI_BACKEND_URL: this.backendUrl,
      PULUMI_CONFIG_PASSPHRASE: 'warren-e2e',
      // Also in env.json; the tests never check for updates or fetch plugins, whatever it says.
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'true',
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
      PULUMI_HOME: process.env.PULUMI_HOME ?? join(homedir(), '.pulumi'),
    };
  }

  pulumi(...args: string[]): Run {
    const run = spawnSync('pulumi', [...args, '--stack', STACK, '--non-interactive', '--color', 'never'], {
      cwd: this.dir,
      env: this.env(),
      encoding: 'utf8',
      timeout: 600_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    return quiet({ code: run.status, output: `${run.stdout}\n${run.stderr}` }, args);
  }

  /** A command's standard output alone, for machine-read output (`stack export`, `stack output --json`); throws when it fails. */
  stdout(...args: string[]): string {
    const run = spawnSync('pulumi', [...args, '--stack', STACK, '--non-interactive', '--color', 'never'], {
      cwd: this.dir,
      env: this.env(),
      encoding: 'utf8',
      timeout: 600_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    quiet({ code: run.status, output: `${run.stdout}\n${run.stderr}` }, args);
    if (run.status !== 0)
      throw new Error(
        `pulumi ${args.join(' ')} failed (exit ${run.status}${run.error ? `, ${run.error.message}` : ''}):\n${run.stderr.slice(-4000)}`,
      );
    return run.stdout;
  }

  /** Like pulumi(), without blocking: for stopping the broker while it runs. */
  pulumiAsync(...args: string[]): Promise<Run> {
    return this.pulumiStart(...args).done;
  }

  /** Like pulumiAsync(), in a process group of its own: kill() ends the CLI and every plugin it started at once, as a crash would (killTree). */
  pulumiStart(...args: string[]): { done: Promise<Run>; kill: () => void } {
    const child = spawn('pulumi', [...args, '--stack', STACK, '--non-interactive', '--color', 'never'], {
      cwd: this.dir,
      env: this.env(),
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const done = new Promise<Run>((resolve, reject) =>
      child.on('close', (code) => {
        try {
          resolve(quiet({ code, output }, args));
        } catch (e) {
          reject(e);
        }
      }),
    );
    return { done, kill: () => killTree(child.pid!) };
  }

  /**
   * Runs `up` until a provider reaches `point` (its test-only halt hook, src/pulumi/dynamic/test-halt.ts), then
   * kills it, CLI and plugins, as a crash would; returns how the killed run ended. The stack then needs `cancel`.
   */
  async upKilledAt(point: string, timeoutMs = 300_000): Promise<Run> {
    const halted = join(this.dir, 'halted');
    writeFileSync(halted, '');
    process.env.WARREN_TEST_HALT_AFTER = point;
    process.env.WARREN_TEST_HALT_FILE = halted;
    const run = this.pulumiStart('up', '--yes', '--skip-preview');
    try {
      const until = Date.now() + timeoutMs;
      while (!readFileSync(halted, 'utf8').includes(point)) {
        if (Date.now() > until) throw new Error(`up did not reach ${point} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      run.kill();
      delete process.env.WARREN_TEST_HALT_AFTER;
      delete process.env.WARREN_TEST_HALT_FILE;
    }
    return run.done;
  }

  rabbitmqctl(...args: string[]): void {
    const run = spawnSync('rabbitmqctl', args, { encoding: 'utf8', timeout: 120_000 });
    if (run.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${run.stderr}`);
  }

  /**
   * Creates the stack with the local broker's credentials and fresh user passwords. Granularity `object`, as the
   * suites were written (the default is `vhost`): a suite that wants `vhost` sets it.
   */
  init(): void {
    expectOk(this.pulumi('stack', 'init'), 'stack init');
    this.setConfig({
      'warren:granularity': 'object',
      'warren:topology': ['topology/'],
      'warren:managementUrl': 'http://127.0.0.1:15672',
      'warren:managementUser': 'guest',
    });
    for (const key of ['managementPassword', 'orderServicePassword', 'notificationServicePassword', 'workerPassword']) {
      const value = key === 'managementPassword' ? 'guest' : `pw-${randomBytes(12).toString('hex')}`;
      this.passwords[key] = value;
      expectOk(this.pulumi('config', 'set', '--secret', `warren:${key}`, value), `config set ${key}`);
    }
  }

  /** Sets plain config values by editing the stack file (keeps encrypted entries as they are). */
  setConfig(values: Record<string, unknown>): void {
    const file = this.stackFile();
    const doc = (() => {
      try {
        return (jsYaml.load(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> }) ?? {};
      } catch {
        return {};
      }
    })() as { config?: Record<string, unknown> };
    doc.config = { ...doc.config };
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete doc.config[key];
      else doc.config[key] = value;
    }
    writeFileSync(file, jsYaml.dump(doc));
  }

  stackFile(): string {
    return join(this.dir, 'stacks', `Pulumi.${STACK}.yaml`);
  }

  /** Every file of the state backend, concatenated (the default file backend's). */
  stateText(): string {
    const read = (dir: string): string =>
      readdirSync(dir, { withFileTypes: true })
        .map((e) => (e.isDirectory() ? read(join(dir, e.name)) : readFileSync(join(dir, e.name), 'latin1')))
        .join('\n');
    return read(this.stateDir);
  }
}

/**
 * `run`, once its output is shown free of the engine's plugin warning: Pulumi warns
 * "using pulumi-resource-pulumi-nodejs from $PATH at …" (or any plugin) when it takes a
 * bundled plugin from PATH rather than from beside the `pulumi` executable, where
 * toolchain/install-toolchain.sh puts warren's launcher. Every run here passes through it.
 */
export function quiet(run: Run, args: readonly string[]): Run {
  const line = run.output.split('\n').find((l) => l.includes('from $PATH'));
  if (line !== undefined)
    throw new Error(
      `pulumi ${args.join(' ')} printed a plugin warning (run scripts/setup.sh to put the launcher beside pulumi): ${line.trim()}`,
    );
  return run;
}

export function expectOk(run: Run, what: string): Run {
  if (run.code !== 0) throw new Error(`${what} failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  return run;
}

/** The topology with vhosts and users renamed, wherever they are named. */
function renamed(doc: unknown, prefix: string): unknown {
  const d = doc as { vhosts?: Record<string, unknown>; users?: Record<string, Record<string, unknown>> };
  const rekey = <T>(map: Record<string, T> | undefined) =>
    map ? Object.fromEntries(Object.entries(map).map(([k, v]) => [prefix + k, v])) : undefined;
  const users = d.users
    ? Object.fromEntries(
        Object.entries(d.users).map(([name, u]) => [
          prefix + name,
          {
            ...u,
            ...(u.permissions ? { permissions: rekey(u.permissions as Record<string, unknown>) } : {}),
            ...(u.topicPermissions ? { topicPermissions: rekey(u.topicPermissions as Record<string, unknown>) } : {}),
          },
        ]),
      )
    : undefined;
  return JSON.parse(JSON.stringify({ ...d, vhosts: rekey(d.vhosts), users }));
}

/**
 * SIGKILL to a process and all its descendants at once. Its process group is not enough: Pulumi starts its language
 * host and plugins in process groups of their own, and a killed engine's language host and program would be left
 * running, one pair per kill.
 */
export function killTree(root: number): void {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const tree: number[] = [];
  for (let todo = [root]; todo.length > 0; ) {
    const pid = todo.pop()!;
    tree.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
  }
}
