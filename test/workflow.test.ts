// The example GitHub Actions workflow (examples/github-actions/) works as
// written: the `run:` steps of its pull-request job are run with bash, as the
// runner runs them, in a scratch infrastructure repository that has warren
// installed from this repository's package (`npm pack`), a base commit and head
// commits, `.base` checked out at the base as actions/checkout would, GitHub's
// variables set, and fakes of `gh` (test/support/fake-gh.mjs) and `pulumi` on
// PATH. Neither GitHub nor a broker is reached.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import jsYaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/run-cli.js';
import { makeScratchRepo, type ScratchRepo } from './support/scratch-repo.js';

const EXAMPLE = join(ROOT, 'examples/github-actions');
const LABEL = 'warren/approved-data-loss';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if: string;
  env?: Record<string, string>;
  defaults?: { run?: { shell?: string } };
  steps: Step[];
}
const workflow = jsYaml.load(readFileSync(join(EXAMPLE, 'warren.yml'), 'utf8')) as {
  on: { pull_request: { types: string[]; paths: string[] }; push: { branches: string[] } };
  env: Record<string, string>;
  jobs: Record<string, Job>;
};
const check = workflow.jobs.check!;

/** The check job's step whose name starts with `prefix`. */
function step(prefix: string): Step {
  const found = check.steps.filter((s) => s.name?.startsWith(prefix));
  if (found.length !== 1) throw new Error(`${found.length} steps named "${prefix}…"`);
  return found[0]!;
}
const VALIDATE = 'warren validate';
const DIFF = 'warren diff';
const POST = 'post the diff';
const PREVIEW = 'pulumi preview';
const GATE = 'data-losing or access changes need';

// ---------------------------------------------------------------------------
// The scratch repository, made once for the file (each test checks out what it needs).

let tmp: string;
let repo: string;
let fakeBin: string;
const commits: Record<'empty' | 'base' | 'dataLosing' | 'safe' | 'access' | 'invalid', string> = {
  empty: '',
  base: '',
  dataLosing: '',
  safe: '',
  access: '',
  invalid: '',
};

let git: ScratchRepo['git'];

