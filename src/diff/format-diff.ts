// `warren diff` output: text for terminals, Markdown for a pull-request
// comment, JSON for tools. Changes are grouped by vhost (users on their own).
import type { Change, ChangeClass } from './diff-plans.js';

export type DiffFormat = 'text' | 'markdown' | 'json';

const LABEL: Record<ChangeClass, string> = { safe: 'safe', disruptive: 'disruptive', 'data-losing': 'DATA-LOSING' };
const ICON: Record<ChangeClass, string> = { safe: '🟢', disruptive: '🟠', 'data-losing': '🔴' };

export function formatDiff(changes: readonly Change[], format: DiffFormat): string {
  if (format === 'json') return JSON.stringify({ summary: summary(changes), changes }, null, 2) + '\n';
  const groups = new Map<string, Change[]>();
  for (const c of changes) {
    const group = c.vhost === null ? 'users' : `vhost ${c.vhost}`;
    groups.set(group, [...(groups.get(group) ?? []), c]);
  }
  const counts = summary(changes);
  const total = `${changes.length} change${changes.length === 1 ? '' : 's'}: ${counts['data-losing']} data-losing, ${counts.disruptive} disruptive, ${counts.safe} safe`;
  if (format === 'markdown') {
    const body = [...groups].map(([group, list]) => `### ${group}\n\n| | change | object | why |\n|---|---|---|---|\n${list.map((c) => `| ${ICON[c.class]} ${c.class} | ${c.action} | \`${c.id}\` | ${c.reason.replace(/\|/g, '\\|')} |`).join('\n')}\n`).join('\n');
    return `## warren diff\n\n**${total}**\n\n${body}`;
  }
  return [...groups].map(([group, list]) => `${group}\n${list.map((c) => `  ${LABEL[c.class].padEnd(11)} ${c.action.padEnd(6)} ${c.id}: ${c.reason}`).join('\n')}\n`).join('') + `${total}\n`;
}

function summary(changes: readonly Change[]): Record<ChangeClass, number> {
  return { 'data-losing': changes.filter((c) => c.class === 'data-losing').length, disruptive: changes.filter((c) => c.class === 'disruptive').length, safe: changes.filter((c) => c.class === 'safe').length };
}
