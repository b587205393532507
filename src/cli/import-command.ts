// `warren import DEFINITIONS.json [-o DIR]`: a topology from a broker's
// definitions export. The result is checked like any topology (from the files
// written, so positions point into them): a broker may hold what warren
// refuses, e.g. two policies of equal priority on one queue. Files are still
// written then, for the user to fix, and the exit code is 1.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { seg } from '../broker/api-path.js';
import { brokerReader, type BrokerAddress } from '../broker/read-management.js';
import { isUnaddressable } from '../model/reserved-names.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { escapeText } from '../diagnostics/escape-text.js';
import type { Definitions, ExchangeDef } from '../import/definitions-schema.js';
import { importDefinitions } from '../import/import-definitions.js';
import { readDefinitions } from '../import/read-definitions.js';
import { type RenderedFile, renderFiles, renderSingle, writtenByImport } from '../import/render-topology.js';
import { locateFindings } from '../load/locate-findings.js';
import { readStdin, STDIN_FILE } from '../load/read-stdin.js';
import { existingEntry, readHead, replaceFile } from '../output/replace-file.js';
import { packageRoot } from '../package-root.js';
import { loadTopology } from '../load-topology.js';
import { describeError } from './describe-error.js';
import { formatDiagnostics, type Format } from '../diagnostics/format-diagnostics.js';
import { colourFor } from './decide-colour.js';
import { checkBrokerOption, checkInputPath, EXIT, UsageError } from './usage-error.js';
import { writeErr, writeOut } from './watch-output.js';
import { Option } from 'commander';
import { BROKER_ENV, COMMON_ENV, type CommandSpec, formatOption, repeatable } from './command-spec.js';

export const importSpec: CommandSpec = {
  name: 'import',
  description: 'a topology (YAML) from a RabbitMQ definitions export (rabbitmqctl export_definitions)',
  usage: 'warren import DEFINITIONS.json',
  configure: (c) =>
    c
      .argument('<definitions>', 'the definitions JSON file; - reads standard input')
      .option(
        '-o, --out <dir>',
        'write one file per vhost and users.yaml into this directory (default: one document on stdout)',
      )
      .option('--force', 'with -o: also overwrite files that warren import did not write')
      .addOption(
        repeatable(
          new Option('--vhost <name>', 'import only this vhost and the users with permissions in it (repeatable)'),
        ),
      )
      .option(
        '--broker <url>',
        "management API URL: adds the internal exchanges RabbitMQ's exports leave out (credentials as for diff --broker)",
      )
      .addOption(formatOption()),
  examples: [
    ['warren import definitions.json -o topology/', 'one file per vhost and users.yaml'],
    ['curl -su guest:guest localhost:15672/api/definitions | warren import -', 'one document on stdout'],
    ['warren import definitions.json --vhost shop --broker http://localhost:15672', 'one vhost, internal exchanges'],
  ],
  exits: [
    [0, 'imported, and the result is a valid topology'],
    [
      1,
      'not a definitions export, a --vhost the export does not hold, a --broker that cannot be read, a result with errors, whose files are still written',
    ],
    [
      2,
      'a --broker that is not an http(s) URL, an -o that cannot be a directory or be written, an -o file warren import did not write, unless --force',
    ],
  ],
  env: [...COMMON_ENV, ...BROKER_ENV],
  run: importCommand,
};

