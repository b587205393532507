// The cluster's certificates, made with openssl in DIR/pki: a CA and the
// certificates it signs, a separate front-proxy CA (aggregation layer), and the
// service-account signing key pair. The keys are ECDSA P-256, which every
// component reads: an RSA 2048 key takes about half a second to make on these
// machines, and a cluster needs up to 15 of them.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Cluster, NODE_IP, NODE_NAME, pkiDir, SERVICE_IP } from './cluster.js';
import { mustRun } from './run-command.js';

export interface CertSpec {
  readonly name: string;
  readonly subject: string;
  readonly usage: 'serverAuth' | 'clientAuth';
  readonly altNames?: string;
  /** The CA that signs it (default: the cluster CA). */
  readonly ca?: string;
}

const OPENSSL_TIMEOUT = { timeoutMs: 60_000 };
const CA_USAGE = 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature';
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Every certificate a cluster of this mode needs. */
export function certSpecs(real: boolean): CertSpec[] {
  const specs: CertSpec[] = [
    {
      name: 'apiserver',
      subject: '/CN=kube-apiserver',
      usage: 'serverAuth',
      altNames: `IP:127.0.0.1,DNS:localhost,IP:${SERVICE_IP},DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local`,
    },
    { name: 'admin', subject: '/O=system:masters/CN=warren-admin', usage: 'clientAuth' },
    { name: 'kube-controller-manager', subject: '/CN=system:kube-controller-manager', usage: 'clientAuth' },
    { name: 'kube-scheduler', subject: '/CN=system:kube-scheduler', usage: 'clientAuth' },
    // kwok plays kubelet and volume provisioner for every fake node: it needs nodes,
    // pods, leases, PVs and their status; cluster-admin via system:masters.
    { name: 'kwok', subject: '/O=system:masters/CN=kwok-controller', usage: 'clientAuth' },
    // The front proxy's client: with its CA, the requestheader CA in
    // kube-system/extension-apiserver-authentication is set (kube-controller-manager
    // and kube-scheduler read it for delegated authentication).
    { name: 'front-proxy-client', subject: '/CN=front-proxy-client', usage: 'clientAuth', ca: 'front-proxy-ca' },
  ];
  if (real)
    specs.push(
      { name: NODE_NAME, subject: `/O=system:nodes/CN=system:node:${NODE_NAME}`, usage: 'clientAuth' },
      {
        name: 'kubelet-serving',
        subject: `/CN=${NODE_NAME}`,
        usage: 'serverAuth',
        altNames: `IP:${NODE_IP},DNS:${NODE_NAME}`,
      },
      { name: 'kube-proxy', subject: '/CN=system:kube-proxy', usage: 'clientAuth' },
      { name: 'coredns', subject: '/CN=warren:coredns', usage: 'clientAuth' },
      // The API server's identity towards the kubelet (logs, exec, port-forward).
      {
        name: 'apiserver-kubelet-client',
        subject: '/O=system:masters/CN=kube-apiserver-kubelet-client',
        usage: 'clientAuth',
      },
    );
  return specs;
}

/** The extensions file of a leaf certificate. */
export function renderExtensions(spec: CertSpec): string {
  return [
    'basicConstraints=critical,CA:FALSE',
    // An ECDSA key signs; it never enciphers.
    'keyUsage=critical,digitalSignature',
    `extendedKeyUsage=${spec.usage}`,
    ...(spec.altNames ? [`subjectAltName=${spec.altNames}`] : []),
  ]
    .map((line) => `${line}\n`)
    .join('');
}

async function makeCa(pki: string, name: string, subject: string): Promise<void> {
  await mustRun(
    ['openssl', 'req', '-x509', ...NEW_KEY, '-sha256', '-days', '365']
      .concat(['-keyout', join(pki, `${name}.key`), '-out', join(pki, `${name}.crt`), '-subj', subject])
      .concat(['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', CA_USAGE]),
    OPENSSL_TIMEOUT,
  );
  chmodSync(join(pki, `${name}.key`), 0o600);
}

async function makeCert(pki: string, spec: CertSpec): Promise<void> {
  const file = (ext: string) => join(pki, `${spec.name}.${ext}`);
  await mustRun(
    ['openssl', 'req', '-new', ...NEW_KEY, '-keyout', file('key'), '-out', file('csr')].concat(['-subj', spec.subject]),
    OPENSSL_TIMEOUT,
  );
  writeFileSync(file('ext'), renderExtensions(spec));
  const ca = spec.ca ?? 'ca';
  await mustRun(
    ['openssl', 'x509', '-req', '-sha256', '-days', '365', '-in', file('csr')]
      .concat(['-CA', join(pki, `${ca}.crt`), '-CAkey', join(pki, `${ca}.key`)])
      .concat(['-set_serial', `0x${randomBytes(16).toString('hex')}`, '-extfile', file('ext'), '-out', file('crt')]),
    OPENSSL_TIMEOUT,
  );
  rmSync(file('csr'));
  rmSync(file('ext'));
  chmodSync(file('key'), 0o600);
}

async function makeServiceAccountKeys(pki: string): Promise<void> {
  const key = join(pki, 'sa.key');
  await mustRun(
    ['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key],
    OPENSSL_TIMEOUT,
  );
  await mustRun(['openssl', 'pkey', '-in', key, '-pubout', '-out', join(pki, 'sa.pub')], OPENSSL_TIMEOUT);
  chmodSync(key, 0o600);
}

export async function makePki(cluster: Cluster): Promise<void> {
  const pki = pkiDir(cluster);
  mkdirSync(pki, { recursive: true });
  await Promise.all([
    makeCa(pki, 'ca', '/CN=warren-k8s-ca'),
    makeCa(pki, 'front-proxy-ca', '/CN=warren-k8s-front-proxy-ca'),
    makeServiceAccountKeys(pki),
  ]);
  await Promise.all(certSpecs(cluster.real).map((spec) => makeCert(pki, spec)));
}
