// Which policy applies, on the real broker: a topology whose queue and
// exchange names and policy patterns hit what PCRE does that other engines do
// not (`$` before a final newline, bytes of UTF-8, Latin-1 `\w`, `(?i)`,
// lookaheads), policies a queue type refuses for one key, operator policies,
// and warren's own settings policies (`\z` where a name plus a newline is
// another queue), is put on the broker; for every queue and exchange, the
// policy and operator policy the broker reports are the ones warren says apply.
import { afterAll, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planToDefinitions } from '../../src/export/plan-to-definitions.js';
import { applyingPolicy } from '../../src/model/applying-policy.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import type { PolicyEntry } from '../../src/plan/plan-types.js';
import { loadTopology } from '../../src/load-topology.js';
import { api, enc } from './support/broker.js';

const VHOST = 'e2e-policy-match';
const TOPOLOGY = `version: 1
vhosts:
  ${VHOST}:
    queues:
      a: {}
      "a\\n": {}
      é: {}
      ê: {}
      x.y: {}
      zz: {}
      "q": {}
      "q\\n": {}
      t: { messageTtl: 60s }
      "t\\n": {}
      u: { maxLength: 10 }
    exchanges:
      "e\\n": { type: fanout }
      ee: { type: fanout }
    policies:
      dollar: { pattern: "^a$", priority: 7, applyTo: queues, definition: { max-length: 1 } }
      one-byte: { pattern: "^.$", priority: 2, applyTo: queues, definition: { max-length: 2 } }
      latin1-word: { pattern: "^\\\\w+$", priority: 3, applyTo: queues, definition: { max-length: 3 } }
      caseless: { pattern: "(?i)^X\\\\.Y$", priority: 4, applyTo: queues, definition: { max-length: 4 } }
      end-only: { pattern: "^q\\\\z", priority: 5, applyTo: queues, definition: { max-length: 5 } }
      lookahead: { pattern: "^(?!a|x|q|ê|t|u)", applyTo: all, definition: { expires: 600000 } }
      # max-age makes it apply to no classic queue, whatever its priority.
      refused: { pattern: ".*", priority: 9, applyTo: queues, definition: { max-length: 9, max-age: 1D } }
      exchange-end: { pattern: "^e$", priority: 6, applyTo: exchanges, definition: { alternate-exchange: ee } }
    operatorPolicies:
      # delivery-limit makes it apply to no classic queue.
      op-refused: { pattern: ".*", priority: 5, definition: { max-length: 100, delivery-limit: 5 } }
      op-a: { pattern: "^a", priority: 1, definition: { max-length: 1000 } }
`;

afterAll(() => api(`/vhosts/${enc(VHOST)}`, 'DELETE'));

interface Live {
  policy?: string | null;
  operator_policy?: string | null;
  effective_policy_definition?: unknown;
}

it('applies to each queue and exchange the policy warren says applies', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-policy-match-'));
  const file = join(dir, 'policies.yaml');
  writeFileSync(file, TOPOLOGY);
  const validation = loadTopology({ paths: [file] });
  // Names with a line break are refused by validate (invalid-name: AMQP declarations and the management API strip
  // it), but a definitions import keeps them, so a broker can hold them: which policy applies to them still counts.
  expect(
    validation.diagnostics.filter(
      (d) => d.severity === 'error' && !(d.code === 'invalid-name' && /\n/.test(d.pointer)),
    ),
  ).toEqual([]);
  const plan = compilePlan(validation.model);
  await api(`/vhosts/${enc(VHOST)}`, 'DELETE');
  const imported = await api('/definitions', 'POST', planToDefinitions(plan).definitions);
  expect(imported.status).toBeLessThan(300);

  const policies = plan.entries.filter((e): e is PolicyEntry => e.kind === 'policy' && e.vhost === VHOST);
  const operators = plan.entries.filter((e): e is PolicyEntry => e.kind === 'operator-policy' && e.vhost === VHOST);
  const vhost = validation.model.vhosts.get(VHOST)!;
  const objects = [
    ...[...vhost.queues.keys()].map((name) => ({ path: 'queues', name, target: 'classic' as const })),
    ...[...vhost.exchanges.keys()].map((name) => ({ path: 'exchanges', name, target: 'exchange' as const })),
  ];
  const warren = objects.map((o) => {
    const policy = applyingPolicy(policies, o);
    const operator = applyingPolicy(operators, o);
    if (!policy.known || !operator.known) throw new Error(`warren cannot tell for ${JSON.stringify(o.name)}`);
    return {
      name: o.name,
      policy: policy.policy?.name ?? null,
      operator: o.path === 'queues' ? (operator.policy?.name ?? null) : null,
    };
  });

  // Policies apply asynchronously: read until the broker agrees, or until the time is up (then the last reading is compared).
  let broker: typeof warren = [];
  for (const end = Date.now() + 20_000; Date.now() < end; ) {
    broker = await Promise.all(
      objects.map(async (o) => {
        const { body } = await api<Live>(`/${o.path}/${enc(VHOST)}/${enc(o.name)}`);
        return {
          name: o.name,
          policy: body.policy || null,
          operator: o.path === 'queues' ? body.operator_policy || null : null,
        };
      }),
    );
    if (JSON.stringify(broker) === JSON.stringify(warren)) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  expect(broker).toEqual(warren);
  // What the topology was written to show, spelled out.
  const of = (name: string) => warren.find((w) => w.name === name)!;
  expect(of('a\n')).toEqual({ name: 'a\n', policy: 'dollar', operator: 'op-a' }); // `$` before a final newline
  expect(of('q\n').policy).toBe('latin1-word'); // `^\w+$` too; `^q\z` does not
  expect(of('q').policy).toBe('end-only');
  expect(of('é').policy).toBe('lookahead'); // two bytes: not `^.$`; 0xA9 is no Latin-1 word byte
  expect(of('ê').policy).toBe('latin1-word'); // 0xC3 0xAA: both Latin-1 word bytes
  expect(of('x.y').policy).toBe('caseless');
  expect(of('t').policy).toBe('warren.queue.t');
  expect(of('t\n').policy).toBe('latin1-word'); // not `warren.queue.t`: its pattern ends in \z
  expect(of('e\n').policy).toBe('exchange-end');
  expect(of('zz').operator).toBe(null); // op-refused holds delivery-limit, which classic queues refuse
}, 60_000);