export async function importCommand(
  path: string,
  options: { format: Format; out?: string; vhost?: string[]; broker?: string; force?: boolean },
): Promise<number> {
  if (options.out !== undefined) checkOutDir(options.out);
  if (path !== '-') checkInputPath(path, 'DEFINITIONS');
  const broker = checkBrokerOption(options.broker);
  // `-` is standard input, named `<stdin>` in problems.
  const file = path === '-' ? STDIN_FILE : path;
  const read = path === '-' ? readDefinitions(file, readStdin()) : readDefinitions(file);
  const sources = new Map(read.source ? [[file, read.source]] : []);
  if (!read.definitions)
    return report(locateFindings(read.findings, sources), options.format, { files: [] }, EXIT.invalid);
  const definitions =
    broker === undefined
      ? read.definitions
      : await withInternalExchanges(read.definitions, broker, options.format, options.vhost);
  if (definitions === undefined) return EXIT.invalid;
  const imported = importDefinitions(file, definitions, options.vhost);
  const warnings = locateFindings([...read.findings, ...imported.findings], sources);
  // An error of the import itself (e.g. a --vhost the export does not hold) fails it whatever the output checks say.
  const failed = warnings.some((d) => d.severity === 'error');
  const schema = join(packageRoot(), 'topology.schema.json');
  if (options.out === undefined) {
    const text = renderSingle(imported, schema);
    const problems = checkText(text);
    if (options.format === 'text') writeOut(text);
    return report(
      [...warnings, ...problems],
      options.format,
      { topology: text },
      failed || problems.some((d) => d.severity === 'error') ? EXIT.invalid : EXIT.ok,
    );
  }
  const out = options.out;
  makeDir(out);
  const written = writeFiles(out, renderFiles(imported, relative(resolve(out), schema)), options.force === true);
  const problems = loadTopology({ paths: written }).diagnostics;
  return report(
    [...warnings, ...problems],
    options.format,
    { files: written },
    failed || problems.some((d) => d.severity === 'error') ? EXIT.invalid : EXIT.ok,
  );
}

/**
 * Writes each file into `out`, or none: every path is looked at first. What
 * stands there must be nothing or a regular file (a link, FIFO, device or
 * directory is refused even with --force: writing through it would land
 * outside DIR, block, or write into the device), and a regular file is
 * replaced only if an earlier import wrote it, or with --force. Each file is
 * replaced whole (replace-file.ts).
 */
function writeFiles(out: string, files: readonly RenderedFile[], force: boolean): string[] {
  const looked = files.map((f) => {
    const target = join(out, f.name);
    try {
      return { file: f, target, existing: existingEntry(target) };
    } catch (error) {
      throw new UsageError(`-o ${out}: cannot look at ${f.name}: ${describeError(error)}`);
    }
  });
  const refused = looked.flatMap(({ file, existing }) =>
    existing.kind === 'refused' ? [`${file.name} is ${existing.why}`] : [],
  );
  if (refused.length > 0)
    throw new UsageError(
      `-o ${out}: ${refused.join(', ')}; warren import writes only regular files, never through a link or into a FIFO or device: move ${refused.length === 1 ? 'it' : 'them'} away`,
    );
  // Hand-written files are never overwritten silently: only files an earlier import wrote, or with --force.
  const kept = looked.filter(({ target, existing }) => !force && existing.kind === 'file' && !ours(target));
  if (kept.length > 0)
    throw new UsageError(
      `-o ${out}: ${kept.map((k) => k.file.name).join(', ')} ${kept.length === 1 ? 'exists and was' : 'exist and were'} not written by warren import; move ${kept.length === 1 ? 'it' : 'them'} away or add --force`,
    );
  return looked.map(({ file, target, existing }) => {
    try {
      replaceFile(out, file.name, file.text, existing.kind === 'file' ? existing.stat : undefined);
    } catch (error) {
      throw new UsageError(`-o ${out}: cannot write ${file.name}: ${describeError(error)}`);
    }
    return target;
  });
}

/** Whether an earlier import wrote this regular file (its header is on its first lines); unreadable counts as not ours. */
function ours(file: string): boolean {
  try {
    return writtenByImport(readHead(file, 4096));
  } catch {
    return false;
  }
}

/** `-o DIR` is refused before anything is read when it cannot be a directory. */
function checkOutDir(out: string): void {
  if (out === '') throw new UsageError('-o: the directory name is empty');
  let isDir: boolean;
  try {
    isDir = statSync(out).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // created later (a dangling symlink fails then)
    throw new UsageError(`-o ${out}: ${describeError(error)}`);
  }
  if (!isDir) throw new UsageError(`-o ${out}: not a directory`);
}

/**
 * `mkdir -p` one level at a time. Node's recursive mkdirSync loops forever on
 * some paths (`/proc/x`: the parent exists and still ENOENT); here every
 * level is tried once, so the depth of the path bounds the work.
 */
