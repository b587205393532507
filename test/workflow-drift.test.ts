// The scheduled drift workflow example (examples/github-actions/warren-drift.yml
// and drift-issue.sh) works as written: the `run:` steps of its job are run
// with bash, as the runner runs them, one matrix environment at a time, in a
// scratch infrastructure repository that has warren installed from this
// repository's package (`npm pack`), the environment's secrets set, and a
// fake `gh` (test/support/fake-gh.mjs) on PATH that keeps its issues and
// labels across runs. The broker is the REAL local one (management API on
// 127.0.0.1:15672), read by warren drift as a user made for this file, in a
// vhost of this file's own: drift appears and goes away because the tests
// change the broker by hand, as an operator would.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import jsYaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api as guestApi, managementApi } from './e2e/support/broker.js';
import { ROOT } from './support/run-cli.js';
import { makeScratchRepo, type ScratchRepo, sh } from './support/scratch-repo.js';

const EXAMPLE = join(ROOT, 'examples/github-actions');
const MANAGEMENT = 'http://127.0.0.1:15672';
const enc = encodeURIComponent;

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  name: string;
  'runs-on': string;
  'timeout-minutes': number;
  strategy: { 'fail-fast': boolean; matrix: { include: { environment: string; stack: string }[] } };
  environment: string;
  concurrency: { group: string; 'cancel-in-progress': boolean };
  defaults?: { run?: { shell?: string } };
  env?: Record<string, string>;
  steps: Step[];
}
const workflow = jsYaml.load(readFileSync(join(EXAMPLE, 'warren-drift.yml'), 'utf8')) as {
  on: { schedule: { cron: string }[]; workflow_dispatch: null };
  permissions: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
};
const job = workflow.jobs.drift!;
const DRIFT = 'warren drift';
const ISSUE = 'open, update or close';

// What this file makes on the shared broker: names of its own, removed in afterAll.
const SUFFIX = `${process.pid}-${randomBytes(3).toString('hex')}`;
const VHOST = `wf-drift-${SUFFIX}`;
const USER = `wf-drift-${SUFFIX}`;
// A `/` in it, so that the URL carries it percent-encoded.
const PASSWORD = `Wf/${randomBytes(12).toString('hex')}`;
const TOPOLOGY = `version: 1
vhosts:
  ${VHOST}:
    exchanges:
      events: { type: topic }
    queues:
      # Classic queues: the broker reports a quorum queue's policy only some
      # seconds after it is declared (drift lists it as unknown until then).
      billing: { messageTtl: 60s }
      audit: {}
    bindings:
      - { from: events, to: billing, key: "invoice.#" }
      - { from: events, to: audit, key: "#" }
`;
/** An unmanaged queue whose name Markdown and HTML would read, and which would ping a team. */
const HOSTILE = 'stray|<b>@ops</b> *x* `y` #1';

// ---------------------------------------------------------------------------
// The scratch repository and the broker, made once for the file.

let tmp: string;
let repo: string;
let fakeBin: string;
let sha: string;
let definitions: unknown;
/** The broker's management API as the test's user (an administrator), who creates the vhost. */
const api = managementApi(`${MANAGEMENT}/api`, USER, PASSWORD);

let git: ScratchRepo['git'];

async function ok(response: Promise<{ status: number; body: unknown }>, what: string): Promise<void> {
  const { status, body } = await response;
  if (status >= 300) throw new Error(`${what}: the broker answered ${status} ${JSON.stringify(body)}`);
}

