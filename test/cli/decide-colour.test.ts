// Coloured severities only on a terminal, never with NO_COLOR, and never in
// a pipe: piped text output stays byte for byte the contract's lines.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decideColour } from '../../src/cli/decide-colour.js';
import { formatDiagnostics } from '../../src/diagnostics/format-diagnostics.js';
import type { Diagnostic } from '../../src/diagnostics/diagnostic.js';
import { ROOT, runCli } from '../support/run-cli.js';

const ESC = '\u001b';
const FIXTURE = 'test/fixtures/invalid/bindings.yaml';

describe('decideColour', () => {
  it.each([
    [true, {}, true],
    [false, {}, false],
    [undefined, {}, false],
    [true, { NO_COLOR: '1' }, false],
    [true, { NO_COLOR: 'false' }, false], // any non-empty value
    [true, { NO_COLOR: '' }, true], // empty is unset (no-color.org)
    [true, { FORCE_COLOR: '0' }, false],
    [true, { FORCE_COLOR: 'false' }, false],
    [true, { FORCE_COLOR: '1' }, true],
    [false, { FORCE_COLOR: '1' }, false], // a pipe is the contract's lines, whatever FORCE_COLOR says
    [false, { FORCE_COLOR: '3' }, false],
    [true, { NO_COLOR: '1', FORCE_COLOR: '1' }, false],
    [true, { TERM: 'dumb' }, false],
  ] as const)('isTTY %s, env %j: %s', (isTTY, env, colour) => {
    expect(decideColour(isTTY, env)).toBe(colour);
  });
});

describe('coloured problem lines', () => {
  const d: Diagnostic = {
    severity: 'warning',
    code: 'key-ignored',
    message: 'm',
    file: 'f',
    line: 1,
    col: 2,
    pointer: '',
  };

  it('colour only the severity: error red, warning yellow', () => {
    expect(formatDiagnostics([d], 'text', { colour: true })).toBe(
      `f:1:2: ${ESC}[33mwarning${ESC}[39m key-ignored: m\n`,
    );
    expect(formatDiagnostics([{ ...d, severity: 'error' }], 'text', { colour: true })).toContain(
      `${ESC}[31merror${ESC}[39m`,
    );
    expect(formatDiagnostics([d], 'text')).toBe('f:1:2: warning key-ignored: m\n');
  });

  it('never in a pipe, even with FORCE_COLOR: the same bytes as with NO_COLOR', () => {
    const plain = runCli(['validate', FIXTURE], { env: { NO_COLOR: '1' } });
    expect(plain.stdout).toMatch(/: error /);
    for (const env of [{}, { FORCE_COLOR: '1' }, { FORCE_COLOR: '3', TERM: 'xterm-256color' }]) {
      const r = runCli(['validate', FIXTURE], { env });
      expect(r.stdout, JSON.stringify(env)).toBe(plain.stdout);
      expect(r.stdout + r.stderr).not.toContain(ESC);
    }
    const route = runCli(['route', FIXTURE, '--vhost', 'shop', '--exchange', 'x'], { env: { FORCE_COLOR: '1' } });
    expect(route.stderr).not.toContain(ESC);
  });

  // script(1) runs warren on a pseudo-terminal; Debian's essential bsdutils ships it, so it is never skipped.
  it('on a terminal, unless NO_COLOR', () => {
    const onTty = (env: Record<string, string>) =>
      spawnSync('script', ['-qec', `"${process.execPath}" bin/warren.js validate ${FIXTURE}`, '/dev/null'], {
        cwd: ROOT,
        env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', TERM: 'xterm', ...env },
        encoding: 'utf8',
      }).stdout;
    expect(onTty({})).toContain(`${ESC}[31merror${ESC}[39m`);
    expect(onTty({ NO_COLOR: '1' })).not.toContain(ESC);
  });
});
