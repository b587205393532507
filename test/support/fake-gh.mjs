// A stand-in for the GitHub CLI, for test/workflow.test.ts: `gh api` on a
// pull request's comments, kept in a JSON file (FAKE_GH_STATE: { nextId,
// comments: [{ id, body }] }), every call appended to FAKE_GH_LOG (one JSON
// object per line: argv, and the body sent). Like gh, it needs GH_TOKEN, prints
// strings raw through --jq (applied by jq, as gh applies gojq) and nothing with
// --silent. Any other call fails, so the script under test can use nothing else.
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

if (!process.env.GH_TOKEN)
  // gh's own words.
  fail('gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.', 4);
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
