// The Kubernetes tier's binaries (toolchain/install-k8s-tier.sh) and, for
// --real-pods, the node's software and images (toolchain/install-pod-runtime.sh).
// WARREN_K8S_BIN (and WARREN_K8S_SHARE) name them; unset, they come from the
// tier's env.json, which the install script writes for programs beside the
// env.sh it writes for shells.
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { Tools } from './cluster.js';
import { fail } from './log.js';

const TIER_BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kubectl'];
const NODE_BINARIES = ['kubelet', 'kube-proxy', 'coredns'];
const NODE_COMMANDS = ['containerd', 'containerd-shim-runc-v2', 'ctr', 'runc', 'socat', 'iptables', 'conntrack', 'ip'];
const INSTALL_TIER = 'run toolchain/install-k8s-tier.sh';
const INSTALL_RUNTIME = 'run toolchain/install-pod-runtime.sh';

export function cacheDir(env: NodeJS.ProcessEnv): string {
  return env.WARREN_CACHE_DIR || join(env.HOME || homedir(), '.cache', 'warren');
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isNonEmptyFile(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.isFile() && stat.size > 0;
  } catch {
    return false;
  }
}

/** `name`'s path on PATH, or undefined. */
export function findCommand(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) if (dir && isExecutable(join(dir, name))) return join(dir, name);
  return undefined;
}

/** The variables the tier's env.json sets (WARREN_K8S_BIN, WARREN_K8S_SHARE). */
export function readTierEnv(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      fail(`no Kubernetes tier (${file} is missing): ${INSTALL_TIER} first`);
    fail(`cannot read ${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    data = undefined;
  }
  const env = (data as { env?: unknown } | undefined)?.env;
  if (typeof env !== 'object' || env === null || !Object.values(env).every((v) => typeof v === 'string'))
    fail(`${file} is not { "path": [...], "env": { NAME: value } }: ${INSTALL_TIER}`);
  return env as Record<string, string>;
}

export interface FindOptions {
  readonly euid?: number;
}

export function findTools(env: NodeJS.ProcessEnv, real: boolean, options: FindOptions = {}): Tools {
  const tierEnv = env.WARREN_K8S_BIN ? {} : readTierEnv(join(cacheDir(env), 'k8s', 'env.json'));
  const bin = env.WARREN_K8S_BIN || tierEnv.WARREN_K8S_BIN;
  if (!bin) fail(`no Kubernetes tier (WARREN_K8S_BIN is not set): ${INSTALL_TIER} first`);
  const share = env.WARREN_K8S_SHARE || tierEnv.WARREN_K8S_SHARE || join(dirname(bin), 'share');
  for (const b of TIER_BINARIES) if (!isExecutable(join(bin, b))) fail(`${join(bin, b)} missing: ${INSTALL_TIER}`);
  for (const f of ['kwok-stages.yaml', 'kwok-storage-class.yaml'])
    if (!isNonEmptyFile(join(share, f))) fail(`kwok stages missing in ${share} (no ${f}): ${INSTALL_TIER}`);
  if (!findCommand('openssl', env.PATH)) fail('openssl not found (apt-get install openssl)');
  if (!real) return { bin, share };

  const euid = options.euid ?? process.geteuid?.();
  if (euid !== 0) fail('--real-pods needs root (network, mounts, cgroups)');
  for (const b of NODE_BINARIES) if (!isExecutable(join(bin, b))) fail(`${join(bin, b)} missing: ${INSTALL_TIER}`);
  for (const c of NODE_COMMANDS) if (!findCommand(c, env.PATH)) fail(`${c} not found: ${INSTALL_RUNTIME}`);
  const imagesJson = join(cacheDir(env), 'k8s', 'images', 'images.json');
  if (!isNonEmptyFile(imagesJson)) fail(`no images (${imagesJson}): ${INSTALL_RUNTIME}`);
  return { bin, share, imagesJson };
}

/** The tier's bin directory when it can be found, for cleanups that run without the rest of the tier. */
export function findTierBin(env: NodeJS.ProcessEnv): string | undefined {
  if (env.WARREN_K8S_BIN) return env.WARREN_K8S_BIN;
  try {
    return readTierEnv(join(cacheDir(env), 'k8s', 'env.json')).WARREN_K8S_BIN;
  } catch {
    return undefined;
  }
}