beforeAll(async () => {
  const overview = await guestApi('/overview').catch((e: Error) => ({ status: 0, body: e.message }));
  if (overview.status !== 200)
    throw new Error(`no local broker's management API at ${MANAGEMENT} (${overview.status}): start the broker first`);
  ({ tmp, repo, fakeBin, git } = makeScratchRepo('warren-workflow-drift-'));
  mkdirSync(join(repo, '.github/workflows'), { recursive: true });
  mkdirSync(join(repo, '.github/warren'), { recursive: true });
  cpSync(join(EXAMPLE, 'warren-drift.yml'), join(repo, '.github/workflows/warren-drift.yml'));
  cpSync(join(EXAMPLE, 'drift-issue.sh'), join(repo, '.github/warren/drift-issue.sh'));
  mkdirSync(join(repo, 'topology'));
  writeFileSync(join(repo, 'topology/app.yaml'), TOPOLOGY);
  mkdirSync(join(repo, 'stacks'));
  for (const { stack } of job.strategy.matrix.include) writeFileSync(join(repo, stack), 'config: {}\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'topology and the drift workflow');
  sha = git('rev-parse', 'HEAD').trim();

  // The drift reader: an administrator (RabbitMQ exports definitions to no
  // one else) with a password to look for in every output. It creates the
  // vhost, so that its own permissions there are the ones drift leaves out.
  await ok(guestApi(`/users/${enc(USER)}`, 'PUT', { password: PASSWORD, tags: 'administrator' }), 'PUT user');
  definitions = JSON.parse(sh(join(repo, 'node_modules/.bin/warren'), ['export', 'topology/'], repo));
  await declare();
}, 300_000);

afterAll(async () => {
  await guestApi(`/vhosts/${enc(VHOST)}`, 'DELETE').catch(() => undefined);
  await guestApi(`/users/${enc(USER)}`, 'DELETE').catch(() => undefined);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 120_000);

/** The broker as the topology declares it: the export imported, every other queue of the vhost deleted. */
async function declare(): Promise<void> {
  await ok(api('/definitions', 'POST', definitions), 'POST definitions');
  const { body } = await api<{ name: string }[]>(`/queues/${enc(VHOST)}?columns=name`);
  for (const { name } of body)
    if (name !== 'billing' && name !== 'audit')
      await ok(api(`/queues/${enc(VHOST)}/${enc(name)}`, 'DELETE'), `DELETE queue ${name}`);
}

// ---------------------------------------------------------------------------
// Running the job as the runner does.

interface Contexts {
  github: Record<string, unknown>;
  matrix: Record<string, string>;
  secrets: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string> }>;
}

/** A context path (`matrix.stack`); an unset secret or step output is empty, as on GitHub. */
function lookup(path: string, contexts: Contexts): string {
  const parts = path.split('.');
  if (parts[0] === 'secrets' && parts.length === 2) return contexts.secrets[parts[1]!] ?? '';
  if (parts[0] === 'steps' && parts[2] === 'outputs' && parts.length === 4)
    return contexts.steps[parts[1]!]?.outputs[parts[3]!] ?? '';
  let value: unknown = contexts;
  for (const part of parts) {
    if (value === null || typeof value !== 'object' || !(part in value))
      throw new Error(`an expression this test does not evaluate: ${path}`);
    value = (value as Record<string, unknown>)[part];
  }
  return String(value);
}

/** The expressions the workflow uses: context paths, 'literals', ==, || (any other fails the test). */
function expression(expr: string, contexts: Contexts): string | boolean {
  const either = expr.split(/\s*\|\|\s*/);
  if (either.length > 1) return either.some((e) => expression(e, contexts) === true);
  const sides = expr.split(/\s*==\s*/);
  if (sides.length === 2) return expression(sides[0]!, contexts) === expression(sides[1]!, contexts);
  const literal = /^'([^']*)'$/.exec(expr.trim());
  if (literal) return literal[1]!;
  if (/^[\w.-]+$/.test(expr.trim())) return lookup(expr.trim(), contexts);
  throw new Error(`an expression this test does not evaluate: ${expr}`);
}
const interpolate = (value: string, contexts: Contexts) =>
  value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => String(expression(expr, contexts)));

interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
}
interface Event {
  name?: 'schedule' | 'workflow_dispatch';
  branch?: string;
}

/** Every output of every step this file ran: no password may be in any. */
const outputs: string[] = [];
let runs = 0;

