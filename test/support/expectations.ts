// Expectations written inside fixture files:
//   a caret comment under the offending token, naming severity and code:
//       key: value
//   #        ^ error some-code
//   (the caret's column is the column; the line is the nearest line above
//   that is not itself a caret comment), or, for whole-file problems,
//   # expect: error some-code LINE:COL
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const CARET = /^#( *)\^ (error|warning) ([a-z-]+)\s*$/;
const EXPECT = /^# expect: (error|warning) ([a-z-]+) (\d+):(\d+)\s*$/;

/** The files of a fixture: the file itself, or every YAML file below a directory. */
export function fixtureFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => fixtureFiles(join(path, name)))
    .filter((f) => /\.ya?ml$/.test(f));
}

/** "file:line:col: severity code" for every expectation in the fixture, sorted. */
export function expectedProblems(path: string, root: string): string[] {
  const out: string[] = [];
  for (const file of fixtureFiles(path)) {
    // latin1: fixtures with invalid UTF-8 must still yield their comments.
    const lines = readFileSync(file, 'latin1').split('\n');
    let target = 0;
    lines.forEach((line, i) => {
      const caret = CARET.exec(line);
      const expect = EXPECT.exec(line);
      if (caret) out.push(`${relative(root, file)}:${target}:${caret[1]!.length + 2}: ${caret[2]} ${caret[3]}`);
      else if (expect) out.push(`${relative(root, file)}:${expect[3]}:${expect[4]}: ${expect[1]} ${expect[2]}`);
      else target = i + 1;
    });
  }
  return out.sort();
}
