// Kubeconfigs with the certificates inlined, so each is one self-contained
// file (DIR/kubeconfig for people and tests, one per component). Written once
// the API server's port is final: a relaunch picks another.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Cluster, kubeconfigFile, pkiDir, portOf } from './cluster.js';

export interface KubeconfigParts {
  readonly port: number;
  readonly user: string;
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

export function renderKubeconfig({ port, user, ca, cert, key }: KubeconfigParts): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: warren
  cluster:
    server: https://127.0.0.1:${port}
    certificate-authority-data: ${ca.toString('base64')}
users:
- name: ${user}
  user:
    client-certificate-data: ${cert.toString('base64')}
    client-key-data: ${key.toString('base64')}
contexts:
- name: warren
  context:
    cluster: warren
    user: ${user}
current-context: warren
`;
}

/** `user`'s kubeconfig (its certificate pki/USER.crt) at DIR/kubeconfig for admin, DIR/USER.kubeconfig otherwise. */
export function writeKubeconfig(cluster: Cluster, user: string): void {
  const pki = pkiDir(cluster);
  const file = kubeconfigFile(cluster, user);
  writeFileSync(
    file,
    renderKubeconfig({
      port: portOf(cluster, 'APISERVER_PORT'),
      user,
      ca: readFileSync(join(pki, 'ca.crt')),
      cert: readFileSync(join(pki, `${user}.crt`)),
      key: readFileSync(join(pki, `${user}.key`)),
    }),
    { mode: 0o600 },
  );
  // The mode above applies only to a new file.
  chmodSync(file, 0o600);
}
