// scripts/k8s/ is tooling for the tests' clusters, not part of warren: it may
// use Node's own modules and its own files only (no @pulumi/*, nothing of
// src/), and nothing in src/ may reach into it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const K8S = join(ROOT, 'scripts', 'k8s');
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm;

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

const imports = (file: string) => [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => (m[1] ?? m[2] ?? m[3])!);

describe('scripts/k8s boundaries', () => {
  it('is compiled by npm run build', () => {
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as { include: string[] };
    expect(tsconfig.include).toContain('scripts/k8s/**/*.ts');
    expect(tsFiles(K8S).map((f) => relative(K8S, f))).toContain('k8s-cluster.ts');
  });

  it("imports only Node's modules and its own files", () => {
    const outside: string[] = [];
    for (const file of tsFiles(K8S))
      for (const spec of imports(file)) {
        const own = spec.startsWith('.') && resolve(dirname(file), spec).startsWith(`${K8S}/`);
        if (!own && !spec.startsWith('node:')) outside.push(`${relative(ROOT, file)}: ${spec}`);
      }
    expect(outside).toEqual([]);
  });

  it('is imported by nothing in src/', () => {
    const found: string[] = [];
    for (const file of tsFiles(join(ROOT, 'src')))
      for (const spec of imports(file))
        if (spec.startsWith('.') && resolve(dirname(file), spec).startsWith(`${join(ROOT, 'scripts')}/`))
          found.push(`${relative(ROOT, file)}: ${spec}`);
    expect(found).toEqual([]);
  });
});
