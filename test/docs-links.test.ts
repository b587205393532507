// Every relative link of README.md and docs/*.md names a file that exists and, with a #fragment, a heading of that
// file, by GitHub's anchors: the heading's text lower-cased, punctuation but '-' and '_' dropped, spaces as '-',
// and '-1', '-2'… after a repeated one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs')).flatMap((f) => (f.endsWith('.md') ? [`docs/${f}`] : [])),
];

/** The text outside fenced code blocks, with inline code spans kept as their content where `keepCode`. */
function prose(text: string, keepCode: boolean): string[] {
  const lines: string[] = [];
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    else if (!fenced) lines.push(keepCode ? line : line.replace(/`[^`]*`/g, ''));
  }
  return lines;
}

/** GitHub's anchor of a heading's text. */
function slug(heading: string): string {
  const text = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]/g, '')
    .trim();
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(readFileSync(file, 'utf8'), true)) {
    const m = /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('links between the documentation pages', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Granularity: a resource per object, or one per vhost')).toBe(
      'granularity-a-resource-per-object-or-one-per-vhost',
    );
    expect(slug('Federation, shovels and super streams (format 1.1)')).toBe(
      'federation-shovels-and-super-streams-format-11',
    );
    expect(slug('Where `@pulumi/rabbitmq` (3.3.8) falls short, and what fills the gap')).toBe(
      'where-pulumirabbitmq-338-falls-short-and-what-fills-the-gap',
    );
  });

  it.each(PAGES)('%s: every relative link names an existing file and heading', (page) => {
    const broken: string[] = [];
    for (const line of prose(readFileSync(join(ROOT, page), 'utf8'), false)) {
      for (const m of line.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const [path, fragment] = target.split('#') as [string, string | undefined];
        const file = path === '' ? join(ROOT, page) : join(ROOT, dirname(page), path);
        if (!existsSync(file)) broken.push(`${target}: no file ${relative(ROOT, file)}`);
        else if (fragment !== undefined && !anchors(file).has(fragment))
          broken.push(`${target}: no heading #${fragment} in ${relative(ROOT, file)}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
