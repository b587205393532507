// `npm run bench`: wall time and peak memory of `warren validate` on a
// 10,000-queue topology, next to the floor: a process that only parses the
// same file with the fastest YAML parser on npm (js-yaml). Each figure is the
// median of several runs of a fresh process, so start-up costs are included
// on both sides.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTopology } from './generate-topology.js';
import { bench, dir, modulePath, prepare, RUNS, ratio, root } from './measure-runs.js';

function main(): void {
  prepare();
  const file = join(dir, 'big-topology.yaml');
  writeFileSync(file, generateTopology({ vhosts: 100, queuesPerVhost: 100 }));
  const text = readFileSync(file, 'utf8');
  const bindings = (text.match(/- \{ from:/g) ?? []).length;
  console.log(
    `topology: ${(statSync(file).size / 1e6).toFixed(2)} MB, 100 vhosts, 10,000 queues, ${bindings} bindings; median of ${RUNS} runs\n`,
  );
  const floorScript = join(dir, 'parse-only.cjs');
  writeFileSync(
    floorScript,
    `require(${JSON.stringify(modulePath('js-yaml'))}).load(require('fs').readFileSync(process.argv[2], 'utf8'));\n`,
  );
  const floor = bench('floor: js-yaml load only', [floorScript, file]);
  const clean = bench('warren validate (clean)', [join(root, 'bin/warren.js'), 'validate', file]);
  console.log(`\nratio clean/floor: ${ratio(clean, floor)} (target <= 2.00x)`);
  const broken = join(dir, 'big-topology-with-problems.yaml');
  writeFileSync(
    broken,
    text.replace('to: q-57-3,', 'to: q-57-missing,').replace('messageTtl: 60s', 'messageTtl: 60 s'),
  );
  const withProblems = bench('warren validate (2 problems)', [join(root, 'bin/warren.js'), 'validate', broken]);
  const positions = spawnSync(process.execPath, [join(root, 'bin/warren.js'), 'validate', broken], {
    encoding: 'utf8',
  }).stdout.trim();
  console.log(`ratio with problems/floor: ${ratio(withProblems, floor)}\n\nproblems reported:\n${positions}`);
  const yamlScript = join(dir, 'yaml-parse-only.cjs');
  writeFileSync(
    yamlScript,
    `require(${JSON.stringify(modulePath('yaml'))}).parseDocument(require('fs').readFileSync(process.argv[2], 'utf8'));\n`,
  );
  console.log('\nfor reference, the position-keeping parser on the same file:');
  bench('yaml parseDocument only', [yamlScript, file]);
  if (clean.exit !== 0 || withProblems.exit !== 1 || positions.split('\n').length !== 2) {
    console.error(
      'unexpected: the benchmark topology must be valid, and the broken one must report exactly its 2 problems',
    );
    process.exitCode = 1;
  }
}

main();
