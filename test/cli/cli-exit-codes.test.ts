// The same kind of mistake exits with the same code in every command (the
// contract's table: 2 usage, 1 invalid input, 3 only diff --fail-on), run on
// the built CLI. One row per kind of mistake, its code, and how to make that
// mistake in each command that can make it. Whatever the code, there is no
// stack trace, and a failure says why on stderr.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, STACK_TRACE } from '../support/run-cli.js';

type Command = 'validate' | 'route' | 'export' | 'diff' | 'import';
interface Run {
  readonly args: string[];
  readonly input?: string | Buffer;
  readonly env?: Record<string, string>;
  /** Run by sh, with stdout redirected there (a device that cannot be written). */
  readonly stdoutTo?: string;
}

const VALID = 'topology';
const INVALID = 'test/fixtures/invalid/references.yaml';
const SYNTAX = 'test/fixtures/invalid/syntax-unclosed.yaml';
const DEFINITIONS = 'test/fixtures/import/broker-export.json';
const NOT_DEFINITIONS = 'test/fixtures/import/not-definitions.json';
const ROUTE = ['--vhost', 'shop', '--exchange', 'orders'];
const BIG = 'x'.repeat(200);

/** A local port nothing listens on: connecting to it is refused at once. */
const CLOSED = await new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    server.close(() => resolve(port));
  });
});
const DOWN = `http://u:p@127.0.0.1:${CLOSED}`;

/** A local port that accepts connections and never answers: only the request deadline ends a read. */
const silent = createServer((socket) => socket.on('error', () => {}));
const SILENT_PORT = await new Promise<number>((resolve) =>
  silent.listen(0, '127.0.0.1', () => resolve((silent.address() as { port: number }).port)),
);
silent.unref();
const SILENT = `http://u:p@127.0.0.1:${SILENT_PORT}`;

/** Each command with the input `path` in the place of its input (diff: as HEAD). */
function withInput(path: string, extra: string[] = []): Record<Command, Run> {
  return {
    validate: { args: ['validate', path, ...extra] },
    route: { args: ['route', path, ...ROUTE, ...extra] },
    export: { args: ['export', path, ...extra] },
    diff: { args: ['diff', VALID, path, ...extra] },
    import: { args: ['import', path === VALID ? DEFINITIONS : path, ...extra] },
  };
}

const ok = withInput(VALID);
const stdin = (input: string | Buffer, env?: Record<string, string>): Record<Command, Run> =>
  Object.fromEntries(
    Object.entries(withInput('-')).map(([c, r]) => [c, { ...r, input, ...(env ? { env } : {}) }]),
  ) as Record<Command, Run>;
const only = <C extends Command>(runs: Record<Command, Run>, ...commands: C[]) =>
  Object.fromEntries(commands.map((c) => [c, runs[c]])) as Record<C, Run>;

