// A stand-in for the GitHub CLI, for the workflow tests (test/workflow*.test.ts).
// `gh api` on a pull request's comments, kept in a JSON file (FAKE_GH_STATE:
// { nextId, comments: [{ id, body }] }); `gh issue list|create|edit|close` and
// `gh label create` on issues and labels kept in the same file (issues:
// [{ number, title, body, labels, state, stateReason, comments }], labels:
// [{ name, color, description }], nextIssue). Every call is appended to
// FAKE_GH_LOG (one JSON object per line: argv, and for `api` the method,
// endpoint and fields sent). Like gh, it needs GH_TOKEN, prints strings raw
// through --jq (applied by jq, as gh applies gojq) and nothing with --silent;
// `issue create` refuses a label the repository does not have, as gh does.
// Any other call or flag fails, so the script under test can use nothing else.
import { spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const statePath = process.env.FAKE_GH_STATE;
const logPath = process.env.FAKE_GH_LOG;
if (!statePath || !logPath) {
  process.stderr.write('fake gh: FAKE_GH_STATE and FAKE_GH_LOG must be set\n');
  process.exit(1);
}

const fail = (message, code = 1) => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

if (!process.env.GH_TOKEN)
  // gh's own words.
  fail('gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.', 4);
if (argv[0] === 'issue' || argv[0] === 'label') {
  ghIssues();
  process.exit(0);
}

let method = 'GET';
let jq;
let silent = false;
let paginate = false;
const fields = {};
const positional = [];
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--method' || arg === '-X') method = argv[++i];
  else if (arg === '--jq' || arg === '-q') jq = argv[++i];
  else if (arg === '--silent') silent = true;
  else if (arg === '--paginate') paginate = true;
  else if (arg === '-F' || arg === '--field') {
    const [key, ...rest] = argv[++i].split('=');
    const value = rest.join('=');
    fields[key] = value.startsWith('@') ? readFileSync(value.slice(1), 'utf8') : value;
  } else if (arg.startsWith('-')) fail(`fake gh: unknown flag ${arg}`);
  else positional.push(arg);
}

if (positional[0] !== 'api' || positional.length !== 2) fail(`fake gh: unexpected call: gh ${argv.join(' ')}`);
// gh turns -F fields into a POST unless --method says otherwise.
if (Object.keys(fields).length > 0 && !argv.includes('--method') && !argv.includes('-X')) method = 'POST';

const endpoint = positional[1];
appendFileSync(logPath, `${JSON.stringify({ argv, method, endpoint, paginate, fields })}\n`);

const state = JSON.parse(readFileSync(statePath, 'utf8'));
const list = /^repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(endpoint);
const one = /^repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(endpoint);
let response;
if (list && method === 'GET') {
  response = state.comments;
} else if (list && method === 'POST') {
  if (typeof fields.body !== 'string') fail('gh: HTTP 422: body is missing');
  response = { id: state.nextId++, body: fields.body };
  state.comments.push(response);
} else if (one && method === 'PATCH') {
  response = state.comments.find((c) => c.id === Number(one[1]));
  if (!response) fail('gh: Not Found (HTTP 404)');
  if (typeof fields.body !== 'string') fail('gh: HTTP 422: body is missing');
  response.body = fields.body;
} else fail(`fake gh: unexpected call: ${method} ${endpoint}`);
writeFileSync(statePath, JSON.stringify(state));

if (silent) process.exit(0);
const json = JSON.stringify(response);
if (jq === undefined) process.stdout.write(`${json}\n`);
else {
  const run = spawnSync('jq', ['-r', jq], { input: json, encoding: 'utf8' });
  if (run.status !== 0) fail(`fake gh: jq ${jq}: ${run.stderr || run.error}`);
  process.stdout.write(run.stdout);
}