/** Edits a file of the repo, failing when `from` is not in it (the fixture drifted). */
function edit(file: string, from: string, to: string): void {
  const path = join(repo, file);
  const text = readFileSync(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
  writeFileSync(path, text.replace(from, to));
}

/** A head commit on top of the base: `change` edits the work tree. */
function commitHead(message: string, change: () => void): string {
  git('checkout', '-q', '--detach', commits.base);
  change();
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD').trim();
}

beforeAll(() => {
  ({ tmp, repo, fakeBin, git } = makeScratchRepo('warren-workflow-'));
  // A fake pulumi beside the fake gh: it records its arguments.
  writeFileSync(
    join(fakeBin, 'pulumi'),
    '#!/bin/sh\nprintf "%s\\n" "$PWD" "$@" > "$FAKE_PULUMI_LOG"\necho "Previewing update (fake pulumi)"\n',
  );
  chmodSync(join(fakeBin, 'pulumi'), 0o755);

  // Commits: the workflow alone (a base branch without a topology), then the
  // example topology and stacks (the base), then one head per kind of change.
  mkdirSync(join(repo, '.github/workflows'), { recursive: true });
  mkdirSync(join(repo, '.github/warren'), { recursive: true });
  cpSync(join(EXAMPLE, 'warren.yml'), join(repo, '.github/workflows/warren.yml'));
  cpSync(join(EXAMPLE, 'post-comment.sh'), join(repo, '.github/warren/post-comment.sh'));
  git('add', '-A');
  git('commit', '-q', '-m', 'warren workflow');
  commits.empty = git('rev-parse', 'HEAD').trim();
  cpSync(join(ROOT, 'topology'), join(repo, 'topology'), { recursive: true });
  cpSync(join(ROOT, 'stacks'), join(repo, 'stacks'), { recursive: true });
  git('add', '-A');
  git('commit', '-q', '-m', 'topology');
  commits.base = git('rev-parse', 'HEAD').trim();

  commits.dataLosing = commitHead('shorter TTL', () =>
    edit('topology/shop.yaml', 'messageTtl: 60s', 'messageTtl: 10s'),
  );
  commits.safe = commitHead('a new queue; a staging limit', () => {
    edit('topology/shop.yaml', '      csv_reports: {}\n', '      csv_reports: {}\n      audit_orders: {}\n');
    edit('stacks/Pulumi.staging.yaml', 'maxQueues: 200', 'maxQueues: 300');
  });
  commits.access = commitHead('a user tag', () =>
    edit('topology/users.yaml', 'tags: [monitoring]', 'tags: [monitoring, administrator]'),
  );
  commits.invalid = commitHead('typos', () => {
    edit('topology/shop.yaml', '        deliveryLimit: 5\n', '        deliveryLimit: 5\n        messageTTL: 5s\n');
    edit('stacks/Pulumi.staging.yaml', '{ messageTtl: 1h }', '{ messageTtl: 1h, maxLenght: 5 }');
  });
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, 120_000);

/** The work tree at `head` and `.base` at `base`, as the job's two checkouts leave them; nothing else. */
function checkout(head: keyof typeof commits, base: keyof typeof commits = 'base'): void {
  if (existsSync(join(repo, '.base'))) git('worktree', 'remove', '--force', '.base');
  git('checkout', '-q', '--detach', commits[head]);
  git('clean', '-q', '-f', '-d');
  git('worktree', 'add', '-q', '--detach', '.base', commits[base]);
}

// ---------------------------------------------------------------------------
// Running a step as the runner does.

interface Event {
  labels?: string[];
  vars?: Record<string, string>;
}

/** `${{ … }}` in an `env:` value, for the expressions the workflow uses (any other fails the test). */
function evaluate(value: string, env: Record<string, string>, event: Event): string {
  return value.replace(/\$\{\{\s*(.+?)\s*\}\}/g, (_, expr: string) => {
    const variable = /^(vars|secrets|env)\.(\w+)$/.exec(expr);
    if (variable?.[1] === 'vars') return event.vars?.[variable[2]!] ?? ''; // unset: empty, as on GitHub
    if (variable?.[1] === 'secrets') return '';
    if (variable?.[1] === 'env') return env[variable[2]!] ?? '';
    const label = /^contains\(github\.event\.pull_request\.labels\.\*\.name, (?:env\.(\w+)|'([^']*)')\)$/.exec(expr);
    if (label) return String((event.labels ?? []).includes(label[1] ? (env[label[1]] ?? '') : label[2]!));
    const known: Record<string, string> = {
      'github.token': 'dummy-token',
      'github.event.pull_request.number': '7',
      'github.base_ref': 'main',
    };
    if (expr in known) return known[expr]!;
    throw new Error(`an expression this test does not evaluate: ${expr}`);
  });
}

interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: string;
}

let runs = 0;
/** Runs the check job's step `name`; `override` replaces variables after the workflow's env is laid. */
function runStep(name: string, event: Event = {}, override: Record<string, string> = {}): StepResult {
  const s = step(name);
  const dir = join(tmp, `step-${++runs}`);
  mkdirSync(dir);
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, '');
  writeFileSync(join(dir, 'output'), '');
  const script = join(dir, 'script.sh');
  writeFileSync(script, s.run!);
  let env: Record<string, string> = {
    PATH: [fakeBin, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: process.env.HOME ?? tmp,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_BASE_REF: 'main',
    GITHUB_HEAD_REF: 'change',
    GITHUB_WORKSPACE: repo,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: join(dir, 'output'),
    RUNNER_TEMP: dir,
    npm_config_update_notifier: 'false',
    FAKE_GH_STATE: join(tmp, 'gh-state.json'),
    FAKE_GH_LOG: join(tmp, 'gh-log.jsonl'),
    FAKE_PULUMI_LOG: join(tmp, 'pulumi-argv.txt'),
  };
  for (const scope of [workflow.env, check.env ?? {}, s.env ?? {}])
    for (const [key, value] of Object.entries(scope)) env = { ...env, [key]: evaluate(String(value), env, event) };
  env = { ...env, ...override };
  // `shell: bash` runs `bash --noprofile --norc -eo pipefail {0}`.
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: repo,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, summary: readFileSync(summary, 'utf8') };
}

/** The fake gh's comments, before a run, and its log of calls. */
function ghState(comments: { id: number; body: string }[]): void {
  writeFileSync(join(tmp, 'gh-state.json'), JSON.stringify({ nextId: 1000, comments }));
  writeFileSync(join(tmp, 'gh-log.jsonl'), '');
}
const ghComments = () =>
  (JSON.parse(readFileSync(join(tmp, 'gh-state.json'), 'utf8')) as { comments: { id: number; body: string }[] })
    .comments;
