// `warren diff` output: text for terminals, Markdown for a pull-request
// comment, JSON for tools. Changes are grouped by vhost (users on their own),
// each vhost followed by the routing its changes alter. Changes that widen
// access are marked on their line and counted in the summary; Markdown also
// lists them above everything else. Names are shown as written: control
// characters as \uXXXX (a name must not break a line or a table row; the
// same escaping as every text output, escape-text.ts), and Markdown syntax in
// them escaped.
import { markdownTable } from 'markdown-table';
import { escapeText } from '../diagnostics/escape-text.js';
import type { HeaderValue } from '../route/match-headers.js';
import type { LiveChange } from './annotate-live.js';
import type { ChangeClass } from './diff-plans.js';
import type { RoutingChange } from './routing-impact.js';

export type DiffFormat = 'text' | 'markdown' | 'json';

export interface DiffReport {
  readonly changes: readonly LiveChange[];
  readonly routing: readonly RoutingChange[];
  /** Markdown only: the changed neighbourhood as a Mermaid flowchart (graph/diff-diagram.ts), already escaped. */
  readonly diagram?: string;
  /** With --stack naming a blue/green pair and --broker: what is still on its inactive side. */
  readonly inactiveSide?: InactiveSide;
}

/** What is still on a blue/green pair's inactive side (cluster/read-inactive-side.ts reads it). */
export interface InactiveSide {
  readonly side: 'blue' | 'green';
  /** `namespace/name`. */
  readonly cluster: string;
  readonly url: string;
  /** Whether the stack retires it (`retireInactive`). */
  readonly retiring: boolean;
  /** Queues holding messages (or an unknown count), and queues a client reads, one entry per consumer. */
  readonly left?: {
    readonly holding: readonly {
      readonly vhost: string;
      readonly name: string;
      readonly messages: number | 'unknown';
    }[];
    readonly reading: readonly { readonly vhost: string; readonly name: string }[];
  };
  readonly unknown?: string;
}

const LABEL: Record<ChangeClass, string> = { safe: 'safe', disruptive: 'disruptive', 'data-losing': 'DATA-LOSING' };
const ICON: Record<ChangeClass, string> = { safe: '🟢', disruptive: '🟠', 'data-losing': '🔴' };

export function formatDiff(report: DiffReport, format: DiffFormat): string {
  const { changes, routing, inactiveSide } = report;
  if (format === 'json')
    return `${JSON.stringify({ summary: summary(changes), changes, routing, ...(inactiveSide ? { inactiveSide } : {}) }, null, 2)}\n`;
  const side = inactiveSide ? inactiveLines(inactiveSide) : undefined;
  const groups = groupByVhost(report);
  const counts = summary(changes);
  const access = changes.filter((c) => c.access);
  const widen = access.length > 0 ? `; ${access.length} widen${access.length === 1 ? 's' : ''} access` : '';
  const total = `${changes.length} change${changes.length === 1 ? '' : 's'}: ${counts['data-losing']} data-losing, ${counts.disruptive} disruptive, ${counts.safe} safe${widen}`;
  if (format === 'markdown') {
    const callout =
      access.length > 0 ? `> [!WARNING]\n> Widens access: ${access.map((c) => code(c.id, false)).join(', ')}\n\n` : '';
    const diagram = report.diagram ? `\`\`\`mermaid\n${report.diagram}\`\`\`\n\n` : '';
    const sideSection = side
      ? `\n### ${text(side.title)}\n\n${side.lines.map((l) => `- ${text(l)}`).join('\n')}\n`
      : '';
    return `## warren diff\n\n**${total}**\n\n${callout}${diagram}${[...groups].map(([group, g]) => markdownGroup(group, g)).join('\n')}${sideSection}`;
  }
  const sideText = side ? `${visible(side.title)}\n${side.lines.map((l) => `  ${visible(l)}\n`).join('')}` : '';
  return `${[...groups].map(([group, g]) => textGroup(group, g)).join('')}${sideText}${total}\n`;
}

/** The inactive side's heading and one line per queue still holding messages or read by a client. */
function inactiveLines(side: InactiveSide): { title: string; lines: string[] } {
  const title = `inactive side ${side.side} (${side.cluster}${side.retiring ? ', retiring' : ''}) at ${side.url}`;
  if (!side.left) return { title, lines: [`unknown: ${side.unknown ?? 'not read'}`] };
  const readers = new Map<string, number>();
  for (const q of side.left.reading)
    readers.set(`${q.vhost}/${q.name}`, (readers.get(`${q.vhost}/${q.name}`) ?? 0) + 1);
  const held = new Map(side.left.holding.map((q) => [`${q.vhost}/${q.name}`, q.messages]));
  const ids = [...new Set([...held.keys(), ...readers.keys()])].sort();
  if (ids.length === 0) return { title, lines: ['nothing left: no queue holds a message, no client consumes'] };
  return {
    title,
    lines: ids.map((id) => {
      const n = readers.get(id) ?? 0;
      const messages = held.get(id);
      return `left        queue ${id}: ${messages === undefined ? 0 : messages} message(s)${messages === 'unknown' ? ' (count unknown)' : ''}, ${n} client consumer(s)`;
    }),
  };
}

