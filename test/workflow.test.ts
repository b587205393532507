// The example GitHub Actions workflow users copy: it parses, and the warren
// commands it runs work as written (placeholders filled with local values).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './support/run-cli.js';

// From the package root, not the working directory (the warren commands run there too: runCli).
const workflow = jsYaml.load(readFileSync(join(ROOT, 'examples/github-actions/warren.yml'), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, { if: string; steps: { run?: string; uses?: string }[] }>;
};
const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? [s.run] : [])));

/** The arguments of every `npx warren …` line, continuation lines joined, GitHub expressions and shell variables filled in. */
function warrenInvocations(): string[][] {
  const fill = (s: string) =>
    s
      .replace(/"\$\{\{ vars\.STAGING_MANAGEMENT_URL \}\}"/g, 'http://127.0.0.1:15672')
      .replace(/"\$stack"/g, 'stacks/Pulumi.staging.yaml')
      .replace(/\.base\/topology/g, 'topology');
  return runs
    .flatMap((r) => r.replace(/\\\n\s*/g, ' ').split('\n'))
    .filter((l) => l.trim().startsWith('npx warren '))
    .map((l) =>
      fill(
        l
          .trim()
          .replace(/^npx warren /, '')
          .replace(/\s*(\|\||>).*$/, ''),
      ).split(/\s+/),
    );
}

describe('examples/github-actions/warren.yml', () => {
  it('checks pull requests and deploys on merge to main', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
    expect(workflow.jobs.check!.if).toContain('pull_request');
    expect(workflow.jobs.deploy!.if).toContain('push');
    expect(runs.join('\n')).toMatch(/pulumi preview --stack "\$stack" --diff/);
    expect(runs.join('\n')).toMatch(/pulumi up --stack "\$stack" --yes/);
  });

  it('runs warren validate and warren diff with options that exist, and they work here', () => {
    const calls = warrenInvocations();
    expect(calls.map((c) => c[0])).toEqual(['validate', 'diff']);
    const validate = runCli(calls[0]!);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toBe('');
    // The annotations come from warren itself: the format is one it has.
    expect(calls[0]).toContain('github');
    const diff = runCli(calls[1]!);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toMatch(/^## warren diff\n\n\*\*0 changes/);
  });
});
