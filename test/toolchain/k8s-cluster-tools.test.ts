// Finding the Kubernetes tier: WARREN_K8S_BIN, or the tier's env.json (what
// install-k8s-tier.sh writes for programs), then every binary and file up needs,
// each missing one named with the script that makes it.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findCommand, findTierBin, findTools, readTierEnv } from '../../scripts/k8s/find-tools.js';
import { makeFakeTier, TIER_BINARIES } from './support/fake-tier.js';

const base = mkdtempSync(join(tmpdir(), 'warren-tools-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const PATH = process.env.PATH ?? '';

/** A cache directory whose k8s/env.json holds `content`. */
function cache(name: string, content: string): string {
  const dir = join(base, name);
  mkdirSync(join(dir, 'k8s'), { recursive: true });
  writeFileSync(join(dir, 'k8s', 'env.json'), content);
  return dir;
}

describe('findTools', () => {
  const bin = makeFakeTier(join(base, 'tier'));

  it('takes WARREN_K8S_BIN, and the share directory beside it', () => {
    expect(findTools({ WARREN_K8S_BIN: bin, PATH }, false)).toEqual({ bin, share: join(base, 'tier', 'share') });
  });

  it("reads the tier's env.json when WARREN_K8S_BIN is not set", () => {
    const dir = cache(
      'c1',
      JSON.stringify({ path: [bin], env: { WARREN_K8S_BIN: bin, WARREN_K8S_SHARE: join(base, 'tier', 'share') } }),
    );
    expect(findTools({ WARREN_CACHE_DIR: dir, PATH }, false).bin).toBe(bin);
    expect(findTierBin({ WARREN_CACHE_DIR: dir })).toBe(bin);
  });

  it('says to install the tier when env.json is missing or malformed', () => {
    const none = join(base, 'empty-cache');
    expect(() => findTools({ WARREN_CACHE_DIR: none, PATH }, false)).toThrow(
      `no Kubernetes tier (${none}/k8s/env.json is missing): run toolchain/install-k8s-tier.sh first`,
    );
    expect(findTierBin({ WARREN_CACHE_DIR: none })).toBeUndefined();
    for (const [name, text] of [
      ['c2', 'not json'],
      ['c3', '{"env": {"WARREN_K8S_BIN": 3}}'],
      ['c4', '[]'],
    ] as const) {
      const file = join(cache(name, text), 'k8s', 'env.json');
      expect(() => readTierEnv(file)).toThrow(`${file} is not { "path": [...], "env": { NAME: value } }`);
    }
  });

  it.each(TIER_BINARIES.slice(0, 6))('names a missing %s', (missing) => {
    const partial = makeFakeTier(
      join(base, `no-${missing}`),
      TIER_BINARIES.filter((b) => b !== missing),
    );
    expect(() => findTools({ WARREN_K8S_BIN: partial, PATH }, false)).toThrow(
      `${join(partial, missing)} missing: run toolchain/install-k8s-tier.sh`,
    );
  });

  it('names missing kwok stages and a binary that is not executable', () => {
    const dir = join(base, 'no-stages');
    const stagesBin = makeFakeTier(dir);
    rmSync(join(dir, 'share', 'kwok-stages.yaml'));
    expect(() => findTools({ WARREN_K8S_BIN: stagesBin, PATH }, false)).toThrow(
      `kwok stages missing in ${join(dir, 'share')} (no kwok-stages.yaml)`,
    );
    const plain = makeFakeTier(join(base, 'not-exec'));
    chmodSync(join(plain, 'kubectl'), 0o644);
    expect(() => findTools({ WARREN_K8S_BIN: plain, PATH }, false)).toThrow(`${join(plain, 'kubectl')} missing`);
  });

  it('wants openssl on PATH', () => {
    expect(() => findTools({ WARREN_K8S_BIN: bin, PATH: join(base, 'nowhere') }, false)).toThrow(
      'openssl not found (apt-get install openssl)',
    );
  });

  it('wants root for --real-pods, before anything else of the node', () => {
    expect(() => findTools({ WARREN_K8S_BIN: bin, PATH }, true, { euid: 1000 })).toThrow(
      '--real-pods needs root (network, mounts, cgroups)',
    );
  });

  it("wants the node's commands and images for --real-pods", () => {
    const path = join(base, 'path');
    mkdirSync(path);
    for (const c of ['openssl', 'containerd', 'containerd-shim-runc-v2', 'ctr', 'runc', 'socat', 'iptables', 'ip']) {
      writeFileSync(join(path, c), '#!/bin/sh\n');
      chmodSync(join(path, c), 0o755);
    }
    expect(() => findTools({ WARREN_K8S_BIN: bin, PATH: path }, true, { euid: 0 })).toThrow(
      'conntrack not found: run toolchain/install-pod-runtime.sh',
    );
    writeFileSync(join(path, 'conntrack'), '#!/bin/sh\n');
    chmodSync(join(path, 'conntrack'), 0o755);
    const dir = join(base, 'no-images');
    expect(() => findTools({ WARREN_K8S_BIN: bin, PATH: path, WARREN_CACHE_DIR: dir }, true, { euid: 0 })).toThrow(
      `no images (${dir}/k8s/images/images.json): run toolchain/install-pod-runtime.sh`,
    );
    mkdirSync(join(dir, 'k8s', 'images'), { recursive: true });
    writeFileSync(join(dir, 'k8s', 'images', 'images.json'), '{}');
    expect(findTools({ WARREN_K8S_BIN: bin, PATH: path, WARREN_CACHE_DIR: dir }, true, { euid: 0 }).imagesJson).toBe(
      join(dir, 'k8s', 'images', 'images.json'),
    );
  });

  it('findCommand searches PATH in order and wants an executable file', () => {
    expect(findCommand('sh', `${join(base, 'nowhere')}:/bin:/usr/bin`)).toBe('/bin/sh');
    expect(findCommand('tier', base)).toBeUndefined();
  });
});
