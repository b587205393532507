// Property fuzzing of the trust properties (issue 22), with the generators that
// would have found its failures: names that are prototype members or hold every
// separator an id uses, non-ASCII names, one-line JSON, YAML directives and
// comment tokens. Each property is bounded in time (fast-check stops early and
// passes with the runs it made, which it prints with -- --reporter=verbose).
//
// - Names are data: a topology of such names plans one entry per object,
//   exports each object once by its exact name, and comes back from a
//   definitions import unchanged (diff finds nothing).
// - One reading: the same topology written pretty, as one line of JSON, with a
//   `%YAML 1.2` directive or with `*x &y !z` in a comment validates and plans
//   to the very same plan.
// - The broker's routing: a headers binding written with `headers`/`match` and
//   the same one written as raw `arguments` route every message alike, and
//   route names only declared queues.
import fc from 'fast-check';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { diffPlans } from '../src/diff/diff-plans.js';
import { planToDefinitions } from '../src/export/plan-to-definitions.js';
import { importDefinitions } from '../src/import/import-definitions.js';
import { renderSingle } from '../src/import/render-topology.js';
import { compilePlan } from '../src/plan/compile-plan.js';
import { RoutingIndex } from '../src/route/route-message.js';
import { loadTopology } from '../src/load-topology.js';
import { hostileName, PROTOTYPE_NAMES } from './support/hostile-names.js';

/** Each property stops after this long, with the runs it made. */
const TIME_LIMIT_MS = 15_000;
const RUNS = 1000;

// What validate refuses whatever the context (empty, line breaks RabbitMQ strips, `.`/`..` no path can name,
// reserved prefixes, lone surrogates) is left out: these generators make valid topologies.
const usable = (name: string) =>
  name !== '' &&
  name !== '.' &&
  name !== '..' &&
  !/[\r\n]/.test(name) &&
  !/[\uD800-\uDFFF]/.test(name) &&
  !name.startsWith('amq.') &&
  !name.startsWith('warren.');
const name = fc
  .oneof(fc.constantFrom(...PROTOTYPE_NAMES), hostileName, fc.string({ minLength: 1, maxLength: 6 }))
  .filter(usable);

const headerValue = fc.oneof(fc.constantFrom('a', 'b', '1'), fc.integer({ min: 0, max: 2 }), fc.boolean());
const headers = fc.dictionary(fc.oneof(fc.constantFrom('x-h', 'format'), name), headerValue, { maxKeys: 3 });
const matchMode = fc.constantFrom('all', 'any', 'all-with-x', 'any-with-x');

/** A valid vhost of hostile names: exchanges of every routing type, queues with and without settings, bindings. */
const vhost = fc
  .record({
    exchanges: fc.uniqueArray(name, { minLength: 1, maxLength: 3 }),
    queues: fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
    keys: fc.array(name, { minLength: 3, maxLength: 3 }),
    headers,
    match: matchMode,
    ttl: fc.boolean(),
  })
  .map(({ exchanges, queues, keys, headers, match, ttl }) => {
    const types = ['topic', 'direct', 'headers'];
    const bindings = queues.map((q, i) => {
      const from = exchanges[i % exchanges.length]!;
      const type = types[exchanges.indexOf(from) % types.length];
      return type === 'headers' ? { from, to: q, match, headers } : { from, to: q, key: keys[i % keys.length] };
    });
    return {
      exchanges: Object.fromEntries(exchanges.map((x, i) => [x, { type: types[i % types.length] }])),
      queues: Object.fromEntries(queues.map((q, i) => [q, ttl && i === 0 ? { messageTtl: '1m' } : {}])),
      bindings,
    };
  });
const topology = fc.tuple(name, vhost).map(([v, spec]) => ({ version: 1, vhosts: Object.fromEntries([[v, spec]]) }));

function validateText(text: string) {
  return loadTopology({ texts: [{ file: 'fuzz.yaml', text }] });
}

function errorsOf(v: ReturnType<typeof validateText>) {
  return v.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.pointer}`);
}

const bounded = { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS };

describe('fuzzing the trust properties', () => {
  it('names are data: one plan entry per object, each exported once by its name, and an import round trip changes nothing', () => {
    fc.assert(
      fc.property(topology, (t) => {
        const v = validateText(JSON.stringify(t));
        expect(errorsOf(v)).toEqual([]);
        const plan = compilePlan(v.model);
        const ids = plan.entries.map((e) => e.id);
        expect(new Set(ids).size).toBe(ids.length);
        const [vhostName, spec] = Object.entries(t.vhosts)[0]!;
        const { definitions } = planToDefinitions(plan);
        expect(definitions.queues?.map((q) => q.name).sort()).toEqual(Object.keys(spec.queues).sort());
        expect(definitions.bindings).toHaveLength(spec.bindings.length);
        const imported = importDefinitions('export.json', definitions);
        const again = validateText(renderSingle(imported, 'topology.schema.json'));
        expect(errorsOf(again)).toEqual([]);
        expect(diffPlans(plan, compilePlan(again.model))).toEqual([]);
        expect([...again.model.vhosts.keys()]).toEqual([vhostName]);
      }),
      bounded,
    );
  });

  it('one reading: block YAML, one-line and indented JSON, a %YAML 1.2 directive and comment tokens give the same plan', () => {
    fc.assert(
      fc.property(topology, (t) => {
        // Block style: js-yaml's flow style writes some plain scalars (`queue:,`) that no YAML reader takes.
        const block = jsYaml.dump(t, { lineWidth: -1, noRefs: true });
        const spellings = [
          block,
          JSON.stringify(t),
          JSON.stringify(t, null, 2),
          `%YAML 1.2\n---\n${block}`,
          `# *x &y !z <<: 0b11\n${block.replace(/\n/g, ' # *a &b\n')}`,
        ];
        const plans = spellings.map((text) => {
          const v = validateText(text);
          expect(errorsOf(v), text).toEqual([]);
          return JSON.stringify(compilePlan(v.model));
        });
        for (const p of plans) expect(p).toBe(plans[0]);
      }),
      bounded,
    );
  });

  it('routing: typed and raw headers bindings route every message alike, to declared queues only', () => {
    const message = fc.record({ key: name, headers });
    fc.assert(
      fc.property(headers, matchMode, fc.array(message, { minLength: 1, maxLength: 5 }), (h, match, messages) => {
        const typed = validateText(
          JSON.stringify({
            version: 1,
            vhosts: {
              v: {
                exchanges: { h: { type: 'headers' } },
                queues: { q: {}, r: {} },
                bindings: [
                  { from: 'h', to: 'q', match, headers: h },
                  { from: 'h', to: 'r', arguments: { 'x-match': match, ...h } },
                ],
              },
            },
          }),
        );
        expect(errorsOf(typed)).toEqual([]);
        const index = new RoutingIndex(typed.model.vhosts.get('v')!);
        for (const m of messages) {
          const { queues } = index.route('h', m);
          // q and r are bound alike: a message reaches both or neither.
          expect(
            queues.length === 0 || (queues.length === 2 && queues[0] === 'q' && queues[1] === 'r'),
            JSON.stringify(m),
          ).toBe(true);
        }
      }),
      bounded,
    );
  });
});