const TABLE: readonly [kind: string, code: 0 | 1 | 2 | 3, runs: Partial<Record<Command, Run>>][] = [
  ['no mistake', 0, ok],
  // Usage (2): how warren was called.
  ['unknown option', 2, withInput(VALID, ['--bogus'])],
  [
    'missing argument',
    2,
    {
      validate: { args: ['validate'] },
      route: { args: ['route', ...ROUTE] },
      export: { args: ['export'] },
      diff: { args: ['diff', VALID] },
      import: { args: ['import'] },
    },
  ],
  ['missing required option', 2, { route: { args: ['route', VALID, '--vhost', 'shop'] } }],
  [
    'extra argument',
    2,
    { diff: { args: ['diff', VALID, VALID, VALID] }, import: { args: ['import', DEFINITIONS, DEFINITIONS] } },
  ],
  ['option value not allowed', 2, withInput(VALID, ['--format', 'xml'])],
  ['option without its value', 2, withInput(VALID, ['--format'])],
  ['path that does not exist', 2, withInput('no/such/file.yaml')],
  ['empty path', 2, withInput('')],
  ['glob that matches nothing', 2, only(withInput('no/such/*.yaml'), 'validate', 'route', 'export', 'diff')],
  ['WARREN_MAX_FILE_BYTES not a number', 2, withEnv(ok, { WARREN_MAX_FILE_BYTES: '64k' })],
  // Above the longest string V8 makes: a file that size could not be decoded (read-environment.ts).
  ['WARREN_MAX_FILE_BYTES out of range', 2, withEnv(ok, { WARREN_MAX_FILE_BYTES: '1073741824' })],
  // Read by the commands that take --broker, checked whether or not it is given.
  [
    'WARREN_MANAGEMENT_TIMEOUT_MS not a number',
    2,
    only(withEnv(ok, { WARREN_MANAGEMENT_TIMEOUT_MS: '1.5e3' }), 'diff', 'import'),
  ],
  // Past 2^31 - 1 ms Node's timers fire after 1 ms.
  [
    'WARREN_MANAGEMENT_TIMEOUT_MS out of range',
    2,
    only(withEnv(ok, { WARREN_MANAGEMENT_TIMEOUT_MS: '3000000000' }), 'diff', 'import'),
  ],
  [
    'WARREN_BROKER_INSECURE not true or false',
    2,
    only(withEnv(ok, { WARREN_BROKER_INSECURE: 'yes' }), 'diff', 'import'),
  ],
  [
    'an option that takes one value, given twice',
    2,
    {
      validate: { args: ['validate', VALID, '--format', 'json', '--format', 'json'] },
      route: { args: ['route', VALID, ...ROUTE, '--vhost', 'ops'] },
      export: {
        args: ['export', VALID, '--stack', 'stacks/Pulumi.staging.yaml', '--stack', 'stacks/Pulumi.local.yaml'],
      },
      diff: { args: ['diff', VALID, VALID, '--format=json', '--format', 'text'] },
      import: { args: ['import', DEFINITIONS, '-o', 'a', '--out', 'b'] },
    },
  ],
  [
    'a repeatable option given twice',
    0,
    {
      route: { args: ['route', VALID, ...ROUTE, '--header', 'a=1', '--header', 'b=2'] },
      diff: { args: ['diff', VALID, VALID, '--fail-on', 'access', '--fail-on', 'data-losing'] },
      import: { args: ['import', DEFINITIONS, '--vhost', 'shop', '--vhost', '/'] },
    },
  ],
  [
    '--stack file that does not exist',
    2,
    only(withInput(VALID, ['--stack', 'no/such.yaml']), 'validate', 'export', 'diff'),
  ],
  ['--stack file that does not parse', 2, only(withInput(VALID, ['--stack', SYNTAX]), 'validate', 'export', 'diff')],
  ['--broker not a URL', 2, only(withInput(VALID, ['--broker', 'localhost 15672']), 'diff', 'import')],
  ['BASE and HEAD both -', 2, { diff: { args: ['diff', '-', '-'], input: '' } }],
  ['unknown --fail-on class', 2, { diff: { args: ['diff', VALID, VALID, '--fail-on', 'risky'] } }],
  ['--header without =', 2, { route: { args: ['route', VALID, ...ROUTE, '--header', 'format'] } }],
  ['-o that is a file', 2, { import: { args: ['import', DEFINITIONS, '-o', 'package.json'] } }],
  [
    'output that cannot be written',
    2,
    // validate of a valid topology prints nothing in text; in JSON it prints [].
    Object.fromEntries(
      Object.entries(withInput(VALID, ['--format', 'json'])).map(([c, r]) => [c, { ...r, stdoutTo: '/dev/full' }]),
    ),
  ],
  // Invalid input (1): what warren was given.
  ['input that is not a regular file', 1, withInput('/dev/null')],
  ['YAML that does not parse', 1, withInput(SYNTAX)],
  ['invalid topology or definitions', 1, { ...withInput(INVALID), import: withInput(NOT_DEFINITIONS).import }],
  ['empty standard input', 1, stdin('')],
  ['standard input over the size limit', 1, stdin(BIG, { WARREN_MAX_FILE_BYTES: '64' })],
  ['standard input that is not UTF-8', 1, stdin(Buffer.from('version: 1\n\xff\n', 'latin1'))],
  ['undeclared vhost', 1, { route: { args: ['route', VALID, '--vhost', 'nope', '--exchange', 'orders'] } }],
  ['undeclared exchange', 1, { route: { args: ['route', VALID, '--vhost', 'shop', '--exchange', 'nope'] } }],
  ['--vhost the export does not hold', 1, { import: { args: ['import', DEFINITIONS, '--vhost', 'nope'] } }],
  // A broker that cannot be read: import needs it (the result would lack the internal
  // exchanges) and fails; diff only loses its live counts, says so, and keeps its code.
  ['broker that cannot be read (import)', 1, { import: { args: ['import', DEFINITIONS, '--broker', DOWN] } }],
  [
    'broker that never answers (import, WARREN_MANAGEMENT_TIMEOUT_MS)',
    1,
    {
      import: {
        args: ['import', DEFINITIONS, '--vhost', 'shop', '--broker', SILENT],
        env: { WARREN_MANAGEMENT_TIMEOUT_MS: '300' },
      },
    },
  ],
  [
    'broker that cannot be read (diff: counts unknown)',
    0,
    { diff: { args: ['diff', VALID, 'test/fixtures/valid/every-kind.yaml', '--broker', DOWN] } },
  ],
  // 3: diff --fail-on only.
  [
    'a change matched --fail-on',
    3,
    { diff: { args: ['diff', VALID, 'test/fixtures/valid/every-kind.yaml', '--fail-on', 'data-losing'] } },
  ],
];

function withEnv(runs: Record<Command, Run>, env: Record<string, string>): Record<Command, Run> {
  return Object.fromEntries(Object.entries(runs).map(([c, r]) => [c, { ...r, env }])) as Record<Command, Run>;
}

const ROWS = TABLE.flatMap(([kind, code, runs]) =>
  Object.entries(runs).map(([command, run]) => ({ kind, command, code, run: run as Run })),
);

/** The built CLI in a fresh process, not blocking the others (the rows run concurrently). */
function runWarren(run: Run): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = join(ROOT, 'bin', 'warren.js');
  const [file, args] = run.stdoutTo
    ? ['sh', ['-c', `exec "$0" "$@" >${run.stdoutTo}`, process.execPath, bin, ...run.args]]
    : [process.execPath, [bin, ...run.args]];
  return new Promise((resolve, reject) => {
    const child = spawn(file as string, args as string[], { cwd: ROOT, env: { ...process.env, ...run.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {}); // warren may exit before reading it all (a usage error)
    child.stdin.end(run.input ?? '');
  });
}

describe.concurrent('the same mistake, the same exit code, in every command', () => {
  it.each(ROWS)('$kind: warren $command exits $code', async ({ code, run }) => {
    const r = await runWarren(run);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    if (code !== 0) expect(r.stderr.trim(), 'says why on stderr').not.toBe('');
  });

  it('covers every command with each kind of mistake every command can make', () => {
    const commands = ['validate', 'route', 'export', 'diff', 'import'];
    for (const kind of [
      'no mistake',
      'unknown option',
      'missing argument',
      'path that does not exist',
      'input that is not a regular file',
      'invalid topology or definitions',
      'empty standard input',
      'standard input over the size limit',
      'an option that takes one value, given twice',
    ])
      expect(
        ROWS.filter((r) => r.kind === kind).map((r) => r.command),
        kind,
      ).toEqual(commands);
  });
});