function makeDir(dir: string): void {
  try {
    mkdirAll(dir);
  } catch (error) {
    throw new UsageError(`-o ${dir}: cannot create the directory: ${describeError(error)}`);
  }
}

function mkdirAll(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      // statSync follows symbolic links: a dangling one fails here with ENOENT.
      if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      return;
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    mkdirAll(parent);
    mkdirSync(dir);
  }
}

/**
 * RabbitMQ's definitions exports leave out internal exchanges (3.10 does);
 * the management API lists them. They are added after the export's own
 * exchanges, so positions in the file stay right. What the broker answers is
 * not trusted to have the shape the API documents.
 */
async function withInternalExchanges(
  d: Definitions,
  broker: BrokerAddress,
  format: Format,
  vhosts: readonly string[] | undefined,
): Promise<Definitions | undefined> {
  // With --vhost only those vhosts are listed: a large broker's whole list is slow to answer.
  const read = brokerReader(broker);
  // A vhost no path can name (`.`, `..`) is left out of the import anyway (drop-unusable.ts): nothing to ask.
  const paths =
    vhosts === undefined
      ? ['/exchanges']
      : [...new Set(vhosts)].filter((v) => !isUnaddressable(v)).map((v) => `/exchanges/${seg(v)}`);
  const listed: ExchangeDef[] = [];
  for (const path of paths) {
    const r = await read(path);
    // A --vhost the broker does not have answers 404: the import itself reports that vhost.
    if (!('error' in r) && r.status === 404 && vhosts !== undefined) continue;
    if ('error' in r || r.status !== 200 || !Array.isArray(r.body)) {
      const error = `--broker: ${'error' in r ? r.error : r.status !== 200 ? `the broker answered ${r.status}` : 'the broker did not answer with a list of exchanges'}`;
      // Not a problem in the file: JSON gets it as `error`, as route does.
      if (format === 'json') writeOut(`${JSON.stringify({ files: [], problems: [], error }, null, 2)}\n`);
      writeErr(`warren: ${escapeText(error)}\n`);
      return undefined;
    }
    // Only the vhosts asked about: an answer about others says nothing of them.
    listed.push(
      ...(r.body as unknown[]).filter(isExchange).filter((x) => vhosts === undefined || vhosts.includes(x.vhost)),
    );
  }
  const have = new Set((d.exchanges ?? []).map((x) => JSON.stringify([x.vhost, x.name])));
  const internal = listed.filter(
    (x) => x.internal === true && !x.name.startsWith('amq.') && !have.has(JSON.stringify([x.vhost, x.name])),
  );
  return {
    ...d,
    exchanges: [
      ...(d.exchanges ?? []),
      ...internal.map(({ name, vhost, type, durable, auto_delete, internal, arguments: args }) => ({
        name,
        vhost,
        type,
        durable,
        auto_delete,
        internal,
        arguments: args,
      })),
    ],
  };
}

function isExchange(x: unknown): x is ExchangeDef {
  const e = x as Partial<Record<keyof ExchangeDef, unknown>> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.name === 'string' &&
    typeof e.vhost === 'string' &&
    typeof e.type === 'string' &&
    typeof e.durable === 'boolean' &&
    typeof e.auto_delete === 'boolean' &&
    typeof e.arguments === 'object' &&
    e.arguments !== null &&
    !Array.isArray(e.arguments)
  );
}

/** Problems of the single-document output; their file is shown as `<stdout>`. Checked in memory: no temporary file (TMPDIR may be unwritable). */
function checkText(text: string): Diagnostic[] {
  return loadTopology({ texts: [{ file: '<stdout>', text }] }).diagnostics;
}

function report(
  problems: Diagnostic[],
  format: Format,
  result: { topology?: string; files: string[] } | { topology: string },
  code: number,
): number {
  if (format === 'json') writeOut(`${JSON.stringify({ ...result, problems }, null, 2)}\n`);
  else writeErr(formatDiagnostics(problems, 'text', { colour: colourFor('stderr') }));
  return code;
}
