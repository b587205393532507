// toolchain/versions.json is the one place the toolchain's versions are pinned.
// What cannot read it must agree with it: npm's package.json and lockfile, and
// the Go wrapper modules, which Go resolves from their own go.mod. Everything
// else (the install scripts, scripts/) reads it and holds no copy.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Versions {
  pulumi: { version: string };
  rabbitmqProvider: { version: string; terraformProvider: string; bridge: string };
  kubernetesProvider: { version: string; module: string };
  kubernetes: { version: string; etcd: string; kwok: string; coredns: string };
}
const versions = JSON.parse(read('toolchain/versions.json')) as Versions;

/** Every pin as `group.name` → version (notes and comments are not pins). */
const pins: Record<string, string> = Object.fromEntries(
  Object.entries(versions).flatMap(([group, entries]) =>
    typeof entries === 'object' && !Array.isArray(entries)
      ? Object.entries(entries as Record<string, unknown>)
          .filter(([name]) => name !== 'notes')
          .map(([name, value]) => [`${group}.${name}`, value as string])
      : [],
  ),
);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A version as text: with or without a leading v, not inside a longer version or word. */
const literal = (version: string) =>
  new RegExp(`(?<![\\w.])v?${escapeRegExp(version.replace(/^v/, ''))}(?![\\w]|\\.\\w)`);

/** What a copy of a pin looks like: the pins, and the forms derived from Kubernetes' (its minor, the k8s.io/* v0.X.Y). */
const pinnedLiterals: [string, RegExp][] = [
  ...Object.entries(pins).map(([name, version]) => [name, literal(version)] as [string, RegExp]),
  ['kubernetes.version (minor)', literal(versions.kubernetes.version.split('.').slice(0, 2).join('.'))],
  ['kubernetes.version (k8s.io/* v0.X.Y)', literal(`0.${versions.kubernetes.version.split('.').slice(1).join('.')}`)],
];

function filesBelow(dir: string, keep: (file: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath, e.name)))
    .filter(keep)
    .sort();
}

/** `path version` as go.mod requires it (in a require block or on a require line). */
function goRequire(file: string, path: string): string | undefined {
  return new RegExp(`^(?:require\\s+|\\s+)${escapeRegExp(path)} (v\\S+)`, 'm').exec(read(file))?.[1];
}

describe('toolchain/versions.json', () => {
  it('pins exact versions', () => {
    expect(Object.keys(pins).length).toBeGreaterThan(5);
    for (const [name, version] of Object.entries(pins)) expect(version, name).toMatch(/^v?\d+\.\d+\.\d+(-[\w.-]+)?$/);
  });

  it('is what the scripts read (toolchain/lib.sh pin)', () => {
    const pin = (name: string) =>
      spawnSync('bash', ['-c', '. toolchain/lib.sh && pin "$1"', 'pin', name], {
        cwd: ROOT,
        env: { ...process.env, LOG_PREFIX: 'test' },
        encoding: 'utf8',
      });
    expect(pin('kubernetes.etcd').stdout).toBe(`${versions.kubernetes.etcd}\n`);
    expect(pin('kubernetesProvider.module').stdout).toBe(`${versions.kubernetesProvider.module}\n`);
    const unknown = pin('kubernetes.nope');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('kubernetes.nope');
  });
});

describe('the npm packages name the pinned versions', () => {
  const npm: Record<string, string> = {
    '@pulumi/pulumi': versions.pulumi.version,
    '@pulumi/rabbitmq': versions.rabbitmqProvider.version,
    '@pulumi/kubernetes': versions.kubernetesProvider.version,
  };

  // Peers of the package (a program and warren share one @pulumi/pulumi), from the pinned version on;
  // development dependencies of this repository at exactly that version.
  it('package.json pins them exactly for this repository, and asks for them from that version as peers', () => {
    const { devDependencies, peerDependencies, dependencies } = JSON.parse(read('package.json')) as Record<
      string,
      Record<string, string>
    >;
    for (const [name, version] of Object.entries(npm)) {
      expect(devDependencies![name], name).toBe(version);
      expect(peerDependencies![name], name).toBe(`^${version}`);
      expect(dependencies?.[name], name).toBeUndefined();
    }
  });

  it('package-lock.json installs them', () => {
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { version?: string; devDependencies?: Record<string, string> }>;
    };
    for (const [name, version] of Object.entries(npm)) {
      expect(lock.packages['']!.devDependencies![name], name).toBe(version);
      expect(lock.packages[`node_modules/${name}`]?.version, name).toBe(version);
    }
  });
});

