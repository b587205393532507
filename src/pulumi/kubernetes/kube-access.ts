// What the rollout wait needs to ask the Kubernetes API about a StatefulSet:
// the server and credentials of a kubeconfig's current context, as plain data
// (PEM text, a token). Read by the program, where the kubeconfig is; the
// dynamic provider then needs nothing but Node's own https. Credentials that
// only a helper program can produce (exec, auth-provider) are not supported:
// the result is then undefined, with the reason, and `up` waits only as long
// as the Kubernetes provider does (docs/kubernetes.md).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { TlsSettings } from '../../broker/tls-request.js';
import { yamlLib } from '../../load/yaml-lib.js';

/** The API server, its TLS (CA, client certificate, insecure) and a bearer token. */
export interface KubeAccess extends TlsSettings {
  readonly server: string;
  readonly token?: string;
}

type Named<T> = { name?: string } & T;
interface KubeConfig {
  'current-context'?: string;
  contexts?: Named<{ context?: { cluster?: string; user?: string } }>[];
  clusters?: Named<{ cluster?: Record<string, unknown> }>[];
  users?: Named<{ user?: Record<string, unknown> }>[];
}

/** `text`: a kubeconfig's contents; `base`: where relative file names in it start. */
export function kubeAccess(text: string, base = process.cwd()): { access?: KubeAccess; reason?: string } {
  let doc: KubeConfig;
  try {
    doc = (yamlLib().parse(text) ?? {}) as KubeConfig;
  } catch {
    return { reason: 'the kubeconfig is not YAML' };
  }
  const context = doc.contexts?.find((c) => c.name === doc['current-context'])?.context;
  const cluster = doc.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === context?.user)?.user ?? {};
  if (!cluster || typeof cluster.server !== 'string')
    return { reason: 'the kubeconfig has no current context with a cluster server' };
  if (user.exec || user['auth-provider'])
    return { reason: 'the kubeconfig user gets credentials from a helper program (exec or auth-provider)' };
  const file = (name: unknown) =>
    typeof name === 'string' ? readFileSync(isAbsolute(name) ? name : resolve(base, name), 'utf8') : undefined;
  const data = (value: unknown) =>
    typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : undefined;
  try {
    const access: KubeAccess = {
      server: cluster.server,
      ...pick('ca', data(cluster['certificate-authority-data']) ?? file(cluster['certificate-authority'])),
      ...pick('cert', data(user['client-certificate-data']) ?? file(user['client-certificate'])),
      ...pick('key', data(user['client-key-data']) ?? file(user['client-key'])),
      ...pick('token', typeof user.token === 'string' ? user.token : file(user.tokenFile)?.trim()),
      ...(cluster['insecure-skip-tls-verify'] === true ? { insecure: true } : {}),
    };
    return { access };
  } catch (e) {
    return { reason: `a file the kubeconfig names cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

/** The kubeconfig kubectl would use: $KUBECONFIG's first file, else ~/.kube/config. */
export function ambientKubeconfig(): { text?: string; base?: string } {
  const path = (process.env.KUBECONFIG ?? '').split(':').find((p) => p !== '') ?? join(homedir(), '.kube', 'config');
  return existsSync(path) ? { text: readFileSync(path, 'utf8'), base: dirname(path) } : {};
}

function pick<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
