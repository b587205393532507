// Shared state for a team, on Pulumi's PostgreSQL backend (`postgres://`, a
// DIY backend of the CLI warren builds): two clones of the project, each with
// the same stack file (passphrase salt included), one database. An up from
// one clone is seen by the other; two ups started at once are serialised by
// the backend's lock (one refused with Pulumi's message, never both applied)
// and leave the state whole; destroy from the other clone. The database is the
// test's own (created, then dropped); scripts/ensure-postgres.sh makes sure the
// server runs (`scripts/setup.sh --tests`).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, enc } from './support/broker.js';
import { E2EProject, expectOk, type Run } from './support/e2e-project.js';

const PREFIX = 'e2p-';
const EXTRA = `${PREFIX}extra`;
const VHOSTS = [`${PREFIX}shop`, `${PREFIX}ops`, EXTRA];
/** The local server, as scripts/ensure-postgres.sh leaves it: the test user logs in on 127.0.0.1 without a password. */
const SERVER = 'postgres://root@127.0.0.1:5432';
const DB = `warren_e2e_${randomBytes(4).toString('hex')}`;
// A password in the URL, as a team's would carry: the local server does not ask
// for it (trust on the loopback address), and no output may show it.
const URL_PASSWORD = `pg-${randomBytes(12).toString('hex')}`;
const BACKEND = `postgres://root:${URL_PASSWORD}@127.0.0.1:5432/${DB}?sslmode=disable`;
/** What Pulumi's DIY backends say when another process holds the stack's lock. */
const LOCKED =
  /error: the stack is currently locked by 1 lock\(s\)\. Either wait for the other process\(es\) to end or delete the lock file with `pulumi cancel`\./;
/**
 * The other refusal: the lock check lists the stack's locks, then reads each; a lock deleted in between (the other
 * process's, released or given up) fails the listing (seen once in CI). Nothing is applied either way.
 */
const LISTED_AWAY = /error: could not list bucket: blob \(code=NotFound\): sql: no rows in result set/;

const a = new E2EProject(undefined, PREFIX, { backendUrl: BACKEND });
const b = new E2EProject(undefined, PREFIX, { backendUrl: BACKEND });
/** Everything the CLI printed, to prove that no secret is in it. */
const outputs: string[] = [];

/** A CLI run that does not block the test's worker (vitest gives up on a worker silent for a minute). */
async function pulumi(project: E2EProject, ...args: string[]): Promise<Run> {
  const run = await project.pulumiAsync(...args);
  outputs.push(run.output);
  return run;
}

