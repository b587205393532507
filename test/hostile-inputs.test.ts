// Hostile command lines, table-driven: endless and special files (FIFOs,
// /dev/zero), paths that cannot be what they claim, bad flags and
// environment, broker URLs with passwords, outputs that close or fill up, and
// names that try to forge lines. Every case asserts its documented exit code,
// that nothing hangs, that there is no stack trace, that a failure explains
// itself (a problem line, JSON problems or a one-line `warren:` message),
// that a password given in a URL never shows, and that no name breaks a line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, runShell, STACK_TRACE, type CliResult } from './support/run-cli.js';

const DIR = mkdtempSync(join(tmpdir(), 'warren-hostile-'));
const TOPO = join(ROOT, 'topology');
const INVALID = join(ROOT, 'test/fixtures/invalid/references.yaml');
const EXPORT = join(ROOT, 'test/fixtures/import/broker-export.json');
const SECRET = 'S3cret';
const FORGED = '\n/etc/passwd:1:1: error fake: x';
// Queue and exchange names cannot hold CR or LF (RabbitMQ strips them: invalid-name); NEL (U+0085) is a line break they can hold.
const FORGED_NEL = '\u0085/etc/passwd:1:1: error fake: x';
const W = '"$NODE" "$WARREN_JS"';
const LONG = 'x'.repeat(5000);
const TIMEOUT = 10_000;

/** Writes the files the cases use; each is named after what it is. */
function makeFiles(): void {
  const file = (name: string, text: string) => writeFileSync(join(DIR, name), text);
  const q = (name: string) => JSON.stringify(name);
  file('two-queues.yaml', 'version: 1\nvhosts:\n  v:\n    queues:\n      a: {}\n      b: {}\n');
  file('one-queue.yaml', 'version: 1\nvhosts:\n  v:\n    queues:\n      a: {}\n');
  file('not-a-dir', 'a file\n');
  file('stack-bad.yaml', 'config: [\n');
  // Names holding a line break that would forge a problem line, ESC and U+2028.
  const evil = `e${FORGED_NEL}`;
  const queue = `q${FORGED_NEL}\u001b[31m\u2028`;
  file(
    'evil-valid.yaml',
    `version: 1\nvhosts:\n  v:\n    exchanges:\n      ${q(evil)}: { type: fanout }\n    queues:\n      ${q(queue)}: {}\n    bindings:\n      - { from: ${q(evil)}, to: ${q(queue)} }\nusers:\n  ${q(`u${FORGED}`)}:\n    password: { secret: p }\n`,
  );
  file('evil-base.yaml', `version: 1\nvhosts:\n  v:\n    queues:\n      ${q(queue)}: {}\n      keep: {}\n`);
  file('evil-head.yaml', 'version: 1\nvhosts:\n  v:\n    queues:\n      keep: {}\n');
  file(
    'evil-invalid.yaml',
    `version: 1\nvhosts:\n  v:\n    queues:\n      ${q(queue)}: {}\n    bindings:\n      - { from: amq.direct, to: ${q(`missing${FORGED}`)} }\n`,
  );
  file('evil-field.yaml', `version: 1\nvhosts:\n  v:\n    queues:\n      ${q(`q${FORGED}`)}: { messageTtl: abc }\n`);
  file('evil-type.yaml', `version: 1\nvhosts:\n  v:\n    queues:\n      ${q(`q${FORGED}`)}: { type: bogus }\n`);
  file(
    'evil-defs.json',
    JSON.stringify({
      users: [{ name: `u${FORGED}`, password_hash: 'x', hashing_algorithm: 'rabbit_password_hashing_md5', tags: [] }],
      vhosts: [{ name: 'v' }],
    }),
  );
  mkdirSync(join(DIR, 'odd-name'));
  // A file name cannot hold `/`: this one forges a line about another file.
  writeFileSync(
    join(DIR, 'odd-name', 'name\nfake.yaml:1:1: error fake: x.yaml'),
    'version: 1\nvhosts:\n  v:\n    queues:\n      q: { messageTtl: abc }\n',
  );
  // Big outputs, so that a reader that closes early makes the writer fail.
  const many = Array.from({ length: 3000 }, (_, i) => `      queue_${i}: { messageTtl: 60s }`).join('\n');
  file('big.yaml', `version: 1\nvhosts:\n  v:\n    queues:\n${many}\n`);
  const broken = Array.from({ length: 3000 }, (_, i) => `      - { from: amq.direct, to: missing_${i} }`).join('\n');
  file('big-invalid.yaml', `version: 1\nvhosts:\n  v:\n    bindings:\n${broken}\n`);
  // Special files: FIFOs (alone and inside a directory argument), dangling links.
  execFileSync('mkfifo', [join(DIR, 'fifo.yaml')]);
  mkdirSync(join(DIR, 'with-fifo'));
  writeFileSync(join(DIR, 'with-fifo', 'a.yaml'), 'version: 1\n');
  execFileSync('mkfifo', [join(DIR, 'with-fifo', 'p.yaml')]);
  mkdirSync(join(DIR, 'with-dangling'));
  writeFileSync(join(DIR, 'with-dangling', 'a.yaml'), 'version: 1\n');
  symlinkSync(join(DIR, 'gone.yaml'), join(DIR, 'with-dangling', 'b.yaml'));
  symlinkSync(join(DIR, 'gone.yaml'), join(DIR, 'dangling.yaml'));
  symlinkSync(join(DIR, 'gone-dir'), join(DIR, 'dangling-dir'));
}
makeFiles();
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

