// Issue 16's "done when" on the real broker: a broker holding federation
// upstreams (one URI and a list), an upstream set, shovels and super streams
// is exported, `warren import` turns that export into a topology, and `warren
// export` of it gives the same parameters, secrets aside. The broker's own
// export is read from the management API: `rabbitmqctl export_definitions`
// of RabbitMQ 3.10 crashes (badarg) on a vhost that holds an upstream set.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { comparableParameters } from '../support/comparable-parameters.js';
import { runCli, STACK_TRACE } from '../support/run-cli.js';
import { api, enc } from './support/broker.js';

type Param = { component: string; vhost: string; name: string; value: unknown };
type Doc = Record<string, unknown> & { parameters?: Param[]; policies?: Record<string, unknown>[] };

// The unit test's fixture, in vhosts of this file's own (the broker is shared with other tests).
const FIXTURE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'import', 'federation-shovels.json'), 'utf8');
const VHOSTS = ['e2r-a', 'e2r-b'];
const definitions = JSON.parse(FIXTURE.replaceAll('fmt-', 'e2r-')) as Doc;
const PASSWORDS = ['s3cr', 'pa55'];

/** The components warren manages: the broker also keeps its own (`exchange-delete-in-progress` while federation
 * removes a link's exchange: a CI run saw one right after the import). */
const MANAGED = ['federation-upstream', 'federation-upstream-set', 'shovel'];

/** This file's parameters, comparable (keys sorted at every level: the broker reorders a set's members). */
const parameters = (doc: Doc) =>
  comparableParameters(
    (doc.parameters ?? []).filter((p) => VHOSTS.includes(p.vhost) && MANAGED.includes(p.component)),
    true,
  );

async function cleanUp(): Promise<void> {
  for (const v of VHOSTS) await api(`/vhosts/${enc(v)}`, 'DELETE');
}

afterAll(cleanUp);

describe('warren import, then export, of a real broker holding federation, shovels and super streams', () => {
  it('gives the same parameters, secrets aside, and no password anywhere', async () => {
    await cleanUp();
    const loaded = await api('/definitions', 'POST', definitions);
    expect(loaded.status, JSON.stringify(loaded.body)).toBeLessThan(300);
    const exported = await api<Doc>('/definitions');
    expect(exported.status).toBe(200);
    // What the broker holds is what was loaded: the test compares against the broker's own answer.
    expect(parameters(exported.body)).toEqual(parameters(definitions));
    expect(parameters(exported.body)).toHaveLength(6);

    const dir = mkdtempSync(join(tmpdir(), 'warren-e2r-'));
    writeFileSync(join(dir, 'broker.json'), JSON.stringify(exported.body));
    const imported = runCli(
      ['import', join(dir, 'broker.json'), ...VHOSTS.flatMap((v) => ['--vhost', v]), '-o', join(dir, 'topology')],
      { WARREN_BROKER_USER: 'guest' },
    );
    expect(imported.code, imported.stderr).toBe(0);
    expect(runCli(['validate', join(dir, 'topology')]).code).toBe(0);
    const again = runCli(['export', join(dir, 'topology')]);
    expect(again.code, again.stderr).toBe(0);
    const back = JSON.parse(again.stdout) as Doc;
    expect(parameters(back)).toEqual(parameters(exported.body));
    // The federation policy that uses the set comes back too.
    const policies = (d: Doc) =>
      (d.policies ?? [])
        .filter((p) => VHOSTS.includes(p.vhost as string))
        .map((p) => JSON.stringify(p, Object.keys(p).sort()));
    expect(policies(back)).toEqual(policies(exported.body));

    // Every vhost's file, read as it is: one that cannot be read fails here, before the checks below.
    const topology = VHOSTS.map((v) => readFileSync(join(dir, 'topology', `${v}.yaml`), 'utf8')).join('\n');
    for (const text of [topology, imported.stdout, imported.stderr, again.stdout, again.stderr]) {
      for (const p of PASSWORDS) expect(text).not.toContain(p);
      expect(text).not.toMatch(STACK_TRACE);
    }
    // Passwords became secrets the stack must set, named in the topology and by the export.
    expect(topology).toContain('password: { secret: upstream.e2r-a.remote.0 }');
    expect(again.stderr).toContain('upstream.e2r-a.remote.0');
  }, 120_000);
});
