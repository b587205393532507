// The rollout wait's way to the Kubernetes API, read from a kubeconfig's current context.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubeAccess } from '../../src/pulumi/kubernetes/kube-access.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubeconfig(
  user: Record<string, unknown>,
  cluster: Record<string, unknown> = { server: 'https://10.0.0.1:6443', 'certificate-authority-data': b64('CA PEM') },
): string {
  return JSON.stringify({
    'current-context': 'b',
    contexts: [
      { name: 'a', context: { cluster: 'other', user: 'other' } },
      { name: 'b', context: { cluster: 'c', user: 'u' } },
    ],
    clusters: [
      { name: 'other', cluster: { server: 'https://wrong' } },
      { name: 'c', cluster },
    ],
    users: [{ name: 'u', user }],
  });
}

describe('kubeAccess', () => {
  it("takes the current context's server, CA and client certificate from inline data", () => {
    expect(kubeAccess(kubeconfig({ 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') }))).toEqual({
      access: { server: 'https://10.0.0.1:6443', ca: 'CA PEM', cert: 'CERT', key: 'KEY' },
    });
  });

  it('reads files the kubeconfig names, relative to its own directory, and a token file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-kube-'));
    writeFileSync(join(dir, 'ca.crt'), 'CA FROM FILE');
    writeFileSync(join(dir, 'token'), 'tok-123\n');
    const text = kubeconfig(
      { tokenFile: 'token' },
      { server: 'https://k:443', 'certificate-authority': 'ca.crt', 'insecure-skip-tls-verify': true },
    );
    expect(kubeAccess(text, dir)).toEqual({
      access: { server: 'https://k:443', ca: 'CA FROM FILE', token: 'tok-123', insecure: true },
    });
  });

  it('gives a reason instead of access for helper-program credentials, a missing context, a missing file or no YAML', () => {
    expect(kubeAccess(kubeconfig({ exec: { command: 'aws' } })).reason).toMatch(/helper program/);
    expect(kubeAccess(kubeconfig({ 'auth-provider': { name: 'gcp' } })).reason).toMatch(/helper program/);
    expect(kubeAccess(JSON.stringify({ 'current-context': 'none' })).reason).toMatch(/no current context/);
    expect(kubeAccess(kubeconfig({ 'client-certificate': '/nonexistent/cert' })).reason).toMatch(
      /cannot be read \(ENOENT\)/,
    );
    expect(kubeAccess('{ not: [yaml').reason).toMatch(/not YAML/);
  });
});