interface Case {
  readonly name: string;
  /** warren's arguments (run in DIR), or a shell script calling `${W}`. */
  readonly args?: string[];
  readonly sh?: string;
  readonly env?: Record<string, string>;
  readonly input?: string;
  readonly code: number;
  /** What stdout + stderr must show: the code and position, or the gist of the message. */
  readonly shows?: RegExp;
  /** stdout must be JSON with `problems` (the objects validate prints). */
  readonly jsonProblems?: boolean;
  /** Nothing on stderr: the quiet end of a closed pipe. */
  readonly quiet?: boolean;
}

const at = (file: string, line: number, col: number, code: string) =>
  new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:${col}: error ${code}: \\S`);
const piped = (command: string, stream: 'stdout' | 'stderr' = 'stdout') =>
  `{ ${command}${stream === 'stderr' ? ' 2>&1 >/dev/null' : ''}; echo "warren-exit=$?" >&3; } 3>&2 | head -c1 >/dev/null`;

const CASES: Case[] = [
  // Endless and special files: refused unread, at FILE:1:1.
  {
    name: 'validate /dev/zero',
    args: ['validate', '/dev/zero'],
    code: 1,
    shows: at('/dev/zero', 1, 1, 'file-unreadable'),
  },
  {
    name: 'validate /dev/urandom',
    args: ['validate', '/dev/urandom'],
    code: 1,
    shows: at('/dev/urandom', 1, 1, 'file-unreadable'),
  },
  {
    name: 'validate /dev/null (not a regular file)',
    args: ['validate', '/dev/null'],
    code: 1,
    shows: at('/dev/null', 1, 1, 'file-unreadable'),
  },
  {
    name: 'validate /dev/full',
    args: ['validate', '/dev/full'],
    code: 1,
    shows: at('/dev/full', 1, 1, 'file-unreadable'),
  },
  {
    name: 'validate a FIFO',
    args: ['validate', 'fifo.yaml'],
    code: 1,
    shows: at('fifo.yaml', 1, 1, 'file-unreadable'),
  },
  {
    name: 'validate a directory holding a FIFO',
    args: ['validate', 'with-fifo'],
    code: 1,
    shows: at('with-fifo/p.yaml', 1, 1, 'file-unreadable'),
  },
  {
    name: 'a glob finds a FIFO as the walk does, and it is refused unread',
    args: ['validate', 'with-fifo/*.yaml'],
    code: 1,
    shows: at('with-fifo/p.yaml', 1, 1, 'file-unreadable'),
  },
  {
    name: 'validate a FIFO, JSON',
    args: ['validate', 'fifo.yaml', '--format', 'json'],
    code: 1,
    shows: /"code": "file-unreadable"/,
  },
  {
    name: 'route a FIFO',
    args: ['route', 'fifo.yaml', '--vhost', 'v', '--exchange', 'e'],
    code: 1,
    shows: at('fifo.yaml', 1, 1, 'file-unreadable'),
  },
  { name: 'export /dev/zero', args: ['export', '/dev/zero'], code: 1, shows: at('/dev/zero', 1, 1, 'file-unreadable') },
  {
    name: 'diff /dev/urandom against a topology',
    args: ['diff', '/dev/urandom', TOPO],
    code: 1,
    shows: at('/dev/urandom', 1, 1, 'file-unreadable'),
  },
  {
    name: 'diff with a FIFO as HEAD',
    args: ['diff', TOPO, 'fifo.yaml'],
    code: 1,
    shows: at('fifo.yaml', 1, 1, 'file-unreadable'),
  },
  { name: 'import /dev/zero', args: ['import', '/dev/zero'], code: 1, shows: at('/dev/zero', 1, 1, 'file-unreadable') },
  { name: 'import a FIFO', args: ['import', 'fifo.yaml'], code: 1, shows: at('fifo.yaml', 1, 1, 'file-unreadable') },
  { name: 'import a directory', args: ['import', TOPO], code: 1, shows: at(TOPO, 1, 1, 'file-unreadable') },
  {
    name: 'validate /proc/self/mem (a regular file that cannot be read)',
    args: ['validate', '/proc/self/mem'],
    code: 1,
    shows: at('/proc/self/mem', 1, 1, 'file-unreadable'),
  },
  {
    name: '--stack /dev/zero',
    args: ['validate', TOPO, '--stack', '/dev/zero'],
    code: 2,
    shows: /^warren: .*stack.*regular file/m,
  },
  { name: '--stack a FIFO', args: ['export', TOPO, '--stack', 'fifo.yaml'], code: 2, shows: /^warren: .*stack/m },
  {
    name: 'diff --stack /dev/urandom',
    args: ['diff', TOPO, TOPO, '--stack', '/dev/urandom'],
    code: 2,
    shows: /^warren: .*stack/m,
  },
  {
    name: 'standard input from /dev/zero stops at the limit',
    sh: `${W} validate - < /dev/zero`,
    env: { WARREN_MAX_FILE_BYTES: '4096' },
    code: 1,
    shows: at('<stdin>', 1, 1, 'file-too-large'),
  },
  {
    name: 'import from /dev/urandom on standard input stops at the limit',
    sh: `${W} import - < /dev/urandom`,
    env: { WARREN_MAX_FILE_BYTES: '4096' },
    code: 1,
    shows: at('<stdin>', 1, 1, 'file-too-large'),
  },
  { name: 'standard input closed', sh: `${W} validate - <&-`, code: 1, shows: /^<stdin>:1:1: error /m },
  {
    name: '/dev/stdin is refused as a path (- reads standard input)',
    sh: `${W} validate /dev/stdin < /dev/zero`,
    code: 1,
    shows: at('/dev/stdin', 1, 1, 'file-unreadable'),
  },
  {
    name: 'a file over the limit',
    args: ['validate', 'two-queues.yaml'],
    env: { WARREN_MAX_FILE_BYTES: '10' },
    code: 1,
    shows: at('two-queues.yaml', 1, 1, 'file-too-large'),
  },

  // Paths on the command line: missing is a usage error (2) in every command.
  { name: 'validate a missing file', args: ['validate', 'no-such.yaml'], code: 2, shows: /^warren: .*no-such\.yaml/m },
  {
    name: 'route a missing file',
    args: ['route', 'no-such.yaml', '--vhost', 'v', '--exchange', 'e'],
    code: 2,
    shows: /^warren: /m,
  },
  { name: 'export a missing file', args: ['export', 'no-such.yaml'], code: 2, shows: /^warren: /m },
  { name: 'diff a missing BASE', args: ['diff', 'no-such.yaml', TOPO], code: 2, shows: /^warren: /m },
  { name: 'import a missing file', args: ['import', 'no-such.json'], code: 2, shows: /^warren: .*no-such\.json/m },
  { name: 'validate a dangling symlink', args: ['validate', 'dangling.yaml'], code: 2, shows: /^warren: /m },
  { name: 'import a dangling symlink', args: ['import', 'dangling.yaml'], code: 2, shows: /^warren: .*ENOENT/m },
  {
    name: 'a dangling symlink inside a directory',
    args: ['validate', 'with-dangling'],
    code: 1,
    shows: at('with-dangling/b.yaml', 1, 1, 'file-unreadable'),
  },
  { name: 'validate an empty path', args: ['validate', ''], code: 2, shows: /^warren: /m },
  { name: 'import an empty path', args: ['import', ''], code: 2, shows: /^warren: /m },
  { name: 'validate an over-long path', args: ['validate', `${LONG}.yaml`], code: 2, shows: /^warren: /m },
  { name: 'validate an over-long glob', args: ['validate', `${LONG}/*.yaml`], code: 2, shows: /^warren: /m },
  { name: 'import an over-long path', args: ['import', `${LONG}.json`], code: 2, shows: /^warren: .*ENAMETOOLONG/m },
  {
    name: '--stack with an over-long path',
    args: ['validate', TOPO, '--stack', LONG],
    code: 2,
    shows: /^warren: .*--stack/m,
  },
  { name: '--stack empty', args: ['validate', TOPO, '--stack', ''], code: 2, shows: /^warren: .*--stack/m },
  { name: '--stack missing', args: ['export', TOPO, '--stack', 'no-such.yaml'], code: 2, shows: /^warren: .*--stack/m },
  {
    name: '--stack that is not YAML',
    args: ['validate', TOPO, '--stack', 'stack-bad.yaml'],
    code: 2,
    shows: /^warren: .*stack/m,
  },
  {
    name: 'a path with a newline is escaped',
    args: ['validate', `no${FORGED}.yaml`],
    code: 2,
    shows: /^warren: .*no\\u000a\/etc\/passwd/m,
  },

  // import -o: every way the directory can be wrong is a usage error, and nothing spins.
  { name: 'import -o empty', args: ['import', EXPORT, '-o', ''], code: 2, shows: /^warren: -o/m },
  {
    name: 'import -o below a file',
    args: ['import', EXPORT, '-o', 'not-a-dir/sub'],
    code: 2,
    shows: /^warren: -o .*ENOTDIR/m,
  },
  {
    name: 'import -o a file',
    args: ['import', EXPORT, '-o', 'not-a-dir'],
    code: 2,
    shows: /^warren: -o .*not a directory/m,
  },
  {
    name: 'import -o a dangling symlink',
    args: ['import', EXPORT, '-o', 'dangling-dir'],
    code: 2,
    shows: /^warren: -o /m,
  },
  {
    name: 'import -o /proc/x does not spin',
    args: ['import', EXPORT, '-o', '/proc/x'],
    code: 2,
    shows: /^warren: -o \/proc\/x/m,
  },
  { name: 'import -o /proc/x/y/z', args: ['import', EXPORT, '-o', '/proc/x/y/z'], code: 2, shows: /^warren: -o /m },
  {
    name: 'import -o below /dev/full',
    args: ['import', EXPORT, '-o', '/dev/full/x'],
    code: 2,
    shows: /^warren: -o .*ENOTDIR/m,
  },
  {
    name: 'import -o an over-long path',
    args: ['import', EXPORT, '-o', join(LONG, 'x')],
    code: 2,
    shows: /^warren: -o .*ENAMETOOLONG/m,
  },
  {
    name: 'import with an unwritable TMPDIR',
    args: ['import', EXPORT],
    env: { TMPDIR: '/proc/no-such-dir' },
    code: 0,
    shows: /^version: 1$/m,
  },
  {
    name: 'import with TMPDIR a file, JSON',
    args: ['import', EXPORT, '--format', 'json'],
    env: { TMPDIR: '/dev/null' },
    code: 0,
    shows: /"topology": /,
  },

  // Environment and flags.
  {
    name: 'WARREN_MAX_FILE_BYTES=abc',
    args: ['validate', TOPO],
    env: { WARREN_MAX_FILE_BYTES: 'abc' },
    code: 2,
    shows: /^warren: WARREN_MAX_FILE_BYTES/m,
  },
  {
    name: 'WARREN_MAX_FILE_BYTES=-5',
    args: ['export', TOPO],
    env: { WARREN_MAX_FILE_BYTES: '-5' },
    code: 2,
    shows: /^warren: WARREN_MAX_FILE_BYTES/m,
  },
  {
    name: 'WARREN_MAX_FILE_BYTES=0',
    args: ['validate', TOPO],
    env: { WARREN_MAX_FILE_BYTES: '0' },
    code: 2,
    shows: /^warren: WARREN_MAX_FILE_BYTES/m,
  },
  {
    name: 'WARREN_MAX_FILE_BYTES=1.5',
    args: ['import', EXPORT],
    env: { WARREN_MAX_FILE_BYTES: '1.5' },
    code: 2,
    shows: /^warren: WARREN_MAX_FILE_BYTES/m,
  },
  {
    name: 'WARREN_MAX_FILE_BYTES=1e3',
    args: ['validate', TOPO],
    env: { WARREN_MAX_FILE_BYTES: '1e3' },
    code: 2,
    shows: /^warren: WARREN_MAX_FILE_BYTES/m,
  },
  {
    name: 'WARREN_MAX_FILE_BYTES beyond safe integers',
    args: ['validate', TOPO],
    env: { WARREN_MAX_FILE_BYTES: '99999999999999999999' },
    code: 2,
    shows: /^warren: WARREN_MAX_FILE_BYTES/m,
  },
  {
    name: 'WARREN_MAX_FILE_BYTES empty is the default',
    args: ['validate', TOPO],
    env: { WARREN_MAX_FILE_BYTES: '' },
    code: 0,
    shows: /^valid: 4 files/m,
  },
  { name: 'an unknown --format', args: ['export', TOPO, '--format', 'xml'], code: 2, shows: /^error: .*xml/m },
  {
    name: 'a --format holding a newline is escaped',
    args: ['validate', TOPO, '--format', `x${FORGED}`],
    code: 2,
    shows: /^error: .*x\\u000a\/etc\/passwd/m,
  },
  {
    name: 'an unknown option holding ESC',
    args: ['validate', TOPO, '--\u001b[2J'],
    code: 2,
    shows: /^error: .*\\u001b/m,
  },
  { name: 'diff --fail-on nonsense', args: ['diff', TOPO, TOPO, '--fail-on', 'nonsense'], code: 2, shows: /^error: /m },
  { name: 'diff - -', args: ['diff', '-', '-'], code: 2, shows: /^warren: /m },
  {
    name: 'route --header without =',
    args: ['route', TOPO, '--vhost', 'shop', '--exchange', 'orders', '--header', 'x'],
    code: 2,
    shows: /^warren: --header/m,
  },
  { name: 'route without --exchange', args: ['route', TOPO, '--vhost', 'shop'], code: 2, shows: /^error: / },
  {
    name: 'WARREN_MAX_FILE_BYTES above the longest string',
    args: ['validate', TOPO],
    env: { WARREN_MAX_FILE_BYTES: '1073741824' },
    code: 2,
    shows: /^warren: WARREN_MAX_FILE_BYTES must be a whole number of bytes from 1 to \d+, not `1073741824`$/m,
  },
  {
    name: 'WARREN_MANAGEMENT_TIMEOUT_MS past what a timer holds (it would be 1 ms)',
    args: ['import', EXPORT, '--broker', 'http://localhost:1'],
    env: { WARREN_MANAGEMENT_TIMEOUT_MS: '3000000000' },
    code: 2,
    shows: /^warren: WARREN_MANAGEMENT_TIMEOUT_MS must be a whole number of milliseconds from 1 to 2147483647/m,
  },
  {
    name: 'WARREN_MANAGEMENT_TIMEOUT_MS=1.5e3',
    args: ['diff', TOPO, TOPO],
    env: { WARREN_MANAGEMENT_TIMEOUT_MS: '1.5e3' },
    code: 2,
    shows: /^warren: WARREN_MANAGEMENT_TIMEOUT_MS .*`1\.5e3`/m,
  },
  {
    name: 'WARREN_BROKER_INSECURE=yes, without --broker too',
    args: ['diff', TOPO, TOPO],
    env: { WARREN_BROKER_INSECURE: 'yes' },
    code: 2,
    shows: /^warren: WARREN_BROKER_INSECURE must be true or false/m,
  },
  {
    name: 'two bad variables are both named',
    args: ['import', EXPORT],
    env: { WARREN_MAX_FILE_BYTES: 'x', WARREN_MANAGEMENT_TIMEOUT_MS: 'y' },
    code: 2,
    shows: /^warren: WARREN_MAX_FILE_BYTES .*; WARREN_MANAGEMENT_TIMEOUT_MS /m,
  },
  {
    name: 'a variable validate does not read is not checked',
    args: ['validate', TOPO],
    env: { WARREN_MANAGEMENT_TIMEOUT_MS: 'y' },
    code: 0,
  },
  {
    name: 'LOG_TOKENS and LOG_STREAM (the yaml package would print every token) leave JSON alone',
    args: ['export', INVALID, '--format', 'json'],
    env: { LOG_TOKENS: '1', LOG_STREAM: '1' },
    code: 1,
    jsonProblems: true,
  },
  {
    name: 'route --vhost given twice',
    args: ['route', TOPO, '--vhost', 'shop', '--exchange', 'orders', '--vhost', 'ops'],
    code: 2,
    shows: /^error: option '--vhost <vhost>' takes one value and was given more than once$/m,
  },
  {
    name: 'route --key given twice, one empty',
    args: ['route', TOPO, '--vhost', 'shop', '--exchange', 'orders', '--key', 'a', '--key='],
    code: 2,
    shows: /^error: option '--key <key>' takes one value/m,
  },
  {
    name: 'import -o given as -o and --out',
    args: ['import', EXPORT, '-o', 'a', '--out=b'],
    code: 2,
    shows: /^error: option '-o, --out <dir>' takes one value/m,
  },
  {
    name: '--broker given twice never shows a password',
    args: ['diff', TOPO, TOPO, '--broker', `http://admin:${SECRET}@a`, '--broker', `http://admin:${SECRET}@b`],
    code: 2,
    shows: /^error: option '--broker <url>' takes one value/m,
  },
  { name: 'import --force twice is --force', args: ['import', EXPORT, '--force', '--force'], code: 0 },

  // Broker URLs: usage errors never show the password; the guest fallback is said.
  {
    name: '--broker without a scheme',
    args: ['diff', TOPO, TOPO, '--broker', `admin:${SECRET}@host:15672`],
    code: 2,
    shows: /^warren: --broker \*\*\*@host:15672: /m,
  },
  {
    name: '--broker that does not parse',
    args: ['diff', TOPO, TOPO, '--broker', 'http://[::1'],
    code: 2,
    shows: /^warren: --broker /m,
  },
  {
    name: '--broker with a password that does not parse',
    args: ['diff', TOPO, TOPO, '--broker', `http://admin:${SECRET}@[::1`],
    code: 2,
    shows: /^warren: --broker http:\/\/\*\*\*@/m,
  },
  {
    name: '--broker with a bad port',
    args: ['import', EXPORT, '--broker', `http://admin:${SECRET}@host:99999`],
    code: 2,
    shows: /^warren: --broker /m,
  },
  {
    name: '--broker with / in the password',
    args: ['diff', TOPO, TOPO, '--broker', `http://admin:${SECRET}/x@host`],
    code: 2,
    shows: /^warren: --broker /m,
  },
  {
    name: '--broker ftp://',
    args: ['import', EXPORT, '--broker', `ftp://admin:${SECRET}@host`],
    code: 2,
    shows: /^warren: --broker ftp:\/\/\*\*\*@host/m,
  },
  {
    name: '--broker with bad percent-encoding',
    args: ['diff', TOPO, TOPO, '--broker', `http://admin:${SECRET}%zz@host`],
    code: 2,
    shows: /^warren: --broker /m,
  },
  { name: '--broker empty', args: ['diff', TOPO, TOPO, '--broker', ''], code: 2, shows: /^warren: --broker/m },
  {
    name: '--broker unreachable, with a password',
    args: ['diff', 'two-queues.yaml', 'one-queue.yaml', '--broker', `http://admin:${SECRET}@127.0.0.1:1`],
    code: 0,
    shows: /^warning: live counts: .*127\.0\.0\.1:1/m,
  },
  {
    name: '--broker without credentials warns of guest',
    args: ['diff', TOPO, TOPO, '--broker', 'http://127.0.0.1:1'],
    code: 0,
    shows: /^warning: --broker: .*guest/m,
  },
  {
    name: '--broker password only from the environment',
    args: ['diff', TOPO, TOPO, '--broker', 'http://127.0.0.1:1'],
    env: { WARREN_BROKER_PASSWORD: SECRET },
    code: 0,
    shows: /^warning: --broker: no user /m,
  },
  {
    name: 'import --broker unreachable, with a password',
    args: ['import', EXPORT, '--broker', `http://admin:${SECRET}@127.0.0.1:1`],
    code: 1,
    shows: /^warren: --broker: .*127\.0\.0\.1:1/m,
  },
  {
    name: 'import --broker unreachable, JSON',
    args: ['import', EXPORT, '--broker', `http://admin:${SECRET}@127.0.0.1:1`, '--format', 'json'],
    code: 1,
    jsonProblems: true,
    shows: /"error": "--broker: .*127\.0\.0\.1:1/,
  },

  // Closed pipes and full devices, on stdout and stderr, for every command.
  { name: 'export | head -c1', sh: piped(`${W} export big.yaml`), code: 0, quiet: true },
  { name: 'export --format json | head -c1', sh: piped(`${W} export big.yaml --format json`), code: 0, quiet: true },
  { name: 'validate (invalid) | head -c1 keeps exit 1', sh: piped(`${W} validate big-invalid.yaml`), code: 1 },
  {
    name: 'validate --format json | head -c1',
    sh: piped(`${W} validate big-invalid.yaml --format json`),
    code: 1,
    quiet: true,
  },
  { name: 'validate, stderr | head -c1', sh: piped(`${W} validate big-invalid.yaml`, 'stderr'), code: 1 },
  { name: 'diff | head -c1', sh: piped(`${W} diff big.yaml one-queue.yaml`), code: 0, quiet: true },
  {
    name: 'diff --fail-on | head -c1 keeps exit 3',
    sh: piped(`${W} diff big.yaml one-queue.yaml --fail-on data-losing --format markdown`),
    code: 3,
  },
  {
    name: 'route | head -c1',
    sh: piped(`${W} route ${TOPO} --vhost shop --exchange orders --key order.created.us`),
    code: 0,
    quiet: true,
  },
  { name: 'import | head -c1', sh: piped(`${W} import ${EXPORT}`), code: 0 },
  { name: 'export (invalid), stderr | head -c1', sh: piped(`${W} export big-invalid.yaml`, 'stderr'), code: 1 },
  { name: '--help | head -c1', sh: piped(`${W} --help`), code: 0, quiet: true },
  {
    name: 'export >/dev/full',
    sh: `${W} export big.yaml >/dev/full`,
    code: 2,
    shows: /^warren: cannot write to standard output: .*ENOSPC/m,
  },
  {
    name: 'validate --format json >/dev/full',
    sh: `${W} validate ${TOPO} --format json >/dev/full`,
    code: 2,
    shows: /^warren: cannot write to standard output: .*ENOSPC/m,
  },
  {
    name: 'route >/dev/full',
    sh: `${W} route ${TOPO} --vhost shop --exchange orders --key order.created.us >/dev/full`,
    code: 2,
    shows: /ENOSPC/,
  },
  { name: 'diff >/dev/full', sh: `${W} diff two-queues.yaml one-queue.yaml >/dev/full`, code: 2, shows: /ENOSPC/ },
  { name: 'import >/dev/full', sh: `${W} import ${EXPORT} >/dev/full`, code: 2, shows: /ENOSPC/ },
  { name: '--version >/dev/full', sh: `${W} --version >/dev/full`, code: 2, shows: /ENOSPC/ },
  { name: 'validate 2>/dev/full (the summary cannot be written)', sh: `${W} validate ${TOPO} 2>/dev/full`, code: 2 },
  {
    name: 'export 2>/dev/full (the notes cannot be written)',
    sh: `${W} export ${TOPO} 2>/dev/full >/dev/null`,
    code: 2,
  },

  // Names with control characters: escaped in every text output, raw (JSON-escaped) in JSON.
  {
    name: 'validate: a name forging a problem line',
    args: ['validate', 'evil-invalid.yaml'],
    code: 1,
    shows: /evil-invalid\.yaml:7:33: error unknown-queue: .*missing\\u000a\/etc\/passwd/,
  },
  {
    name: 'validate: the same in JSON keeps the name',
    args: ['validate', 'evil-invalid.yaml', '--format', 'json'],
    code: 1,
    shows: /"message": ".*missing\\n\/etc\/passwd/,
  },
  {
    name: 'validate: a newline name with an invalid field',
    args: ['validate', 'evil-field.yaml'],
    code: 1,
    shows: at('evil-field.yaml', 5, 58, 'invalid-duration'),
  },
  {
    name: 'validate: a newline name with an invalid type',
    args: ['validate', 'evil-type.yaml'],
    code: 1,
    shows: /evil-type\.yaml:5:\d+: error invalid-value: /,
  },
  {
    name: 'validate: a file name with a newline',
    args: ['validate', 'odd-name'],
    code: 1,
    shows: /name\\u000afake\.yaml:1:1: error fake: x\.yaml:5:\d+: error invalid-duration: /,
  },
  {
    name: 'route: queue names with NEL, ESC and U+2028',
    args: ['route', 'evil-valid.yaml', '--vhost', 'v', '--exchange', `e${FORGED_NEL}`],
    code: 0,
    shows: /^q\\u0085\/etc\/passwd:1:1: error fake: x\\u001b\[31m\\u2028$/m,
  },
  {
    name: 'route: an undeclared exchange named with a newline',
    args: ['route', 'evil-valid.yaml', '--vhost', 'v', '--exchange', `x${FORGED}`],
    code: 1,
    shows: /^warren: exchange `x\\u000a\/etc/m,
  },
  {
    name: 'route: an undeclared vhost named with ESC',
    args: ['route', 'evil-valid.yaml', '--vhost', 'v\u001b[2J', '--exchange', 'e'],
    code: 1,
    shows: /^warren: vhost `v\\u001b\[2J`/m,
  },
  {
    name: 'diff text: a removed queue with a NEL name',
    args: ['diff', 'evil-base.yaml', 'evil-head.yaml'],
    code: 0,
    shows: /DATA-LOSING remove .*q\\u0085\/etc\/passwd/,
  },
  {
    name: 'diff markdown: the same',
    args: ['diff', 'evil-base.yaml', 'evil-head.yaml', '--format', 'markdown'],
    code: 0,
    shows: /q\\\\u0085\/etc\/passwd/,
  },
  {
    name: 'export: a user note with a newline name',
    args: ['export', 'evil-valid.yaml'],
    code: 0,
    shows: /^note: user u\\u000a\/etc\/passwd/m,
  },
  {
    name: 'import: a warning about a user with a newline name',
    args: ['import', 'evil-defs.json'],
    code: 0,
    shows: /evil-defs\.json:1:\d+: warning import-skipped: .*u\\u000a\/etc\/passwd/,
  },

  // --format json failures: problems as JSON on stdout.
  {
    name: 'route --format json on an invalid topology',
    args: ['route', INVALID, '--vhost', 'shop', '--exchange', 'orders', '--format', 'json'],
    code: 1,
    jsonProblems: true,
    shows: /"code": "unknown-exchange"/,
  },
  {
    name: 'export --format json on an invalid topology',
    args: ['export', INVALID, '--format', 'json'],
    code: 1,
    jsonProblems: true,
    shows: /"line": 5,\s+"col": 49/,
  },
  {
    name: 'diff --format json on an invalid side',
    args: ['diff', TOPO, INVALID, '--format', 'json'],
    code: 1,
    jsonProblems: true,
    shows: /"code": "unknown-exchange"/,
  },
  {
    name: 'diff --format json on a FIFO',
    args: ['diff', 'fifo.yaml', TOPO, '--format', 'json'],
    code: 1,
    jsonProblems: true,
    shows: /"code": "file-unreadable"/,
  },
  {
    name: 'route --format json to an undeclared vhost',
    args: ['route', TOPO, '--vhost', 'nope', '--exchange', 'orders', '--format', 'json'],
    code: 1,
    jsonProblems: true,
    shows: /"error": "vhost `nope`/,
  },
  {
    name: 'export --format text on an invalid topology: lines on stderr',
    args: ['export', INVALID, '--format', 'text'],
    code: 1,
    shows: /references\.yaml:5:49: error unknown-exchange: /,
  },
  {
    name: 'diff --format markdown on an invalid side: lines on stderr',
    args: ['diff', INVALID, TOPO, '--format', 'markdown'],
    code: 1,
    shows: /references\.yaml:5:49: error unknown-exchange: /,
  },
];

function run(c: Case): CliResult {
  const options = {
    cwd: DIR,
    timeout: TIMEOUT,
    ...(c.env ? { env: c.env } : {}),
    ...(c.input !== undefined ? { input: c.input } : {}),
  };
  return c.sh !== undefined ? runShell(c.sh, options) : runCli(c.args ?? [], options);
}

/** A failure says why: a problem line, JSON problems, or one `warren:`/`error:` line. */
const EXPLAINED = /^(\S.*:\d+:\d+: (error|warning) [a-z-]+: \S.*|(warren|error): \S.*|\s*"(code|error)": .+)$/m;

