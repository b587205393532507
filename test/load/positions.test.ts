// Positions: lines break at LF, CRLF and a lone CR (as YAML's do), and columns
// count code points, as editors show them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/load/source-file.js';
import { loadTopology } from '../../src/load-topology.js';

function problems(text: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'warren-pos-'));
  writeFileSync(join(dir, 't.yaml'), text);
  return loadTopology({ paths: [join(dir, 't.yaml')] }).diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`);
}

const LINES = ['version: 1', 'vhosts:', '  v:', '    queues:', '      q: { maxLength: -1 }', ''];

describe('line breaks', () => {
  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('%s: the error is on line 5', (_, eol) => {
    expect(problems(LINES.join(eol))).toEqual(['5:23 invalid-value']);
  });

  it('syntax errors after CR line breaks are placed too', () => {
    expect(problems('version: 1\rvhosts:\r  v: [\r')).toEqual([expect.stringMatching(/^[34]:\d+ yaml-syntax$/)]);
  });
});

describe('columns', () => {
  it('count an emoji as one column', () => {
    expect(problems('version: 1\nvhosts:\n  v:\n    queues:\n      "😀😀": { maxLength: -1 }\n')).toEqual([
      '5:26 invalid-value',
    ]);
  });

  it('linePos maps offsets, clamped to the text', () => {
    const source = new SourceFile('t.yaml', 'a: 1\r\nb😀: 2\rc: 3');
    expect(source.linePos(0)).toEqual({ line: 1, col: 1 });
    expect(source.linePos(6)).toEqual({ line: 2, col: 1 });
    expect(source.linePos(9)).toEqual({ line: 2, col: 3 });
    expect(source.linePos(13)).toEqual({ line: 3, col: 1 });
    expect(source.linePos(10_000)).toEqual({ line: 3, col: 5 });
  });
});

describe('tags', () => {
  it('an unknown tag is reported at the tag', () => {
    expect(problems('version: 1\nvhosts:\n  v:\n    queues:\n      q: !x { maxLength: 1 }\n')).toEqual([
      '5:10 yaml-syntax',
    ]);
  });
});
