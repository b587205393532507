// The shape of src/: its layers, declared once here, lowest first. A file may
// import files of its own layer and of lower ones, never of a higher one, and
// no import circle may form (type-only imports count: they are dependencies
// a reader follows too). Nothing below the Pulumi layer imports `@pulumi/*`:
// loading, checking and planning run without the SDK (the CLI, the bench).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', 'src');

/** Layers, lowest first: each a list of paths under src/ (a folder ends with `/`); the longest match places a file. */
const LAYERS: readonly (readonly string[])[] = [
  ['base/', 'units/', 'diagnostics/', 'output/', 'package-root.ts'],
  ['format/'],
  ['load/'],
  ['model/'],
  ['route/', 'plan/', 'broker/'],
  ['check/', 'export/', 'diff/'],
  ['load-topology.ts', 'cluster/', 'import/', 'drift/', 'graph/'],
  ['pulumi/'],
  ['index.ts', 'cli/'],
  ['pulumi/index.ts', 'build/'],
];
/** The first layer that may import `@pulumi/*`. */
const PULUMI_LAYER = LAYERS.findIndex((l) => l.includes('pulumi/'));

function layerOf(file: string): number {
  let best = -1;
  let length = -1;
  LAYERS.forEach((paths, i) => {
    for (const p of paths)
      if ((p.endsWith('/') ? file.startsWith(p) : file === p) && p.length > length) {
        best = i;
        length = p.length;
      }
  });
  return best;
}

function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*'([^']+)'|import\(\s*'([^']+)'\s*\)|^import\s+'([^']+)'/gm;

/** Each file (relative to src/) → what it imports: files of src/ (relative) and packages (as written). */
function graph(): Map<string, { files: string[]; packages: string[] }> {
  const out = new Map<string, { files: string[]; packages: string[] }>();
  for (const path of sources()) {
    const text = readFileSync(path, 'utf8');
    const files: string[] = [];
    const packages: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2] ?? m[3])!;
      if (spec.startsWith('.')) files.push(relative(SRC, resolve(dirname(path), spec.replace(/\.js$/, '.ts'))));
      else packages.push(spec);
    }
    out.set(relative(SRC, path), { files, packages });
  }
  return out;
}

/** The import circles (strongly connected components of more than one file, or a file importing itself). */
function circles(edges: Map<string, { files: string[] }>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.files ?? []) {
      if (!edges.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || edges.get(v)!.files.includes(v)) found.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('the structure of src/', () => {
  const edges = graph();

  it('places every file in a declared layer', () => {
    expect(edges.size).toBeGreaterThan(100);
    expect([...edges.keys()].filter((f) => layerOf(f) < 0)).toEqual([]);
  });

  it('has no import of a file that does not exist (the graph is read right)', () => {
    const missing = [...edges].flatMap(([f, e]) => e.files.filter((t) => !edges.has(t)).map((t) => `${f} → ${t}`));
    expect(missing).toEqual([]);
  });

  it('has no import circle', () => {
    expect(circles(edges)).toEqual([]);
  });

  it('imports nothing from a higher layer than the importing file’s own', () => {
    const upward = [...edges].flatMap(([f, e]) =>
      e.files.filter((t) => layerOf(t) > layerOf(f)).map((t) => `${f} (layer ${layerOf(f)}) → ${t} (${layerOf(t)})`),
    );
    expect(upward).toEqual([]);
  });

  it('imports @pulumi/* only from the Pulumi layer up', () => {
    const early = [...edges].flatMap(([f, e]) =>
      layerOf(f) < PULUMI_LAYER ? e.packages.filter((p) => p.startsWith('@pulumi/')).map((p) => `${f} → ${p}`) : [],
    );
    expect(early).toEqual([]);
  });

  it('finds a circle and an upward import when there is one (the checks can fail)', () => {
    const made = new Map([
      ['model/a.ts', { files: ['plan/b.ts'], packages: [] }],
      ['plan/b.ts', { files: ['model/a.ts'], packages: [] }],
    ]);
    expect(circles(made)).toEqual([['model/a.ts', 'plan/b.ts']]);
    expect(layerOf('plan/b.ts')).toBeGreaterThan(layerOf('model/a.ts'));
    expect(layerOf('pulumi/index.ts')).toBeGreaterThan(layerOf('index.ts'));
    expect(layerOf('pulumi/create-topology.ts')).toBe(PULUMI_LAYER);
  });
});