describe('hostile command lines', () => {
  it('has at least 70 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(70);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const r = run(c);
    const all = r.stdout + r.stderr;
    expect(r.timedOut, 'hung').toBe(false);
    expect(r.code, all).toBe(c.code);
    expect(all).not.toMatch(STACK_TRACE);
    expect(all).not.toMatch(/Unhandled|internal error/);
    expect(all).not.toContain(SECRET);
    // No name may start a line of its own, nor reach the terminal raw.
    expect(all).not.toMatch(/^(\/etc\/passwd|fake\.yaml):/m);
    expect(all).not.toContain('\u001b');
    if (c.shows) expect(all).toMatch(c.shows);
    if (c.code !== 0 && c.sh === undefined) expect(all).toMatch(EXPLAINED);
    if (c.quiet) expect(r.stderr).toBe('');
    if (c.jsonProblems) {
      const body = JSON.parse(r.stdout) as { problems: Record<string, unknown>[] };
      expect(Array.isArray(body.problems)).toBe(true);
      for (const p of body.problems)
        expect(Object.keys(p).sort()).toEqual(['code', 'col', 'file', 'line', 'message', 'pointer', 'severity']);
    }
  });
});

describe('export --format', () => {
  it('text and json print the same definitions document', () => {
    const text = runCli(['export', TOPO, '--format', 'text'], { timeout: TIMEOUT });
    const json = runCli(['export', TOPO, '--format', 'json'], { timeout: TIMEOUT });
    expect(text.code).toBe(0);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(text.stdout));
  });

  it('import -o DIR creates missing parents level by level', () => {
    const out = join(DIR, 'nested', 'a', 'b');
    const r = runCli(['import', EXPORT, '-o', out], { timeout: TIMEOUT });
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'shop.yaml'), 'utf8')).toMatch(/^version: 1$/m);
  });
});
