// TLS towards the management API beyond the system's CAs (warren:managementTls,
// WARREN_BROKER_* for the CLI): the real engine and the real broker, behind an
// HTTPS front that has its own CA and demands a client certificate (made here
// with openssl), as a broker with `management.ssl.verify = verify_peer` does.
// Both the provider plugin and the dynamic providers go through it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliAsync } from '../support/run-cli.js';
import { api, enc, eventually } from './support/broker.js';
import { E2EProject, expectOk } from './support/e2e-project.js';

const V = 'e2e-tls-shop';
const pki = mkdtempSync(join(tmpdir(), 'warren-tls-'));
const file = (name: string) => join(pki, name);
const project = new E2EProject({
  'shop.yaml': `version: 1
vhosts:
  ${V}:
    description: reached over TLS with a client certificate
    limits: { maxQueues: 10 }
    queues:
      orders: { type: quorum }
      audit: { messageTtl: 1h }
`,
});
let server: Server;
let url = '';

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, both signed by it. */
function makePki(): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '2',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.crt'),
    '-subj',
    '/CN=warren-test-ca',
  );
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl(
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.csr`),
      '-subj',
      `/CN=${name}`,
    );
    writeFileSync(file(`${name}.ext`), `${ext}\n`);
    openssl(
      'x509',
      '-req',
      '-sha256',
      '-days',
      '2',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-set_serial',
      String(Date.now()),
      '-extfile',
      file(`${name}.ext`),
      '-out',
      file(`${name}.crt`),
    );
  }
}

beforeAll(async () => {
  makePki();
  // The TLS front: only clients with a certificate from the CA get through to the broker's API.
  server = createServer(
    {
      key: readFileSync(file('server.key')),
      cert: readFileSync(file('server.crt')),
      ca: readFileSync(file('ca.crt')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const upstream = httpRequest(
        { host: '127.0.0.1', port: 15672, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      req.pipe(upstream);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await api(`/vhosts/${enc(V)}`, 'DELETE');
  project.init();
  project.setConfig({ 'warren:managementUrl': url });
}, 120_000);

afterAll(async () => {
  await project.pulumiAsync('destroy', '--yes', '--skip-preview');
  await api(`/vhosts/${enc(V)}`, 'DELETE');
  await new Promise((resolve) => server.close(resolve));
}, 600_000);

describe("the management API over TLS with the stack's own CA and a client certificate", () => {
  it('without the CA, and with the CA but no client certificate, up fails and the broker is untouched', async () => {
    const unknownCa = await project.pulumiAsync('up', '--yes', '--skip-preview');
    expect(unknownCa.code).not.toBe(0);
    expect(unknownCa.output).toMatch(/certificate/i);
    project.setConfig({ 'warren:managementTls': { caFile: file('ca.crt') } });
    const noClientCert = await project.pulumiAsync('up', '--yes', '--skip-preview');
    expect(noClientCert.code).not.toBe(0);
    expect((await api(`/vhosts/${enc(V)}`)).status).toBe(404);
  }, 600_000);

  it('a file the stack names that cannot be read stops the program before anything is registered', async () => {
    project.setConfig({
      'warren:managementTls': { caFile: file('ca.crt'), certFile: file('client.crt'), keyFile: file('missing.key') },
    });
    const run = await project.pulumiAsync('preview');
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(`warren:managementTls.keyFile ${file('missing.key')}: cannot read file: ENOENT`);
    expect(run.output).not.toMatch(/\n\s+at .*\.js:\d+/);
  }, 600_000);

  it('with CA and client certificate, up creates everything, through the provider plugin and the dynamic providers alike', async () => {
    project.setConfig({
      'warren:managementTls': { caFile: file('ca.crt'), certFile: file('client.crt'), keyFile: file('client.key') },
    });
    expectOk(await project.pulumiAsync('up', '--yes', '--skip-preview'), 'up over TLS');
    const vhost = (await api<{ description?: string }>(`/vhosts/${enc(V)}`)).body;
    expect(vhost.description).toBe('reached over TLS with a client certificate'); // warren:VHostSettings, a dynamic provider
    const queues = (await api<{ name: string; type: string }[]>(`/queues/${enc(V)}`)).body
      .map((q) => `${q.name}:${q.type}`)
      .sort();
    expect(queues).toEqual(['audit:classic', 'orders:quorum']); // the provider plugin
    expectOk(await project.pulumiAsync('preview', '--expect-no-changes'), 'preview over TLS');
    // The client key reaches the state only encrypted.
    const keyBody = readFileSync(file('client.key'), 'utf8').split('\n')[1]!;
    expect(project.stateText()).not.toContain(keyBody);
  }, 600_000);

  it('warren diff --broker reads live counts through the same front with WARREN_BROKER_CA_FILE, _CERT_FILE and _KEY_FILE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-tls-diff-'));
    writeFileSync(join(dir, 'base.yaml'), readFileSync(join(project.dir, 'topology', 'shop.yaml')));
    writeFileSync(
      join(dir, 'head.yaml'),
      `version: 1\nvhosts:\n  ${V}:\n    queues:\n      orders: { type: quorum }\n`,
    );
    const args = ['diff', join(dir, 'base.yaml'), join(dir, 'head.yaml'), '--broker', url, '--format', 'json'];
    const env = {
      WARREN_BROKER_USER: 'guest',
      WARREN_BROKER_PASSWORD: 'guest',
      WARREN_BROKER_CA_FILE: file('ca.crt'),
      WARREN_BROKER_CERT_FILE: file('client.crt'),
      WARREN_BROKER_KEY_FILE: file('client.key'),
    };
    // The broker gives a queue's counts some seconds after it is declared; until then warren says "unknown".
    await eventually(async () => {
      const { body } = await api<{ messages?: number; consumers?: number }>(`/queues/${enc(V)}/audit`);
      return typeof body.messages === 'number' && typeof body.consumers === 'number' ? true : undefined;
    }, 60_000);
    const read = await runCliAsync(args, { env });
    expect(read.code).toBe(0);
    const audit = (JSON.parse(read.stdout) as { changes: { id: string; live?: unknown }[] }).changes.find(
      (c) => c.id === `${V}/queue/audit`,
    );
    expect(audit?.live).toEqual({ messages: 0, consumers: 0 });
    // Without the client certificate the front refuses: the diff is still printed, and says why there are no counts.
    const noCert = await runCliAsync(args, {
      env: { WARREN_BROKER_USER: 'guest', WARREN_BROKER_PASSWORD: 'guest', WARREN_BROKER_CA_FILE: file('ca.crt') },
    });
    expect(noCert.code).toBe(0);
    expect(noCert.stdout + noCert.stderr).toMatch(/could not be read/);
    // Files that cannot be used are usage errors (exit 2), never a hang: not a regular file, a certificate without its key.
    const devZero = await runCliAsync(args, { env: { ...env, WARREN_BROKER_CA_FILE: '/dev/zero' } });
    expect([devZero.code, devZero.stderr]).toEqual([
      2,
      expect.stringContaining('WARREN_BROKER_CA_FILE /dev/zero: not a regular file'),
    ]);
    expect((await runCliAsync(args, { env: { ...env, WARREN_BROKER_KEY_FILE: undefined } })).code).toBe(2);
  }, 120_000);
});