const ghCalls = () =>
  readFileSync(join(tmp, 'gh-log.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { argv: string[]; method: string; endpoint: string; paginate: boolean });
const comment = () => readFileSync(join(repo, 'comment.md'), 'utf8');

// ---------------------------------------------------------------------------

// Each step starts warren once or more (about a second each, more on busy cores).
describe('examples/github-actions/warren.yml', { timeout: 120_000 }, () => {
  it('checks pull requests (again when a label changes) and deploys pushes to main', () => {
    expect(workflow.on.pull_request.types).toEqual(
      expect.arrayContaining(['opened', 'synchronize', 'reopened', 'labeled', 'unlabeled']),
    );
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(check.if).toContain('pull_request');
    expect(workflow.jobs.deploy!.if).toContain('push');
    expect(check.defaults?.run?.shell).toBe('bash');
    // The steps, in order; every `run:` step but `npm ci` is run by the tests below.
    expect(check.steps.map((s) => s.name ?? s.uses ?? s.run)).toEqual([
      'actions/checkout@v4',
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'npm ci',
      expect.stringMatching(/^warren validate/),
      expect.stringMatching(/^warren diff/),
      expect.stringMatching(/^post the diff/),
      'pulumi/actions@v6',
      expect.stringMatching(/^pulumi preview/),
      expect.stringMatching(/^data-losing or access changes need/),
    ]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, not a template
    expect(check.steps[1]!.with).toEqual({ ref: '${{ github.base_ref }}', path: '.base' });
    // Expressions reach the shell only through env: none is pasted into a script.
    for (const s of check.steps) expect(s.run ?? '').not.toContain('${{');
    expect(check.env?.APPROVAL_LABEL).toBe(LABEL);
    const deploy = workflow.jobs.deploy!.steps.map((s) => s.run ?? '').join('\n');
    expect(deploy).toMatch(/pulumi up --stack "\$stack" --yes/);
  });

  it('validate: a valid head passes silently; each problem is one annotation at its file, line and column', () => {
    checkout('safe');
    const ok = runStep(VALIDATE);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe('');

    checkout('invalid');
    const bad = runStep(VALIDATE);
    expect(bad.code).toBe(1);
    // The topology's problem once (every stack's run finds it too), the stack's once.
    const stackLine = readFileSync(join(repo, 'stacks/Pulumi.staging.yaml'), 'utf8').split('\n');
    const row = stackLine.findIndex((l) => l.includes('maxLenght'));
    expect(bad.stdout.split('\n').filter(Boolean)).toEqual([
      '::error file=topology/shop.yaml,line=23,col=9,title=unknown-field::unknown field `messageTTL` (did you mean `messageTtl`?)',
      `::error file=stacks/Pulumi.staging.yaml,line=${row + 1},col=${stackLine[row]!.indexOf('maxLenght') + 1},title=unknown-field::unknown field \`maxLenght\` (did you mean \`maxLength\`?)`,
    ]);
  });

  it('diff: the comment and job summary say what changes and whether the label is needed', () => {
    checkout('dataLosing');
    const blocked = runStep(DIFF);
    expect(blocked.code, blocked.stderr).toBe(0);
    expect(comment()).toMatch(/^## warren diff\n\n\*\*1 change: 1 data-losing/);
    expect(comment()).toContain('queue order\\_processor: definition.message-ttl 60000 → 10000');
    // The picture of what changes, which GitHub draws from the Mermaid block: the queue, marked with its class.
    expect(comment()).toMatch(
      /```mermaid\nflowchart LR\n[\s\S]*"order_processor<br\/>quorum<br\/>DATA-LOSING: changed"[\s\S]*```\n/,
    );
    expect(comment()).toContain(`this check fails until a maintainer adds the label \`${LABEL}\``);
    expect(comment()).not.toContain('[!NOTE]'); // the stack file is the same on both sides
    expect(blocked.summary).toBe(comment());
    // No broker URL in the repository's variables: no live counts, no warning.
    expect(comment()).not.toContain('count unknown');
    expect(blocked.stderr).not.toContain('warning');

    const approved = runStep(DIFF, { labels: ['documentation', LABEL] });
    expect(approved.code, approved.stderr).toBe(0);
    expect(comment()).toContain(`**Data-losing or access changes**, approved by the label \`${LABEL}\``);

    checkout('safe');
    const safe = runStep(DIFF);
    expect(safe.code, safe.stderr).toBe(0);
    expect(comment()).toMatch(/^## warren diff\n\n\*\*1 change: 0 data-losing, 0 disruptive, 1 safe/);
    expect(comment()).not.toContain('Data-losing or access changes');
    // The stack file changed: the comment says its changes are not in the diff.
    expect(comment()).toContain('This pull request changes `stacks/Pulumi.staging.yaml`');
  });

  it('diff: a broker URL in the repository variables asks for live counts (here a port nothing answers)', () => {
    checkout('dataLosing');
    const result = runStep(DIFF, { vars: { STAGING_MANAGEMENT_URL: 'http://127.0.0.1:1' } });
    expect(result.code, result.stderr).toBe(0);
    expect(comment()).toContain('count unknown: the broker at http://127.0.0.1:1 could not be read');
  });

  it('diff and gate: a base branch without a topology (the pull request that adds it) passes', () => {
    checkout('base', 'empty');
    const diff = runStep(DIFF);
    expect(diff.code, diff.stderr).toBe(0);
    expect(comment()).toBe('## warren diff\n\nThe base branch has no `topology/` yet: nothing to compare.\n');
    const gate = runStep(GATE);
    expect(gate.code, gate.stderr).toBe(0);
  });

  it('the comment: posted once, then that same comment edited on every run', () => {
    const others = [
      { id: 11, body: 'LGTM' },
      { id: 12, body: 'The bot writes <!-- warren-diff --> on its comment' },
    ];
    ghState(others);
    checkout('dataLosing');
    expect(runStep(DIFF).code).toBe(0);
    const first = runStep(POST);
    expect(first.code, first.stderr).toBe(0);
    let calls = ghCalls();
    expect(calls.map((c) => [c.method, c.endpoint])).toEqual([
      ['GET', 'repos/acme/infra/issues/7/comments'],
      ['POST', 'repos/acme/infra/issues/7/comments'],
    ]);
    expect(calls[0]!.paginate).toBe(true);
    expect(ghComments()).toEqual([...others, { id: 1000, body: `<!-- warren-diff -->\n${comment()}` }]);

    // A new push: the same comment, now with the new diff.
    checkout('safe');
    ghState(ghComments());
    expect(runStep(DIFF).code).toBe(0);
    const second = runStep(POST);
    expect(second.code, second.stderr).toBe(0);
    calls = ghCalls();
    expect(calls.map((c) => [c.method, c.endpoint])).toEqual([
      ['GET', 'repos/acme/infra/issues/7/comments'],
      ['PATCH', 'repos/acme/infra/issues/comments/1000'],
    ]);
    expect(ghComments()).toEqual([...others, { id: 1000, body: `<!-- warren-diff -->\n${comment()}` }]);
    expect(comment()).toContain('1 safe');
  });

  it('the comment: cut below GitHub’s limit of 65,536 characters, pointing to the job summary', () => {
    ghState([]);
    checkout('safe');
    writeFileSync(join(repo, 'comment.md'), `## warren diff\n\n${'| row |\n'.repeat(10_000)}`);
    const result = runStep(POST);
    expect(result.code, result.stderr).toBe(0);
    const [posted] = ghComments();
    expect(posted!.body.length).toBeLessThanOrEqual(65_536);
    expect(posted!.body).toMatch(/^<!-- warren-diff -->\n## warren diff\n/);
    expect(posted!.body).toMatch(/the whole diff is in the job summary of this run\.\n$/);
  });

  it('the comment: without GH_TOKEN the step fails and nothing is posted', () => {
    ghState([]);
    checkout('safe');
    writeFileSync(join(repo, 'comment.md'), 'x\n');
    const result = runStep(POST, {}, { GH_TOKEN: '' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('GH_TOKEN is not set');
    expect(ghComments()).toEqual([]);
  });

  it("pulumi preview --diff of the check job's stack, in the repository", () => {
    checkout('dataLosing');
    const result = runStep(PREVIEW);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(tmp, 'pulumi-argv.txt'), 'utf8').split('\n').filter(Boolean)).toEqual([
      repo,
      'preview',
      '--stack',
      'staging',
      '--diff',
      '--non-interactive',
    ]);
  });

  it('the gate: data-losing or access changes fail the job unless the pull request has the label', () => {
    checkout('dataLosing');
    const blocked = runStep(GATE, { labels: ['documentation'] });
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toContain('DATA-LOSING change shop/queue-settings/order_processor');
    expect(blocked.stdout).toContain(
      `::error title=warren::Data-losing or access changes (above): add the label ${LABEL}`,
    );
    const approved = runStep(GATE, { labels: [LABEL] });
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(
      `::notice title=warren::Data-losing or access changes, approved by the label ${LABEL}.`,
    );

    checkout('access');
    const access = runStep(GATE);
    expect(access.code).toBe(1);
    expect(access.stdout).toContain('[ACCESS]');
    expect(runStep(GATE, { labels: [LABEL] }).code).toBe(0);

    checkout('safe');
    const safe = runStep(GATE);
    expect(safe.code, safe.stderr).toBe(0);
    expect(safe.stdout).toContain('No data-losing or access change.');
  });
});
