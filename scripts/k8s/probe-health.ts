// The readiness checks up polls: plain HTTP(S) requests to 127.0.0.1, each with
// a hard deadline (a component that accepts the connection and never answers
// must not hold the poll). A check answers true or false, never throws: the
// poll (waitFor) decides what a false means.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { type Cluster, pkiDir, portOf } from './cluster.js';

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export interface TlsFiles {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  /** No check of the server's certificate (the components' own self-signed ones). */
  readonly insecure?: boolean;
}

export interface HttpOptions {
  readonly method?: string;
  readonly tls?: TlsFiles;
  readonly timeoutMs: number;
}

/** One request; rejects on a connection error, a body over 8 MiB or no full answer within `timeoutMs`. */
export function httpGet(url: string, { method = 'GET', tls = {}, timeoutMs }: HttpOptions): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const secure = url.startsWith('https:');
    const options = secure
      ? { method, agent: false, ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: !tls.insecure }
      : { method, agent: false };
    const req = (secure ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > 8 * 1024 * 1024) req.destroy(new Error(`${url}: answer over 8 MiB`));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    const timer = setTimeout(() => req.destroy(new Error(`${url}: no answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end();
  });
}

/** Whether a body has a line that is exactly `word` (how /readyz and /healthz say ok). */
export const hasLine = (body: string, word: string) => body.split('\n').some((line) => line.trim() === word);

async function answers(url: string, options: HttpOptions, ok: (a: HttpAnswer) => boolean): Promise<boolean> {
  try {
    const answer = await httpGet(url, options);
    return answer.status === 200 && ok(answer);
  } catch {
    return false;
  }
}

export function etcdHealthy(port: number): Promise<boolean> {
  return answers(`http://127.0.0.1:${port}/health`, { timeoutMs: 2000 }, (a) => a.body.includes('"health":"true"'));
}

/** The admin's client certificate and the cluster CA, for requests to the API server. */
export function adminTls(cluster: Cluster): TlsFiles {
  const pki = pkiDir(cluster);
  return {
    ca: readFileSync(join(pki, 'ca.crt')),
    cert: readFileSync(join(pki, 'admin.crt')),
    key: readFileSync(join(pki, 'admin.key')),
  };
}

export async function apiserverReady(cluster: Cluster): Promise<boolean> {
  let tls: TlsFiles;
  try {
    tls = adminTls(cluster);
  } catch {
    return false;
  }
  return answers(`https://127.0.0.1:${portOf(cluster, 'APISERVER_PORT')}/readyz`, { tls, timeoutMs: 3000 }, (a) =>
    hasLine(a.body, 'ok'),
  );
}

/**
 * The controller manager's and scheduler's /healthz, reachable without
 * credentials (--authorization-always-allow-paths). The port is read when the
 * check runs: a relaunch may have changed it.
 */
export function healthz(port: number): Promise<boolean> {
  return answers(`https://127.0.0.1:${port}/healthz`, { tls: { insecure: true }, timeoutMs: 2000 }, (a) =>
    hasLine(a.body, 'ok'),
  );
}
