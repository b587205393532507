// `warren import -o DIR` writes only regular files of its own into DIR: what
// stands at a file's path (a link to anywhere, a dangling link, a FIFO, a
// device, a directory) is refused, exit 2, before anything is written, with
// --force too; nothing outside DIR is created or changed. Each file is
// replaced whole (a temporary file renamed over it): a reader holding the old
// file keeps reading all of it, another hard link to it keeps its content,
// its permissions stay, and no temporary file is left. DIR itself may be a
// link: the user named it.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, STACK_TRACE } from './support/run-cli.js';

const EXPORT = join(ROOT, 'test/fixtures/import/broker-export.json');
/** The files broker-export.json gives. */
const FILES = ['default-vhost.yaml', 'shop.yaml', 'users.yaml'];
const DIR = mkdtempSync(join(tmpdir(), 'warren-output-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

let n = 0;
/** A fresh directory, and one beside it that stands for "elsewhere". */
function dirs(): { out: string; elsewhere: string } {
  n++;
  const out = join(DIR, `out-${n}`);
  const elsewhere = join(DIR, `elsewhere-${n}`);
  mkdirSync(out);
  mkdirSync(elsewhere);
  return { out, elsewhere };
}

function importInto(out: string, ...extra: string[]) {
  const r = runCli(['import', EXPORT, '-o', out, ...extra], { timeout: 15_000 });
  expect(r.timedOut).toBe(false);
  expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  return r;
}

/** What an earlier `warren import -o` wrote: a file this import may overwrite. */
const written = (() => {
  const { out } = dirs();
  expect(importInto(out).code).toBe(0);
  return Object.fromEntries(FILES.map((f) => [f, readFileSync(join(out, f), 'utf8')]));
})();

describe('import -o refuses what is not a regular file at a path it writes, and writes nothing', () => {
  it.each(['', '--force'])('a dangling link to a file outside DIR is not followed (%s)', (force) => {
    const { out, elsewhere } = dirs();
    symlinkSync(join(elsewhere, 'planted.yaml'), join(out, 'shop.yaml'));
    const r = importInto(out, ...(force ? [force] : []));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^warren: -o .*: shop\.yaml is a symbolic link \(to .*planted\.yaml\); /m);
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(readdirSync(out)).toEqual(['shop.yaml']);
    expect(readlinkSync(join(out, 'shop.yaml'))).toBe(join(elsewhere, 'planted.yaml'));
  });

  it('a link to a file an earlier import wrote elsewhere is not written through, even with --force', () => {
    const { out, elsewhere } = dirs();
    const target = join(elsewhere, 'shop.yaml');
    writeFileSync(target, `${written['shop.yaml']}# edited by hand\n`);
    symlinkSync(target, join(out, 'shop.yaml'));
    expect(importInto(out, '--force').code).toBe(2);
    expect(readFileSync(target, 'utf8')).toBe(`${written['shop.yaml']}# edited by hand\n`);
  });

  it('a FIFO is not opened (opening it would wait for a reader forever)', () => {
    const { out } = dirs();
    execFileSync('mkfifo', [join(out, 'users.yaml')]);
    const r = importInto(out, '--force');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/users\.yaml is a FIFO/);
    expect(lstatSync(join(out, 'users.yaml')).isFIFO()).toBe(true);
  });

  it.each(['/dev/null', '/dev/full'])('a link to the device %s is not written into', (device) => {
    const { out } = dirs();
    symlinkSync(device, join(out, 'default-vhost.yaml'));
    const r = importInto(out, '--force');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/default-vhost\.yaml is a symbolic link/);
    expect(readdirSync(out)).toEqual(['default-vhost.yaml']);
  });

  it('a directory where a file goes, and every such path, named in one message', () => {
    const { out } = dirs();
    mkdirSync(join(out, 'users.yaml'));
    symlinkSync('/nowhere', join(out, 'shop.yaml'));
    const r = importInto(out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^warren: -o .*: shop\.yaml is a symbolic link \(to \/nowhere\), users\.yaml is a directory; /m,
    );
    expect(readdirSync(out).sort()).toEqual(['shop.yaml', 'users.yaml']);
  });
});

describe('import -o replaces each file whole', () => {
  it('a reader of the old file reads all of it; a hard link to it keeps it; its permissions stay; no temporary file is left', () => {
    const { out, elsewhere } = dirs();
    const old = `${written['shop.yaml']}# an older import\n`;
    writeFileSync(join(out, 'shop.yaml'), old, { mode: 0o600 });
    linkSync(join(out, 'shop.yaml'), join(elsewhere, 'hard.yaml'));
    const reader = openSync(join(out, 'shop.yaml'), 'r');
    try {
      expect(importInto(out).code).toBe(0);
      const buffer = Buffer.alloc(old.length + 10);
      expect(buffer.subarray(0, readSync(reader, buffer, 0, buffer.length, 0)).toString()).toBe(old);
    } finally {
      closeSync(reader);
    }
    expect(readFileSync(join(out, 'shop.yaml'), 'utf8')).toBe(written['shop.yaml']);
    expect(readFileSync(join(elsewhere, 'hard.yaml'), 'utf8')).toBe(old);
    expect(statSync(join(out, 'shop.yaml')).mode & 0o777).toBe(0o600);
    expect(readdirSync(out).sort()).toEqual(FILES);
  });

  it('DIR itself may be a link to a directory: the user named it', () => {
    const { out, elsewhere } = dirs();
    rmSync(out, { recursive: true });
    symlinkSync(elsewhere, out);
    expect(importInto(out).code).toBe(0);
    expect(readdirSync(elsewhere).sort()).toEqual(FILES);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
  });

  it('a directory that cannot hold a file (/proc/self) is a usage error that says which file', () => {
    const r = importInto('/proc/self');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^warren: -o \/proc\/self: cannot write /m);
  });
});