function psql(sql: string, db = 'postgres'): string {
  const run = spawnSync('psql', ['-w', '-X', '-v', 'ON_ERROR_STOP=1', '-Atc', sql, `${SERVER}/${db}`], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if (run.status !== 0)
    throw new Error(`psql failed (exit ${run.status}${run.error ? `, ${run.error.message}` : ''}): ${run.stderr}`);
  return run.stdout.trim();
}

/** The backend's table: key → the blob's bytes (stored base64 in a JSON column), as text. */
function stateRows(): Record<string, string> {
  const rows = JSON.parse(
    psql(`SELECT coalesce(json_object_agg(key, data->>'data'), '{}') FROM pulumi_state`, DB),
  ) as Record<string, string>;
  return Object.fromEntries(
    Object.entries(rows).map(([key, data]) => {
      const bytes = Buffer.from(data, 'base64');
      return [key, (key.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('latin1')];
    }),
  );
}

async function cleanUpBroker(): Promise<void> {
  for (const v of VHOSTS) await api(`/vhosts/${enc(v)}`, 'DELETE');
  const users = (await api<{ name: string }[]>('/users')).body.filter((u) => u.name.startsWith(PREFIX));
  for (const u of users) await api(`/users/${enc(u.name)}`, 'DELETE');
}

const extraTopology = `version: 1
vhosts:
  ${EXTRA}:
    exchanges:
      in: { type: direct }
    queues:
${Array.from({ length: 8 }, (_, i) => `      q${i}: {}`).join('\n')}
    bindings:
${Array.from({ length: 8 }, (_, i) => `      - { from: in, to: q${i}, key: k${i} }`).join('\n')}
`;

beforeAll(async () => {
  // Leftovers of an interrupted earlier run would disagree with the fresh state.
  await cleanUpBroker();
  psql(`CREATE DATABASE ${DB}`);
}, 60_000);

afterAll(async () => {
  await cleanUpBroker();
  psql(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
}, 60_000);

describe('shared state on PostgreSQL', () => {
  it('an up from one clone is the state of the other clone, which sees no changes', async () => {
    a.init();
    expectOk(await pulumi(a, 'up', '--yes', '--skip-preview'), 'up from clone A');
    // The state is in the database, not in a file beside either clone.
    expect(Object.keys(stateRows())).toContain(`${DB}/.pulumi/stacks/warren-e2e/e2e.json`);
    expect(readdirSync(a.stateDir)).toEqual([]);

    // The second clone: same project, topology and stack file (the passphrase's salt is in it).
    const stackFile = readFileSync(a.stackFile(), 'utf8');
    expect(stackFile).toMatch(/^encryptionsalt: /m);
    copyFileSync(a.stackFile(), b.stackFile());
    const preview = expectOk(await pulumi(b, 'preview', '--expect-no-changes'), 'preview from clone B');
    expect(preview.output).toMatch(/\d+ unchanged/);
    expect(readdirSync(b.stateDir)).toEqual([]);
    expect((await api<object[]>(`/queues/${enc(`${PREFIX}shop`)}`)).body).toHaveLength(11);
  }, 600_000);

  it('two ups at once: one is refused by the lock while the other applies, and the state stays whole', async () => {
    for (const project of [a, b]) writeFileSync(join(project.dir, 'topology', 'extra.yaml'), extraTopology);
    // The lock is written, then read back: when both processes write theirs in the
    // same instant, each sees the other's and both give up (nothing applied); start again.
    let runs: Run[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      runs = await Promise.all([a, b].map((p) => p.pulumiAsync('up', '--yes', '--skip-preview')));
      outputs.push(...runs.map((r) => r.output));
      const applied = runs.filter((r) => r.code === 0).length;
      expect(applied, 'both ups applied').toBeLessThan(2);
      for (const refused of runs.filter((r) => r.code !== 0))
        expect(LOCKED.test(refused.output) || LISTED_AWAY.test(refused.output), refused.output).toBe(true);
      if (applied === 1) break;
    }
    const winner = runs.find((r) => r.code === 0);
    const loser = runs.find((r) => r.code !== 0);
    expect(winner, 'one up applied').toBeDefined();
    expect(winner!.output).toMatch(/\+ 18 created/);
    // Pulumi names the lock and who holds it, the URL's credentials masked (unless the lock vanished as it was read).
    if (!LOCKED.test(loser!.output)) console.log(`the refused up: ${loser!.output.trim()}`);
    else
      expect(loser!.output).toMatch(
        new RegExp(
          `^  postgres://\\*{4}:\\*{4}@127\\.0\\.0\\.1:5432/${DB}/\\.pulumi/locks/organization/warren-e2e/e2e/[0-9a-f-]{36}\\.json\\?sslmode=disable: created by \\S+@\\S+ \\(pid \\d+\\) at \\d{4}-\\d\\d-\\d\\dT\\S+$`,
          'm',
        ),
      );

    // No lock left behind, and the state parses, with every resource once and nothing pending.
    expect(Object.keys(stateRows()).filter((k) => k.startsWith(`${DB}/.pulumi/locks/`))).toEqual([]);
    const exported = JSON.parse(a.stdout('stack', 'export')) as {
      deployment: { resources: { urn: string }[]; pending_operations?: unknown[] };
    };
    const urns = exported.deployment.resources.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
    expect(urns.filter((u) => u.includes(EXTRA))).toHaveLength(18);
    expect(exported.deployment.pending_operations ?? []).toEqual([]);
    for (const project of [a, b])
      expectOk(await pulumi(project, 'preview', '--expect-no-changes'), `preview from ${project === a ? 'A' : 'B'}`);

    // On the broker: each object once.
    const queues = (await api<{ name: string }[]>(`/queues/${enc(EXTRA)}`)).body.map((q) => q.name).sort();
    expect(queues).toEqual(Array.from({ length: 8 }, (_, i) => `q${i}`).sort());
    const bindings = (
      await api<{ source: string; destination: string; routing_key: string }[]>(`/bindings/${enc(EXTRA)}`)
    ).body.filter((x) => x.source === 'in');
    expect(bindings.map((x) => `${x.destination}[${x.routing_key}]`).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `q${i}[k${i}]`).sort(),
    );
    const exchanges = (await api<{ name: string }[]>(`/exchanges/${enc(EXTRA)}`)).body.filter(
      (x) => x.name !== '' && !x.name.startsWith('amq.'),
    );
    expect(exchanges.map((x) => x.name)).toEqual(['in']);
  }, 900_000);

  it('no clear-text secret in the database or in any output', async () => {
    await pulumi(b, 'stack', 'output', '--json');
    await pulumi(b, 'preview', '--diff');
    const state = Object.values(stateRows()).join('\n');
    expect(state.length).toBeGreaterThan(1000);
    expect(state).toContain('ciphertext');
    const printed = outputs.join('\n');
    const secrets = { ...a.passwords, urlPassword: URL_PASSWORD };
    for (const [key, secret] of Object.entries(secrets)) {
      if (key === 'managementPassword') continue; // "guest" also names the user
      expect(state.includes(secret), `${key} in state`).toBe(false);
      expect(printed.includes(secret), `${key} in output`).toBe(false);
    }
  }, 600_000);

  it('destroy from the other clone, then the database is dropped', async () => {
    expectOk(await pulumi(b, 'destroy', '--yes', '--skip-preview'), 'destroy from clone B');
    for (const v of VHOSTS) expect((await api(`/vhosts/${enc(v)}`)).status, v).toBe(404);
    expect((await api<{ name: string }[]>('/users')).body.filter((u) => u.name.startsWith(PREFIX))).toEqual([]);
    // The first clone reads the same, now empty, stack.
    expect(
      (JSON.parse(a.stdout('stack', 'export')) as { deployment: { resources?: unknown[] } }).deployment.resources ?? [],
    ).toEqual([]);
    psql(`DROP DATABASE ${DB} WITH (FORCE)`);
    expect(psql(`SELECT count(*) FROM pg_database WHERE datname = '${DB}'`)).toBe('0');
  }, 600_000);
});
