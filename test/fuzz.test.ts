// Mutation fuzzing: thousands of corrupted variants of the example topology
// (bytes flipped, lines dropped, duplicated or cut, indentation broken) must
// each give diagnostics with positions inside the file, never an exception.
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../src/load-topology.js';
import { runCli, STACK_TRACE } from './support/run-cli.js';

const TOPOLOGY = join(import.meta.dirname, '..', 'topology');
const sources = readdirSync(TOPOLOGY).map((f) => readFileSync(join(TOPOLOGY, f), 'utf8'));
const JUNK = [
  '\t',
  ':',
  '- ',
  '{',
  '}',
  '[',
  '*a',
  '&a ',
  '"',
  "'",
  '#',
  '\u0000',
  '\ufffd',
  '? ',
  '|',
  '>',
  '!!binary ',
  '%YAML 1.1\n',
  '---\n',
  'ü',
];

/** A small deterministic PRNG, so that a failure can be reproduced. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(text: string, random: () => number): string {
  const lines = text.split('\n');
  for (let n = 1 + Math.floor(random() * 4); n > 0; n--) {
    const i = Math.floor(random() * lines.length);
    const line = lines[i] ?? '';
    const at = Math.floor(random() * (line.length + 1));
    switch (Math.floor(random() * 5)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, line);
        break;
      case 2:
        lines[i] = line.slice(0, at) + JUNK[Math.floor(random() * JUNK.length)] + line.slice(at);
        break;
      case 3:
        lines[i] = line.slice(0, at);
        break;
      default:
        lines[i] = ' '.repeat(Math.floor(random() * 6)) + line.trimStart();
    }
  }
  return lines.join('\n');
}

describe('mutated topologies', () => {
  it('always yield diagnostics inside the file, never an exception', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-fuzz-'));
    const random = prng(20261123);
    let invalid = 0;
    for (let i = 0; i < 1500; i++) {
      const text = mutate(sources[i % sources.length]!, random);
      const file = join(dir, `m${i}.yaml`);
      writeFileSync(file, text);
      const lineCount = text.split('\n').length;
      const { diagnostics, valid } = loadTopology({ paths: [file] });
      if (!valid) invalid++;
      for (const d of diagnostics) {
        expect(d.line, `${file} ${d.code}`).toBeGreaterThanOrEqual(1);
        expect(d.line, `${file} ${d.code}`).toBeLessThanOrEqual(lineCount);
        expect(d.col).toBeGreaterThanOrEqual(1);
      }
    }
    // The mutations must actually break things, or this test proves nothing.
    expect(invalid).toBeGreaterThan(500);
  });

  it('never make the command print a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-fuzz-cli-'));
    const random = prng(7);
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, `m${i}.yaml`), mutate(sources[i % sources.length]!, random));
    const r = runCli(['validate', dir]);
    expect([0, 1]).toContain(r.code);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  });
});
