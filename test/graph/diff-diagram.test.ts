// warren diff --format markdown draws what changes: only the changed
// neighbourhood, added, removed and changed objects each in their own style
// with the class of their change; drawn by Mermaid in Chromium as a pull-
// request comment would be. A diff of nothing drawable has no picture.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawMermaid } from '../support/render-diagrams.js';
import { ROOT, runCli } from '../support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'warren-diff-diagram-'));
const head = join(dir, 'head');
cpSync(join(ROOT, 'topology'), head, { recursive: true });
const file = join(head, 'notifications.yaml');
writeFileSync(
  file,
  readFileSync(file, 'utf8')
    .replace('sms_notifications: { messageTtl: 10m }', 'sms_notifications: { messageTtl: 5m }')
    .replace(
      'push_notifications: { messageTtl: 10m }',
      'push_notifications: { messageTtl: 10m }\n      webhook_notifications: {}',
    )
    .replace(
      '      - { from: notifications, to: push_notifications }\n',
      '      - { from: notifications, to: webhook_notifications }\n',
    ),
);

const mermaidOf = (markdown: string) => /```mermaid\n([\s\S]*?)```/.exec(markdown)?.[1];

describe('warren diff --format markdown: the picture of what changes', () => {
  const r = runCli(['diff', join(ROOT, 'topology'), head, '--format', 'markdown']);
  const mermaid = mermaidOf(r.stdout)!;

  it('draws only the changed neighbourhood, each change in its style with its class', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(mermaid).toBeDefined();
    const label = (name: string) => new RegExp(`(n\\d+)\\[\\("${name}<br/>classic([^"]*)"\\)\\]`).exec(mermaid);
    expect(label('sms_notifications')?.[2]).toBe('<br/>DATA-LOSING: changed');
    expect(label('webhook_notifications')?.[2]).toBe('<br/>safe: added');
    expect(label('push_notifications')?.[2]).toBe('');
    expect(mermaid).toContain(`class ${label('sms_notifications')?.[1]} changed`);
    expect(mermaid).toContain(`class ${label('webhook_notifications')?.[1]} added`);
    expect(mermaid).toMatch(/-->\|"#40;removed#41;"\| /);
    expect(mermaid).toMatch(/-->\|"#40;added#41;"\| /);
    // Nothing of vhost ops changes: it is not drawn; shop's other exchanges neither.
    expect(mermaid).not.toContain('vhost ops');
    expect(mermaid).not.toContain('"orders<br/>topic"');
  });

  it('is drawn by Mermaid in Chromium', () => {
    const drawn = drawMermaid(mermaid, join(dir, 'diff.png'));
    expect(drawn.error).toBeUndefined();
    expect(drawn.labels.some((l) => l.startsWith('sms_notifications\nclassic\nDATA-LOSING: changed'))).toBe(true);
    expect(drawn.edges).toBe((mermaid.match(/ -->/g) ?? []).length);
  }, 180_000);

  it('text and JSON have no picture; a diff with no drawable change has none', () => {
    for (const format of ['text', 'json'])
      expect(runCli(['diff', join(ROOT, 'topology'), head, '--format', format]).stdout).not.toContain('flowchart');
    const same = runCli(['diff', join(ROOT, 'topology'), join(ROOT, 'topology'), '--format', 'markdown']);
    expect(same.code).toBe(0);
    expect(same.stdout).not.toContain('```mermaid');
  });
});
