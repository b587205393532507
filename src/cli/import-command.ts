// `warren import DEFINITIONS.json [-o DIR]`: a topology from a broker's
// definitions export. The result is checked like any topology (from the files
// written, so positions point into them): a broker may hold what warren
// refuses, e.g. two policies of equal priority on one queue. Files are still
// written then, for the user to fix, and the exit code is 1.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { brokerReader } from '../broker/read-management.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Definitions, ExchangeDef } from '../import/definitions-schema.js';
import { importDefinitions } from '../import/import-definitions.js';
import { readDefinitions } from '../import/read-definitions.js';
import { renderFiles, renderSingle } from '../import/render-topology.js';
import { locateFindings } from '../load/locate-findings.js';
import { readStdin, STDIN_FILE } from '../load/read-stdin.js';
import { packageRoot } from '../package-root.js';
import { validateTopology } from '../validate-topology.js';
import { formatDiagnostics, type Format } from './print-diagnostics.js';
import { checkBrokerOption, EXIT, UsageError } from './usage-error.js';

export async function importCommand(path: string, options: { format: Format; out?: string; vhost?: string[]; broker?: string }): Promise<number> {
  if (options.out !== undefined && existsSync(options.out) && !statSync(options.out).isDirectory()) throw new UsageError(`-o ${options.out}: not a directory`);
  checkBrokerOption(options.broker);
  // `-` is standard input, named `<stdin>` in problems.
  const file = path === '-' ? STDIN_FILE : path;
  const read = path === '-' ? readDefinitions(file, readStdin()) : readDefinitions(file);
  const sources = new Map(read.source ? [[file, read.source]] : []);
  if (!read.definitions) return report(locateFindings(read.findings, sources), options.format, { files: [] }, EXIT.invalid);
  const definitions = options.broker === undefined ? read.definitions : await withInternalExchanges(read.definitions, options.broker);
  if (definitions === undefined) return EXIT.invalid;
  const imported = importDefinitions(file, definitions, options.vhost);
  const warnings = locateFindings([...read.findings, ...imported.findings], sources);
  const schema = join(packageRoot(), 'topology.schema.json');
  if (options.out === undefined) {
    const text = renderSingle(imported, schema);
    const problems = checkText(text);
    if (options.format === 'text') process.stdout.write(text);
    return report([...warnings, ...problems], options.format, { topology: text }, problems.some((d) => d.severity === 'error') ? EXIT.invalid : EXIT.ok);
  }
  mkdirSync(options.out, { recursive: true });
  const written = renderFiles(imported, relative(resolve(options.out), schema)).map((f) => {
    const path = join(options.out!, f.name);
    writeFileSync(path, f.text);
    return path;
  });
  const problems = validateTopology(written).diagnostics;
  return report([...warnings, ...problems], options.format, { files: written }, problems.some((d) => d.severity === 'error') ? EXIT.invalid : EXIT.ok);
}

/**
 * RabbitMQ's definitions exports leave out internal exchanges (3.10 does);
 * the management API lists them. They are added after the export's own
 * exchanges, so positions in the file stay right.
 */
async function withInternalExchanges(d: Definitions, broker: string): Promise<Definitions | undefined> {
  const r = await brokerReader(broker)('/exchanges');
  if ('error' in r || r.status !== 200) {
    process.stderr.write(`warren: --broker: ${'error' in r ? r.error : `the broker answered ${r.status}`}\n`);
    return undefined;
  }
  const have = new Set((d.exchanges ?? []).map((x) => JSON.stringify([x.vhost, x.name])));
  const internal = (r.body as ExchangeDef[]).filter((x) => x.internal && !x.name.startsWith('amq.') && !have.has(JSON.stringify([x.vhost, x.name])));
  return { ...d, exchanges: [...(d.exchanges ?? []), ...internal.map(({ name, vhost, type, durable, auto_delete, internal, arguments: args }) => ({ name, vhost, type, durable, auto_delete, internal, arguments: args }))] };
}

/** Problems of the single-document output; their file is shown as `<stdout>`. */
function checkText(text: string): Diagnostic[] {
  const dir = mkdtempSync(join(tmpdir(), 'warren-import-'));
  try {
    const path = join(dir, 'topology.yaml');
    writeFileSync(path, text);
    return validateTopology([path]).diagnostics.map((d) => ({ ...d, file: '<stdout>' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(problems: Diagnostic[], format: Format, result: { topology?: string; files: string[] } | { topology: string }, code: number): number {
  if (format === 'json') process.stdout.write(JSON.stringify({ ...result, problems }, null, 2) + '\n');
  else process.stderr.write(formatDiagnostics(problems, 'text'));
  return code;
}