/** `gh issue …` and `gh label create`: the flags each takes, with or without a value, as gh spells them. */
function ghIssues() {
  const command = `${argv[0]} ${argv[1]}`;
  const takes = {
    'issue list': ['--repo', '--label', '--state', '--limit', '--json', '--jq'],
    'issue create': ['--repo', '--title', '--body-file', '--label'],
    'issue edit': ['--repo', '--body-file', '--title'],
    'issue close': ['--repo', '--comment', '--reason'],
    'label create': ['--repo', '--color', '--description'],
  }[command];
  if (!takes) fail(`fake gh: unexpected call: gh ${argv.join(' ')}`);
  const flags = {};
  const args = [];
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i];
    if (command === 'label create' && arg === '--force') flags.force = true;
    else if (takes.includes(arg)) {
      if (i + 1 >= argv.length) fail(`flag needs an argument: ${arg}`);
      flags[arg] = [...(flags[arg] ?? []), argv[++i]];
    } else if (arg.startsWith('-')) fail(`fake gh: unknown flag ${arg} for gh ${command}`);
    else args.push(arg);
  }
  const one = (flag) => flags[flag]?.at(-1);
  appendFileSync(logPath, `${JSON.stringify({ argv, command, args })}\n`);
  // The scratch repository has no remote to take the repository from: the script must name it.
  const repo = one('--repo') ?? process.env.GH_REPO;
  if (!repo) fail('fake gh: no --repo (nor GH_REPO): the scratch repository has no remote to infer it from');

  const state = JSON.parse(readFileSync(statePath, 'utf8'));
  state.issues ??= [];
  state.labels ??= [];
  state.nextIssue ??= Math.max(0, ...state.issues.map((x) => x.number)) + 1;
  const url = (n) => `https://github.com/${repo}/issues/${n}`;
  const bodyFrom = (file) => (file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8'));
  const issueArg = () => {
    if (args.length !== 1) fail(`fake gh: gh ${command} takes one issue number`);
    const issue = state.issues.find((x) => x.number === Number(args[0]));
    if (!issue) fail(`GraphQL: Could not resolve to an issue or pull request with the number of ${args[0]}.`);
    return issue;
  };
  let out = '';
  switch (command) {
    case 'issue list': {
      const stateWanted = one('--state') ?? 'open';
      const labels = flags['--label'] ?? [];
      const fields = one('--json')?.split(',');
      if (!fields) fail('fake gh: issue list without --json (the script reads its output)');
      const found = state.issues
        .filter((x) => stateWanted === 'all' || x.state === stateWanted)
        .filter((x) => labels.every((l) => x.labels.includes(l)))
        .sort((a, b) => b.number - a.number) // newest first, as gh lists them
        .slice(0, Number(one('--limit') ?? 30))
        .map((x) =>
          Object.fromEntries(
            fields.map((f) => [
              f,
              f === 'labels' ? x.labels.map((name) => ({ name })) : f === 'state' ? x.state.toUpperCase() : x[f],
            ]),
          ),
        );
      const json = JSON.stringify(found);
      out = one('--jq') === undefined ? `${json}\n` : applyJq(one('--jq'), json);
      break;
    }
    case 'issue create': {
      const title = one('--title');
      const file = one('--body-file');
      if (!title || file === undefined) fail('fake gh: issue create needs --title and --body-file');
      const labels = flags['--label'] ?? [];
      for (const l of labels)
        if (!state.labels.some((x) => x.name === l)) fail(`could not add label: '${l}' not found`);
      const issue = { number: state.nextIssue++, title, body: bodyFrom(file), labels, state: 'open', comments: [] };
      state.issues.push(issue);
      out = `${url(issue.number)}\n`;
      break;
    }
    case 'issue edit': {
      const issue = issueArg();
      if (one('--body-file') !== undefined) issue.body = bodyFrom(one('--body-file'));
      if (one('--title') !== undefined) issue.title = one('--title');
      out = `${url(issue.number)}\n`;
      break;
    }
    case 'issue close': {
      const issue = issueArg();
      const reason = one('--reason');
      if (reason !== undefined && reason !== 'completed' && reason !== 'not planned')
        fail(`invalid argument "${reason}" for "-r, --reason" flag`);
      if (issue.state === 'closed') {
        // gh's words; it leaves the issue (and adds no comment).
        process.stderr.write(`! Issue ${repo}#${issue.number} (${issue.title}) is already closed\n`);
        break;
      }
      if (one('--comment') !== undefined) issue.comments.push(one('--comment'));
      issue.state = 'closed';
      issue.stateReason = reason ?? 'completed';
      process.stderr.write(`✓ Closed issue ${repo}#${issue.number} (${issue.title})\n`);
      break;
    }
    case 'label create': {
      const name = args[0];
      if (!name || args.length !== 1) fail('fake gh: label create takes one name');
      const existing = state.labels.find((x) => x.name === name);
      if (existing && !flags.force)
        fail(`label with name "${name}" already exists; use \`--force\` to update its color and description`);
      const label = { name, color: one('--color') ?? 'ededed', description: one('--description') ?? '' };
      if (existing) Object.assign(existing, label);
      else state.labels.push(label);
      break;
    }
  }
  writeFileSync(statePath, JSON.stringify(state));
  process.stdout.write(out);
}

/** `--jq`, applied by jq as gh applies gojq: strings printed raw. */
function applyJq(filter, json) {
  const run = spawnSync('jq', ['-r', filter], { input: json, encoding: 'utf8' });
  if (run.status !== 0) fail(`fake gh: jq ${filter}: ${run.stderr || run.error}`);
  return run.stdout;
}