function baseEnv(runnerTemp: string): Record<string, string> {
  return {
    PATH: [fakeBin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: process.env.HOME ?? tmp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: String(9000 + runs),
    GITHUB_SHA: sha,
    GITHUB_WORKSPACE: repo,
    RUNNER_TEMP: runnerTemp,
    npm_config_update_notifier: 'false',
    FAKE_GH_STATE: join(tmp, 'gh-state.json'),
    FAKE_GH_LOG: join(tmp, 'gh-log.jsonl'),
  };
}

/** Runs `script` as `shell: bash` does (`bash --noprofile --norc -eo pipefail {0}`), in the repository. */
function bash(script: string, env: Record<string, string>, dir: string, args: string[] = []): StepResult {
  const summary = join(dir, `summary-${++runs}.md`);
  writeFileSync(summary, '');
  const file = join(dir, `script-${runs}.sh`);
  writeFileSync(file, script);
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file, ...args], {
    cwd: repo,
    env: { ...env, GITHUB_STEP_SUMMARY: summary },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const result = { code: run.status, stdout: run.stdout, stderr: run.stderr, summary: readFileSync(summary, 'utf8') };
  outputs.push(result.stdout, result.stderr, result.summary);
  return result;
}

/**
 * The job of one matrix environment: each `run:` step but `npm ci`, in order, while they pass, when their `if:`
 * holds. Returns the steps that ran, by name.
 */
function runJob(environment: string, secrets: Record<string, string>, event: Event = {}): Record<string, StepResult> {
  const matrix = job.strategy.matrix.include.find((m) => m.environment === environment);
  if (!matrix) throw new Error(`no matrix entry ${environment}`);
  const dir = join(tmp, `run-${++runs}`);
  mkdirSync(dir);
  const branch = event.branch ?? 'main';
  const contexts: Contexts = {
    github: {
      token: 'dummy-token',
      event_name: event.name ?? 'schedule',
      ref_name: branch,
      // A scheduled run's event has no repository: the expressions must not need it then.
      event: event.name === 'workflow_dispatch' ? { repository: { default_branch: 'main' } } : {},
    },
    matrix,
    secrets,
    steps: {},
  };
  const env = {
    ...baseEnv(dir),
    GITHUB_EVENT_NAME: String(contexts.github.event_name),
    GITHUB_REF: `refs/heads/${branch}`,
    GITHUB_REF_NAME: branch,
  };
  const ran: Record<string, StepResult> = {};
  for (const s of job.steps) {
    if (s.run === undefined || s.run === 'npm ci') continue;
    if (s.if !== undefined && expression(s.if, contexts) !== true) continue;
    const output = join(dir, `output-${s.id ?? runs}`);
    writeFileSync(output, '');
    let stepEnv: Record<string, string> = { ...env, GITHUB_OUTPUT: output };
    for (const scope of [workflow.env ?? {}, job.env ?? {}, s.env ?? {}])
      for (const [key, value] of Object.entries(scope))
        stepEnv = { ...stepEnv, [key]: interpolate(String(value), contexts) };
    const result = bash(s.run, stepEnv, dir);
    ran[s.name!] = result;
    if (s.id) {
      const lines = readFileSync(output, 'utf8').split('\n').filter(Boolean);
      contexts.steps[s.id] = {
        outputs: Object.fromEntries(lines.map((l) => [l.split('=')[0]!, l.slice(l.indexOf('=') + 1)])),
      };
    }
    if (result.code !== 0) break;
  }
  return ran;
}
const step = (ran: Record<string, StepResult>, prefix: string) =>
  Object.entries(ran).find(([name]) => name.startsWith(prefix))?.[1];

/** The secrets of a GitHub environment whose broker is the local one. */
const SECRETS = {
  RABBITMQ_MANAGEMENT_URL: MANAGEMENT,
  RABBITMQ_USER: USER,
  RABBITMQ_PASSWORD: PASSWORD,
};

// The fake gh's issues and labels, and its log of calls.
interface Issue {
  number: number;
  title: string;
  body: string;
  labels: string[];
  state: 'open' | 'closed';
  stateReason?: string;
  comments: string[];
}
function ghState(issues: Issue[] = [], labels: { name: string }[] = []): void {
  writeFileSync(join(tmp, 'gh-state.json'), JSON.stringify({ nextId: 1000, comments: [], issues, labels }));
  writeFileSync(join(tmp, 'gh-log.jsonl'), '');
}
const ghIssues = () => (JSON.parse(readFileSync(join(tmp, 'gh-state.json'), 'utf8')) as { issues: Issue[] }).issues;
const ghCommands = () =>
  readFileSync(join(tmp, 'gh-log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const call = JSON.parse(l) as { command: string; args: string[] };
      return [call.command, ...call.args].join(' ');
    });
/** No output of any step run so far, no issue and no call to gh holds the password (but the runner's mask commands). */
function expectNoPassword(): void {
  expect(outputs.length).toBeGreaterThan(0);
  const seen = [
    ...outputs.map((o) =>
      o
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
    ),
    readFileSync(join(tmp, 'gh-state.json'), 'utf8'),
    readFileSync(join(tmp, 'gh-log.jsonl'), 'utf8'),
  ].join('\n');
  expect(seen).not.toContain(PASSWORD);
  expect(seen).not.toContain(enc(PASSWORD));
  expect(seen).not.toContain(PASSWORD.slice(3)); // its random part, however written
}

/** An open drift issue of `environment`, as drift-issue.sh would have left it. */
const openIssue = (number: number, environment: string): Issue => ({
  number,
  title: `warren drift: ${environment}`,
  body: `<!-- warren-drift: ${environment} -->\n## warren drift: ${environment}\n`,
  labels: ['warren-drift'],
  state: 'open',
  comments: [],
});

/** Line of `text` in topology/app.yaml (1-based). */
const lineOf = (text: string) => TOPOLOGY.split('\n').findIndex((l) => l.includes(text)) + 1;
const link = (line: number) => `https://github.com/acme/infra/blob/${sha}/topology/app.yaml#L${line}`;

// ---------------------------------------------------------------------------

// Each job starts warren once (about a second, more on busy cores) and gh a few times.
describe('examples/github-actions/warren-drift.yml', { timeout: 120_000 }, () => {
  it('runs every night and on demand, one job per environment with its stack and its GitHub environment’s secrets', () => {
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect('workflow_dispatch' in workflow.on).toBe(true);
    expect(workflow.permissions).toEqual({ contents: 'read', issues: 'write' });
    expect(job.strategy['fail-fast']).toBe(false);
    expect(job.strategy.matrix.include).toEqual([
      { environment: 'staging', stack: 'stacks/Pulumi.staging.yaml' },
      { environment: 'production', stack: 'stacks/Pulumi.production.yaml' },
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
    expect(job.environment).toBe('${{ matrix.environment }}');
    expect(job.concurrency.group).toContain('matrix.environment');
    expect(job.concurrency['cancel-in-progress']).toBe(false);
    expect(job.defaults?.run?.shell).toBe('bash');
    expect(job.steps.map((s) => s.name ?? s.uses ?? s.run)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'npm ci',
      expect.stringMatching(/^warren drift/),
      expect.stringMatching(/^open, update or close/),
    ]);
    const [drift, issue] = job.steps.slice(3);
    expect(drift!.id).toBe('drift');
    // The secrets reach the shell only through env (never pasted into a script), and only the drift step's.
    for (const s of job.steps) expect(s.run ?? '').not.toContain('${{');
    expect(Object.values(issue!.env ?? {}).join(' ')).not.toContain('secrets.');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
    expect(issue!.env?.STATUS).toBe('${{ steps.drift.outputs.status }}');
    // The issue step runs only after a drift step that passed (no always(), no failure()).
    expect(issue!.if ?? '').not.toMatch(/always|failure|cancelled/);
    // Scheduled runs, and manual runs on the default branch, speak for the environment; other branches don't.
    const when = (name: string, branch: string, defaultBranch?: string) =>
      expression(issue!.if!, {
        github: {
          event_name: name,
          ref_name: branch,
          event: defaultBranch ? { repository: { default_branch: defaultBranch } } : {},
        },
        matrix: {},
        secrets: {},
        steps: {},
      });
    expect(when('schedule', 'main')).toBe(true);
    expect(when('workflow_dispatch', 'main', 'main')).toBe(true);
    expect(when('workflow_dispatch', 'trunk', 'trunk')).toBe(true);
    expect(when('workflow_dispatch', 'try-things', 'main')).toBe(false);
  });

  it('one issue per environment: opened on drift, updated (never a second one), closed when the drift is gone', async () => {
    await declare();
    ghState();

    // 1. The broker as declared: no drift, no issue.
    let ran = runJob('staging', SECRETS);
    expect(step(ran, DRIFT)!.code, step(ran, DRIFT)!.stderr).toBe(0);
    expect(step(ran, DRIFT)!.stdout).toContain('warren drift: staging: no drift');
    expect(step(ran, ISSUE)!.code, step(ran, ISSUE)!.stderr).toBe(0);
    expect(step(ran, ISSUE)!.stdout).toBe('warren: staging: no drift\n');
    expect(ghIssues()).toEqual([]);
    expect(ghCommands()).toEqual(['issue list']);

    // 2. Someone deletes a queue: the step passes, the issue opens with it (and its binding, gone with it).
    await ok(api(`/queues/${enc(VHOST)}/billing`, 'DELETE'), 'DELETE billing');
    ghState(ghIssues());
    ran = runJob('staging', SECRETS);
    expect(step(ran, DRIFT)!.code, step(ran, DRIFT)!.stderr).toBe(0);
    expect(step(ran, DRIFT)!.stdout).toContain('warren drift: staging: 2 missing');
    expect(step(ran, ISSUE)!.code, step(ran, ISSUE)!.stderr).toBe(0);
    expect(step(ran, ISSUE)!.stdout).toBe('warren: staging: drift; opened https://github.com/acme/infra/issues/1\n');
    expect(ghCommands()).toEqual(['issue list', 'label create warren-drift', 'issue create']);
    let [issue] = ghIssues();
    expect(ghIssues()).toHaveLength(1);
    expect(issue).toMatchObject({ number: 1, title: 'warren drift: staging', labels: ['warren-drift'], state: 'open' });
    expect(issue!.body).toMatch(/^<!-- warren-drift: staging -->\n## warren drift: staging\n/);
    expect(issue!.body).toContain('differs from the topology: 2 missing (found by [run ');
    expect(issue!.body).toContain(`at ${sha.slice(0, 7)})`);
    expect(issue!.body).toContain('### missing: declared in the topology, not on the broker');
    expect(issue!.body).toContain(
      `| queue | <code>${VHOST}</code> | <code>billing</code> |  | [<code>topology/app.yaml&#58;${lineOf('billing:')}</code>](${link(lineOf('billing:'))}) |`,
    );
    expect(issue!.body).toContain(
      `| binding | <code>${VHOST}</code> | <code>events&#62;queue&#58;billing&#91;invoice.&#35;&#93;</code> |`,
    );
    expect(step(ran, ISSUE)!.summary).toBe(issue!.body.slice(issue!.body.indexOf('\n') + 1)); // without the marker

    // 3. Someone also changes the queue's policy and adds a queue by hand: the SAME issue, its body replaced.
    await ok(
      api(`/policies/${enc(VHOST)}/warren.queue.billing`, 'PUT', {
        pattern: '^billing$',
        'apply-to': 'queues',
        priority: 1,
        definition: { 'message-ttl': 5000 },
      }),
      'PUT policy',
    );
    await ok(api(`/queues/${enc(VHOST)}/${enc(HOSTILE)}`, 'PUT', { durable: true }), 'PUT queue');
    ghState(ghIssues(), [{ name: 'warren-drift' }]);
    ran = runJob('staging', SECRETS);
    expect(step(ran, ISSUE)!.code, step(ran, ISSUE)!.stderr).toBe(0);
    expect(step(ran, ISSUE)!.stdout).toBe('warren: staging: drift; updated issue #1\n');
    expect(ghCommands()).toEqual(['issue list', 'issue edit 1']);
    [issue] = ghIssues();
    expect(ghIssues()).toHaveLength(1);
    expect(issue!.body).toContain('2 missing, 1 changed, 1 unmanaged');
    expect(issue!.body).toContain('<code>billing</code>'); // still missing
    expect(issue!.body).toContain(
      `| policy | <code>${VHOST}</code> | <code>warren.queue.billing</code> | <code>definition.message-ttl</code>: <code>60000</code> in the topology, <code>5000</code> on the broker |`,
    );
    // The hand-made queue: its name escaped, its row whole, at the vhost that holds it.
    const row = issue!.body.split('\n').find((l) => l.includes('stray'))!;
    expect(row).toBe(
      `| queue | <code>${VHOST}</code> | <code>stray&#124;&#60;b&#62;&#64;ops&#60;/b&#62; &#42;x&#42; &#96;y&#96; &#35;1</code> |  | [<code>topology/app.yaml&#58;${lineOf(`${VHOST}:`)}</code>](${link(lineOf(`${VHOST}:`))}) |`,
    );
    expect(issue!.body).not.toContain('<b>');
    expect(issue!.body).not.toContain('@ops');

    // The production job, against the same broker: an issue of its own.
    ran = runJob('production', SECRETS);
    expect(step(ran, ISSUE)!.stdout).toBe('warren: production: drift; opened https://github.com/acme/infra/issues/2\n');
    expect(ghIssues().map((i) => [i.number, i.title, i.state])).toEqual([
      [1, 'warren drift: staging', 'open'],
      [2, 'warren drift: production', 'open'],
    ]);
    // Another night, the same drift: each issue updated in place, still two.
    runJob('staging', SECRETS);
    runJob('production', SECRETS);
    expect(ghIssues().map((i) => [i.number, i.state])).toEqual([
      [1, 'open'],
      [2, 'open'],
    ]);
    expect(ghCommands().filter((c) => c === 'issue create')).toHaveLength(1);

    // 4. The broker put back: staging's issue closed with a comment; production's stays until its own run.
    await declare();
    ghState(ghIssues(), [{ name: 'warren-drift' }]);
    ran = runJob('staging', SECRETS);
    expect(step(ran, DRIFT)!.code, step(ran, DRIFT)!.stderr).toBe(0);
    expect(step(ran, ISSUE)!.code, step(ran, ISSUE)!.stderr).toBe(0);
    expect(step(ran, ISSUE)!.stdout).toBe('warren: staging: no drift; closed issue #1\n');
    expect(ghCommands()).toEqual(['issue list', 'issue close 1']);
    const [staging, production] = ghIssues();
    expect(staging).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(staging!.comments).toEqual([
      expect.stringMatching(
        /^Drift gone: the broker of \*\*staging\*\* holds what the topology declares \(\[run \d+\]/,
      ),
    ]);
    expect(production!.state).toBe('open');
    ran = runJob('production', SECRETS);
    expect(step(ran, ISSUE)!.stdout).toBe('warren: production: no drift; closed issue #2\n');
    expect(ghIssues().map((i) => i.state)).toEqual(['closed', 'closed']);

    // Drift again after that: a new issue (the closed one is history), still one open per environment.
    await ok(api(`/queues/${enc(VHOST)}/audit`, 'DELETE'), 'DELETE audit');
    ran = runJob('staging', SECRETS);
    expect(step(ran, ISSUE)!.stdout).toBe('warren: staging: drift; opened https://github.com/acme/infra/issues/3\n');
    expect(
      ghIssues()
        .filter((i) => i.state === 'open')
        .map((i) => i.title),
    ).toEqual(['warren drift: staging']);
    await declare();
    expectNoPassword();
  });

  it('a broker that cannot be read fails the job and leaves the issue open: it is not a broker without drift', async () => {
    await declare();
    const unreadable: [string, Record<string, string>][] = [
      ['nothing listens on the port', { ...SECRETS, RABBITMQ_MANAGEMENT_URL: 'http://127.0.0.1:1' }],
      ['a wrong password', { ...SECRETS, RABBITMQ_PASSWORD: `${PASSWORD}-old` }],
    ];
    for (const [why, secrets] of unreadable) {
      ghState([openIssue(1, 'staging')], [{ name: 'warren-drift' }]);
      const ran = runJob('staging', secrets);
      const drift = step(ran, DRIFT)!;
      expect(drift.code, why).toBe(1);
      expect(drift.stderr, why).toMatch(/^warren: the broker cannot be read: /m);
      expect(drift.stdout, why).toContain(
        '::error title=warren drift::warren drift could not check staging (exit 1, above): its drift issue is left as it is',
      );
      expect(step(ran, ISSUE), why).toBeUndefined(); // a failed step stops the job
      expect(ghCommands(), why).toEqual([]);
      expect(ghIssues(), why).toEqual([openIssue(1, 'staging')]);
    }

    // The script itself refuses any other exit code than 0 and 4, and a report that disagrees with the code.
    const dir = join(tmp, `script-${++runs}`);
    mkdirSync(dir);
    const env = { ...baseEnv(dir), GH_TOKEN: 'dummy-token' };
    const script = readFileSync(join(repo, '.github/warren/drift-issue.sh'), 'utf8');
    writeFileSync(join(dir, 'empty.json'), '');
    writeFileSync(join(dir, 'drift.json'), JSON.stringify({ drift: [{ kind: 'missing' }], unknown: [] }));
    writeFileSync(join(dir, 'none.json'), JSON.stringify({ drift: [], unknown: [] }));
    for (const [status, report] of [
      ['1', 'none.json'],
      ['2', 'none.json'],
      ['0', 'drift.json'],
      ['0', 'empty.json'],
      ['4', 'none.json'],
      ['4', 'empty.json'],
    ] as const) {
      ghState([openIssue(1, 'staging')], [{ name: 'warren-drift' }]);
      const result = bash(script, env, dir, ['staging', status, join(dir, report)]);
      expect(result.code, `${status} ${report}`).not.toBe(0);
      expect(result.stderr, `${status} ${report}`).toContain('::error title=warren drift::');
      expect(ghCommands(), `${status} ${report}`).toEqual([]);
      expect(ghIssues(), `${status} ${report}`).toEqual([openIssue(1, 'staging')]);
    }
    expectNoPassword();
  });

  it('missing secrets fail the job before warren reads anything (no fallback to the user guest)', () => {
    ghState([openIssue(1, 'staging')], [{ name: 'warren-drift' }]);
    const noUrl = runJob('staging', { ...SECRETS, RABBITMQ_MANAGEMENT_URL: '' });
    expect(step(noUrl, DRIFT)!.code).toBe(1);
    expect(step(noUrl, DRIFT)!.stdout).toBe(
      '::error title=warren drift::no secret RABBITMQ_MANAGEMENT_URL in the environment staging\n',
    );
    for (const missing of ['RABBITMQ_USER', 'RABBITMQ_PASSWORD']) {
      const ran = runJob('staging', { ...SECRETS, [missing]: '' });
      expect(step(ran, DRIFT)!.code, missing).toBe(1);
      expect(step(ran, DRIFT)!.stdout, missing).toContain('::error title=warren drift::no user or password');
      expect(step(ran, DRIFT)!.stderr, missing).toBe(''); // warren did not run
    }
    expect(ghCommands()).toEqual([]);
    expect(ghIssues()).toEqual([openIssue(1, 'staging')]);
    expectNoPassword();
  });

  it('a user and password in the URL work, and the password is masked, as written and decoded', async () => {
    await declare();
    ghState();
    const ran = runJob('staging', {
      RABBITMQ_MANAGEMENT_URL: `http://${enc(USER)}:${enc(PASSWORD)}@127.0.0.1:15672`,
    });
    const drift = step(ran, DRIFT)!;
    expect(drift.code, drift.stderr).toBe(0);
    expect(enc(PASSWORD)).not.toBe(PASSWORD);
    // The `%` of the encoded form escaped as workflow commands want it (the runner reads %25 as %).
    expect(drift.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'))).toEqual([
      `::add-mask::${enc(PASSWORD).replace(/%/g, '%25')}`,
      `::add-mask::${PASSWORD}`,
    ]);
    expect(drift.stderr).not.toContain('warning'); // no fallback to guest
    expect(step(ran, ISSUE)!.code).toBe(0);
    expectNoPassword();
  });

  it('a report over GitHub’s limit of 65,536 characters is cut at a whole row; the job summary has all of it', () => {
    const dir = join(tmp, `script-${++runs}`);
    mkdirSync(dir);
    const drift = Array.from({ length: 3000 }, (_, i) => ({
      kind: 'unmanaged',
      vhost: 'shop',
      type: 'queue',
      name: `tmp-${String(i).padStart(4, '0')}`,
      id: `shop/queue/tmp-${i}`,
      file: 'topology/app.yaml',
      line: 3,
      col: 3,
    }));
    writeFileSync(join(dir, 'drift.json'), JSON.stringify({ drift, unknown: [], notReported: [] }));
    ghState([], [{ name: 'warren-drift' }]);
    const script = readFileSync(join(repo, '.github/warren/drift-issue.sh'), 'utf8');
    const result = bash(script, { ...baseEnv(dir), GH_TOKEN: 'dummy-token' }, dir, [
      'production',
      '4',
      join(dir, 'drift.json'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    const [issue] = ghIssues();
    expect(issue!.body.length).toBeLessThanOrEqual(65_536);
    expect(issue!.body).toMatch(/^<!-- warren-drift: production -->\n## warren drift: production\n/);
    expect(issue!.body).toMatch(
      /\n\n… cut here: the whole report is in the summary of \[run \d+\]\(https:\/\/github\.com\/acme\/infra\/actions\/runs\/\d+\) at [0-9a-f]{7}\.\n$/,
    );
    const rows = issue!.body.split('\n').filter((l) => l.startsWith('| queue |'));
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) expect(row).toMatch(/^\| queue \| <code>shop<\/code> \| <code>tmp-\d{4}<\/code> \|.* \|$/);
    expect(result.summary.split('\n').filter((l) => l.startsWith('| queue |'))).toHaveLength(3000);
  });
});
