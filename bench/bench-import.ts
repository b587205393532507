// `npm run bench:import` (and the end of `npm run bench`): wall time of
// `warren import` of one definitions export written two ways, pretty-printed
// (as `rabbitmqctl export_definitions` and `warren export` write it) and on one
// line (a minified export), each without and with findings to place (server-
// named queues, each an `import-skipped` warning at its FILE:LINE:COL). A
// one-line file must import in about the time of a pretty-printed one: every
// position of a finding is on its one line.
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTopology } from './generate-topology.js';
import { bench, dir, prepare, ratio, RUNS, root } from './measure-runs.js';

const SKIPPED = 2000;
const warren = join(root, 'bin/warren.js');

function main(): void {
  prepare();
  const topology = join(dir, 'big-topology.yaml');
  writeFileSync(topology, generateTopology({ vhosts: 100, queuesPerVhost: 100 }));
  const exported = spawnSync(process.execPath, [warren, 'export', topology], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
  });
  const definitions = JSON.parse(exported.stdout) as { queues: Record<string, unknown>[] };
  const withFindings = {
    ...definitions,
    queues: [
      ...definitions.queues,
      ...Array.from({ length: SKIPPED }, (_, i) => ({
        name: `amq.gen-${i}`,
        vhost: 'team-0',
        durable: false,
        auto_delete: true,
        arguments: {},
      })),
    ],
  };
  const files = {
    clean: write('definitions', definitions),
    findings: write('definitions-with-findings', withFindings),
  };
  console.log(
    `definitions: the export of the 10,000-queue topology, ${mb(files.clean.pretty)} pretty-printed, ${mb(files.clean.oneLine)} on one line; with findings: ${SKIPPED} server-named queues more; median of ${RUNS} runs\n`,
  );
  let failed = false;
  for (const [name, { pretty, oneLine }] of Object.entries(files)) {
    const a = bench(`warren import, pretty (${name})`, [warren, 'import', pretty], RUNS);
    const b = bench(`warren import, one line (${name})`, [warren, 'import', oneLine], RUNS);
    console.log(`ratio one line/pretty (${name}): ${ratio(b, a)}\n`);
    failed ||= a.exit !== 0 || b.exit !== 0;
  }
  // Both shapes place the same findings, on their own lines or all on line 1.
  const placed = (file: string) =>
    spawnSync(process.execPath, [warren, 'import', file, '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 1024 * 1024 * 1024,
    }).stdout;
  const skipped = (file: string) => (placed(file).match(/"code": "import-skipped"/g) ?? []).length;
  const counts = [skipped(files.findings.pretty), skipped(files.findings.oneLine)];
  console.log(`import-skipped findings placed: ${counts.join(' (pretty), ')} (one line)`);
  if (failed || counts.some((n) => n < SKIPPED)) {
    console.error('unexpected: every import must succeed, and place every server-named queue it skips');
    process.exitCode = 1;
  }
}

function write(name: string, data: unknown): { pretty: string; oneLine: string } {
  const pretty = join(dir, `${name}.json`);
  const oneLine = join(dir, `${name}.min.json`);
  writeFileSync(pretty, `${JSON.stringify(data, null, 2)}\n`);
  writeFileSync(oneLine, JSON.stringify(data));
  return { pretty, oneLine };
}

function mb(file: string): string {
  return `${(statSync(file).size / 1e6).toFixed(1)} MB`;
}

main();