describe('the Go wrapper modules agree with the pins', () => {
  // Go reads versions from go.mod alone; install-toolchain.sh re-resolves a
  // wrapper whose go.mod names another Pulumi release (slow, and go.sum changes).
  it.each([
    ['toolchain/pulumi-cli/go.mod', 'github.com/pulumi/pulumi/pkg/v3', `v${versions.pulumi.version}`],
    ['toolchain/pulumi-cli/go.mod', 'github.com/pulumi/pulumi/sdk/v3', `v${versions.pulumi.version}`],
    ['toolchain/language-nodejs/go.mod', 'github.com/pulumi/pulumi/sdk/v3', `v${versions.pulumi.version}`],
    [
      'toolchain/rabbitmq-provider/go.mod',
      'github.com/pulumi/pulumi-terraform-bridge/v3',
      `v${versions.rabbitmqProvider.bridge}`,
    ],
    [
      'toolchain/rabbitmq-provider/go.mod',
      'github.com/terraform-providers/terraform-provider-rabbitmq',
      `v${versions.rabbitmqProvider.terraformProvider}`,
    ],
    [
      'toolchain/kubernetes-provider/go.mod',
      'github.com/pulumi/pulumi-kubernetes/provider/v4',
      versions.kubernetesProvider.module,
    ],
  ])('%s requires %s %s', (file, path, version) => {
    expect(goRequire(file, path)).toBe(version);
  });

  it('the Terraform provider is the pinned upstream release (go.mod replace)', () => {
    expect(
      /terraform-provider-rabbitmq => github\.com\/cyrilgdn\/terraform-provider-rabbitmq (v\S+)/.exec(
        read('toolchain/rabbitmq-provider/go.mod'),
      )?.[1],
    ).toBe(`v${versions.rabbitmqProvider.terraformProvider}`);
  });
});

// Copies of pins inside the Go wrapper modules, each checked against its pin.
// They stay, rather than read versions.json, because the modules' bytes are
// part of the cache keys (toolchain/lib.sh src_hash): editing them rebuilds a
// binary for minutes. The next bump of that pin rebuilds anyway, and is the
// time to update (or generalize) them.
const MODULE_COPIES: Record<string, [RegExp, string][]> = {
  'toolchain/rabbitmq-provider/rabbitmqinfo/info.go': [
    [/^\/\/ npm package @pulumi\/rabbitmq (\S+) sends to its provider plugin/, 'rabbitmqProvider.version'],
    [
      /^\/\/ -ldflags "-X warren\.local\/toolchain\/rabbitmq-provider\/rabbitmqinfo\.Version=([\w.-]+)"\.$/,
      'rabbitmqProvider.version',
    ],
    [/^\t\tTFProviderVersion: +"([^"]+)",$/, 'rabbitmqProvider.terraformProvider'],
  ],
  'toolchain/rabbitmq-provider/go.mod': [
    [/^\/\/ v(\S+), whose go\.mod still declares the historical$/, 'rabbitmqProvider.terraformProvider'],
    [/^\/\/ @pulumi\/rabbitmq (\S+)\.$/, 'rabbitmqProvider.version'],
  ],
  'toolchain/kubernetes-provider/go.mod': [
    // install-kubernetes-provider.sh checks this comment: go.mod records which tag its pseudo-version is.
    [
      /^\/\/ the upstream tag v(\S+) points at that commit \(npm @pulumi\/kubernetes (\S+)\)\.$/,
      'kubernetesProvider.version',
    ],
  ],
};

/** The lines of a file that can hold a copy: in go.mod only comments (its requirements are other modules' versions). */
function lines(file: string): [number, string][] {
  return read(file)
    .split('\n')
    .map((line, i) => [i + 1, line] as [number, string])
    .filter(([, line]) => !file.endsWith('go.mod') || /^\s*\/\//.test(line));
}

describe('no other copy of a pinned version', () => {
  const scripts = [
    ...filesBelow('toolchain', (f) => /\.(sh|cjs|js)$/.test(f)),
    ...filesBelow('scripts', (f) => /\.(sh|ts)$/.test(f)),
  ];
  const modules = filesBelow('toolchain', (f) => /\.go$|\/go\.mod$/.test(f));

  it('finds the files', () => {
    expect(scripts).toContain('toolchain/install-toolchain.sh');
    expect(scripts).toContain('scripts/k8s-cluster.sh');
    expect(scripts).toContain('scripts/k8s/start-control-plane.ts');
    expect(modules).toContain('toolchain/rabbitmq-provider/rabbitmqinfo/info.go');
  });

  it('the scripts read versions.json and name no version of it', () => {
    const found: string[] = [];
    for (const file of scripts)
      for (const [n, line] of lines(file))
        for (const [name, re] of pinnedLiterals) if (re.test(line)) found.push(`${file}:${n}: ${name}: ${line.trim()}`);
    expect(found).toEqual([]);
  });

  it('the Go wrapper modules hold only the listed copies, and those agree with the pins', () => {
    const found: string[] = [];
    for (const file of modules) {
      const copies = MODULE_COPIES[file] ?? [];
      for (const [n, line] of lines(file)) {
        const copy = copies.find(([re]) => re.test(line));
        if (copy) {
          const [re, pin] = copy;
          for (const version of re.exec(line)!.slice(1))
            if (version.replace(/^v/, '') !== pins[pin])
              found.push(`${file}:${n}: ${version}, but ${pin} is ${pins[pin]}`);
          continue;
        }
        for (const [name, re] of pinnedLiterals) if (re.test(line)) found.push(`${file}:${n}: ${name}: ${line.trim()}`);
      }
    }
    expect(found).toEqual([]);
    for (const [file, copies] of Object.entries(MODULE_COPIES))
      for (const [re] of copies)
        expect(
          lines(file).some(([, line]) => re.test(line)),
          `${file} no longer has ${re}: update MODULE_COPIES`,
        ).toBe(true);
  });
});
