// A stand-in for toolchain/install-k8s-tier.sh's output: a bin directory of
// executables that only fail, and the kwok files, for tests that find the tier
// but never start it.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TIER_BINARIES = [
  'etcd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kwok',
  'kubectl',
  'kubelet',
  'kube-proxy',
  'coredns',
];

/** Makes DIR/bin and DIR/share; returns the bin directory. */
export function makeFakeTier(dir: string, binaries = TIER_BINARIES): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  mkdirSync(join(dir, 'share'), { recursive: true });
  for (const name of binaries) {
    writeFileSync(join(bin, name), '#!/bin/sh\nexit 1\n');
    chmodSync(join(bin, name), 0o755);
  }
  writeFileSync(join(dir, 'share', 'kwok-stages.yaml'), 'kind: Stage\n');
  writeFileSync(join(dir, 'share', 'kwok-storage-class.yaml'), 'kind: StorageClass\n');
  return bin;
}
