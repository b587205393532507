// `--help` and the command-line reference in docs/cli.md come from each
// command's spec (src/cli/X-command.ts, listed by src/cli/commands.ts):
// docs/cli.md holds exactly what the specs render, every --help prints its
// command's, and the specs name every environment variable the command line
// reads and the contract's exit codes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../src/cli/command-spec.js';
import { COMMAND_NAMES, loadCommands } from '../../src/cli/commands.js';
import { cliReference, commandHelp, programHelp } from '../../src/cli/render-help.js';
import { ENVIRONMENT } from '../../src/load/read-environment.js';
import { ROOT, runCli } from '../support/run-cli.js';

const SPECS = await loadCommands();
const spec = (name: string) => SPECS.find((s) => s.name === name)!;

describe('the command-line reference', () => {
  it("docs/cli.md's reference is the tables', as generated (paste cliReference(SPECS) there when they change)", () => {
    const doc = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
    const start = doc.indexOf('\n', doc.indexOf('<!-- cli-reference:')) + 1;
    const end = doc.indexOf('\n<!-- /cli-reference -->');
    expect(start).toBeGreaterThan(0);
    expect(doc.slice(start, end)).toBe(cliReference(SPECS));
  });

  it.each(COMMAND_NAMES)('warren %s --help prints its examples, exit codes and environment', (name) => {
    const r = runCli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(commandHelp(spec(name)));
    for (const [command] of spec(name).examples) expect(command).toMatch(new RegExp(`\\bwarren ${name}\\b`));
  });

  it('warren --help prints the exit codes and every environment variable', () => {
    const r = runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(programHelp());
  });

  it("has the contract's exit codes for each command", () => {
    const codes = Object.fromEntries(SPECS.map((s) => [s.name, s.exits.map(([code]) => code)]));
    expect(codes).toEqual({
      validate: [0, 1, 2],
      route: [0, 1, 2],
      diff: [0, 1, 2, 3],
      export: [0, 1, 2],
      import: [0, 1, 2],
      graph: [0, 1, 2],
      drift: [0, 1, 2, 4],
    });
  });

  it('names every environment variable the command line reads, and no other', () => {
    // The Pulumi program (src/pulumi) has its own; everything else runs under `warren`.
    const read = new Set<string>();
    const scan = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'pulumi') scan(path);
        } else if (entry.name.endsWith('.ts')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/\benv\??\.([A-Z][A-Z0-9_]*)\b/g)) read.add(m[1]!);
        }
      }
    };
    scan(join(ROOT, 'src'));
    // …and those read through the table of numbers and flags (read-environment.ts), but the benchmark's.
    for (const [name, spec] of Object.entries(ENVIRONMENT)) if (spec.for === 'warren') read.add(name);
    expect([...read].sort()).toEqual(Object.keys(ENV).sort());
  });
});