type Group = { changes: LiveChange[]; routing: RoutingChange[] };

function groupByVhost(report: DiffReport): Map<string, Group> {
  const groups = new Map<string, Group>();
  const group = (name: string) => groups.get(name) ?? groups.set(name, { changes: [], routing: [] }).get(name)!;
  for (const c of report.changes) group(c.vhost === null ? 'users' : `vhost ${c.vhost}`).changes.push(c);
  for (const r of report.routing) group(`vhost ${r.vhost}`).routing.push(r);
  return groups;
}

function textGroup(name: string, g: Group): string {
  const lines = g.changes.map(
    (c) =>
      `  ${LABEL[c.class].padEnd(11)} ${c.action.padEnd(6)} ${c.access ? '[ACCESS] ' : ''}${c.migration ? '[MIGRATION] ' : ''}${visible(c.id)}: ${visible(c.reason)}` +
      (c.steps ?? []).map((step, i) => `\n${' '.repeat(21)}${i + 1}. ${visible(step)}`).join(''),
  );
  const routing = g.routing.map((r) => `  routing     ${visible(routingLine(r))}`);
  return `${visible(name)}\n${[...lines, ...routing].join('\n')}\n`;
}

function markdownGroup(name: string, g: Group): string {
  const changes = g.changes.map((c) => [
    `${ICON[c.class]} ${c.class}${c.access ? ' · 🔑 **access**' : ''}${c.migration ? ' · 🚚 **migration**' : ''}`,
    c.action,
    code(c.id),
    text(c.reason) + (c.steps ?? []).map((step, i) => `<br>${i + 1}. ${text(step)}`).join(''),
  ]);
  const routing = g.routing.map((r) => [
    code(r.exchange),
    text(messageText(r)),
    text(queues(r.before)),
    text(queues(r.after)),
  ]);
  return [
    `### ${text(name)}\n`,
    ...(changes.length > 0 ? [table(['', 'change', 'object', 'why'], changes)] : []),
    ...(routing.length > 0
      ? [`**Routing changes**\n`, table(['exchange', 'message', 'reached', 'now reaches'], routing)]
      : []),
  ].join('\n');
}

/** A GFM table of cells already escaped (text(), code()): markdown-table lays out the rows, not the escaping. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${markdownTable([header, ...rows], { alignDelimiters: false })}\n`;
}

/** Control characters and line separators as \uXXXX: one change stays one line. */
const visible = escapeText;

/** Plain text in Markdown: punctuation that would start emphasis, code, links, HTML, entities or a table cell is escaped. */
function text(s: string): string {
  return visible(s).replace(/[\\`*_[\]<>|~&]/g, '\\$&');
}

/**
 * A code span holding s exactly: its fence is one backtick longer than any
 * run of backticks inside, padded with a space when s holds any (the reader
 * strips one from each side). In a table `|` is escaped even in code: GitHub
 * splits table cells before it reads code spans.
 */
function code(s: string, inTable = true): string {
  const t = visible(s);
  if (t === '') return '`""`';
  const longest = Math.max(0, ...(t.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  const span = `${fence}${pad}${t}${pad}${fence}`;
  return inTable ? span.replace(/\|/g, '\\|') : span;
}

/** "exchange orders: key order.eu.x (and 2 more messages) reached Q1, Q2; now Q1". */
function routingLine(r: RoutingChange): string {
  return `exchange ${r.exchange}: ${messageText(r)} reached ${queues(r.before)}; now ${queues(r.after)}`;
}

function messageText(r: RoutingChange): string {
  const headers = Object.entries(r.message.headers);
  const what =
    headers.length > 0
      ? `headers {${headers.map(([k, v]) => `${k}: ${show(v)}`).join(', ')}}`
      : `key ${r.message.key === '' ? '""' : r.message.key}`;
  return r.more > 0 ? `${what} (and ${r.more} more sampled message${r.more === 1 ? '' : 's'})` : what;
}

function show(v: HeaderValue): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function queues(list: readonly string[]): string {
  return list.length === 0 ? 'no queue' : list.join(', ');
}

function summary(changes: readonly LiveChange[]): Record<ChangeClass, number> {
  return {
    'data-losing': changes.filter((c) => c.class === 'data-losing').length,
    disruptive: changes.filter((c) => c.class === 'disruptive').length,
    safe: changes.filter((c) => c.class === 'safe').length,
  };
}
