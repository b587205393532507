// warren drift's comparison, without a broker: the topology's own export
// stands for a broker that matches it, and each test changes that broker
// the way a person would by hand. Asserts kinds, types, names, fields and
// positions; a broker that matches reports nothing.
import { describe, expect, it } from 'vitest';
import { objectsOf, type DefinitionsLike, type Row } from '../../src/drift/broker-objects.js';
import { compareBroker, type QueuePolicies } from '../../src/drift/compare-broker.js';
import { declaredObjects } from '../../src/drift/declared-objects.js';
import { placeDrift } from '../../src/drift/report-drift.js';
import { planToDefinitions } from '../../src/export/plan-to-definitions.js';
import { loadTopology } from '../../src/load-topology.js';

const TOPOLOGY = `version: 1
vhosts:
  shop:
    description: the shop
    limits: { maxQueues: 100 }
    exchanges:
      orders: { type: topic }
    queues:
      orders-us: { type: quorum, deliveryLimit: 5 }
      audit: { messageTtl: 60000 }
    bindings:
      - { from: orders, to: orders-us, key: "order.us.#" }
      - { from: orders, to: audit, key: "#" }
    policies:
      limit-audit: { pattern: "^audit$", applyTo: queues, definition: { max-length: 1000 } }
    federationUpstreams:
      origin: { uri: { uri: "amqp://fed@origin/shop", password: { secret: FED_PW } } }
users:
  shop-app:
    password: { hash: "kI3GCqW5JLMJa4iX1lo7X4D6XbYqlLgxIs30+P6tENUAUeQU" }
    tags: [monitoring]
    permissions:
      shop: { configure: "^$", write: "^orders$", read: "^orders-.*" }
  ci:
    password: { secret: CI_PW }
`;

function load() {
  const t = loadTopology({ texts: [{ file: 'shop.yaml', text: TOPOLOGY }] });
  expect(t.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return t;
}

/** A broker that holds what the topology declares, as its own export writes it; then `edit` changes it. */
function brokerLike(edit: (d: Record<string, Row[]>) => void = () => {}) {
  const t = load();
  const d = structuredClone(planToDefinitions(t.plan!).definitions) as unknown as Record<string, Row[]>;
  // A broker knows a secret password's hash and the URI with its password; warren knows neither.
  d.users = d.users!.map((u) => (u.name === 'ci' ? { ...u, password_hash: 'c2VjcmV0aGFzaA==' } : u));
  d.parameters = d.parameters!.map((p) =>
    p.component === 'federation-upstream'
      ? { ...p, value: { ...(p.value as object), uri: 'amqp://fed:S3cret@origin/shop' } }
      : p,
  );
  edit(d);
  const vhostRows = d.vhosts!;
  return { t, live: objectsOf(d as DefinitionsLike, vhostRows) };
}

/** A durable queue row as the broker's export writes it (one nobody declared, in these tests). */
const queueRow = (vhost: string, name: string, args: Record<string, unknown> = {}): Row => ({
  name,
  vhost,
  durable: true,
  auto_delete: false,
  arguments: args,
});

/** A policy someone added by hand: it applies to the declared queue orders-us. */
const HAND_POLICY: Row = {
  vhost: 'shop',
  name: 'hand',
  pattern: '^orders',
  'apply-to': 'queues',
  priority: 9,
  definition: { 'delivery-limit': 50 },
};

function compare(
  edit?: (d: Record<string, Row[]>) => void,
  queues: QueuePolicies[] = [],
  scope: 'topology' | 'broker' = 'topology',
) {
  const { t, live } = brokerLike(edit);
  const declared = declaredObjects(t.plan!);
  const found = compareBroker({
    declared: declared.objects,
    uncompared: declared.uncompared,
    live,
    queues,
    scope,
    reader: 'guest',
  });
  return { ...found, placed: placeDrift(found.drift, t.model, t.sources) };
}

describe('warren drift: the comparison', () => {
  it('reports nothing for a broker that holds what the topology declares (secrets it cannot compare left alone)', () => {
    expect(compare().drift).toEqual([]);
  });

  it('a queue deleted by hand is missing with its bindings, each at its YAML node', () => {
    const { placed } = compare((d) => {
      d.queues = d.queues!.filter((q) => q.name !== 'audit');
      d.bindings = d.bindings!.filter((b) => b.destination !== 'audit');
    });
    expect(placed.map((p) => [p.kind, p.type, p.name, p.line, p.col])).toEqual([
      ['missing', 'binding', 'orders>queue:audit[#]', 13, 9],
      ['missing', 'queue', 'audit', 10, 7],
    ]);
  });

  it('a changed policy, widened permissions and other user tags are changed, field by field', () => {
    const { placed } = compare((d) => {
      d.policies = d.policies!.map((p) => (p.name === 'limit-audit' ? { ...p, definition: { 'max-length': 10 } } : p));
      d.permissions = d.permissions!.map((p) => ({ ...p, configure: '.*' }));
      d.users = d.users!.map((u) => (u.name === 'shop-app' ? { ...u, tags: ['administrator'] } : u));
    });
    expect(placed.map((p) => [p.type, p.name, p.fields, p.line])).toEqual([
      ['user', 'shop-app', ['tags'], 19],
      ['permissions', 'shop-app', ['configure'], 23],
      ['policy', 'limit-audit', ['definition.max-length'], 15],
    ]);
    expect(placed.find((p) => p.type === 'policy')!.changes).toEqual([
      { field: 'definition.max-length', topology: 1000, broker: 10 },
    ]);
  });

  it('never shows a password hash, and hides the credentials of a URI', () => {
    const { drift } = compare((d) => {
      d.users = d.users!.map((u) => (u.name === 'shop-app' ? { ...u, password_hash: 'b3RoZXI=' } : u));
      d.parameters = d.parameters!.map((p) =>
        p.component === 'federation-upstream' ? { ...p, value: { ...(p.value as object), 'max-hops': 3 } } : p,
      );
    });
    const text = JSON.stringify(drift);
    expect(drift.map((x) => [x.type, x.fields])).toEqual([
      ['user', ['password_hash']],
      ['federation-upstream', ['value.max-hops']],
    ]);
    expect(drift[0]!.changes).toEqual([{ field: 'password_hash', hidden: true }]);
    for (const secret of ['b3RoZXI=', 'kI3GCqW5', 'S3cret', 'c2VjcmV0']) expect(text).not.toContain(secret);
  });

  it('a vhost limit and a description changed by hand', () => {
    const { placed } = compare((d) => {
      d.vhosts = d.vhosts!.map((v) => ({ ...v, description: 'edited' }));
      d.parameters = d.parameters!.map((p) =>
        p.component === 'vhost-limits' ? { ...p, value: { 'max-queues': 5 } } : p,
      );
    });
    expect(placed.map((p) => [p.type, p.fields])).toEqual([['vhost', ['description', 'limits.max-queues']]]);
  });

  it('unmanaged objects in a declared vhost point at the vhost; elsewhere only with scope broker', () => {
    const edit = (d: Record<string, Row[]>) => {
      d.queues = [
        ...d.queues!,
        queueRow('shop', 'debug'),
        queueRow('other', 'x'),
        queueRow('shop', 'federation: orders -> rabbit@far A', { 'x-internal-purpose': 'federation' }),
      ];
      // A federation link's own exchange, and the bindings to it and from it: RabbitMQ's, not drift.
      d.exchanges = [
        ...d.exchanges!,
        {
          name: 'federation: orders -> rabbit@far B',
          vhost: 'shop',
          type: 'x-federation-upstream',
          arguments: { 'x-internal-purpose': 'federation' },
        },
      ];
      d.bindings = [
        ...d.bindings!,
        {
          source: 'orders',
          vhost: 'shop',
          destination: 'federation: orders -> rabbit@far B',
          destination_type: 'exchange',
          routing_key: '#',
          arguments: { 'x-bound-from': [{ hops: 1 }] },
        },
        {
          source: 'federation: orders -> rabbit@far B',
          vhost: 'shop',
          destination: 'federation: orders -> rabbit@far A',
          destination_type: 'queue',
          routing_key: '',
          arguments: {},
        },
      ];
      d.parameters = [
        ...d.parameters!,
        {
          component: 'exchange-delete-in-progress',
          vhost: 'shop',
          name: 'federation: orders -> rabbit@far B',
          value: {},
        },
      ];
      d.vhosts = [...d.vhosts!, { name: 'other' }];
      d.users = [...d.users!, { name: 'guest', tags: ['administrator'], password_hash: 'Z3Vlc3Q=' }];
      d.permissions = [...d.permissions!, { user: 'guest', vhost: 'shop', configure: '.*', write: '.*', read: '.*' }];
    };
    const topology = compare(edit);
    expect(topology.placed.map((p) => [p.kind, p.type, p.id, p.line])).toEqual([
      ['unmanaged', 'queue', 'shop/queue/debug', 3],
    ]);
    // The reader's own permissions on a vhost are the broker's doing, said apart.
    expect(topology.notReported.map((n) => n.id).sort()).toEqual([
      'shop/binding/federation: orders -%3E rabbit@far B>queue:federation: orders -> rabbit@far A[]',
      'shop/binding/orders>exchange:federation: orders -> rabbit@far B[#] {"x-bound-from":[{"hops":1}]}',
      'shop/exchange-delete-in-progress/federation: orders -> rabbit@far B',
      'shop/exchange/federation: orders -> rabbit@far B',
      'shop/permissions/guest',
      'shop/queue/federation: orders -> rabbit@far A',
    ]);
    const broker = compare(edit, [], 'broker');
    expect(broker.placed.map((p) => [p.kind, p.type, p.id])).toEqual([
      ['unmanaged', 'user', 'user/guest'],
      ['unmanaged', 'vhost', 'vhost/other'],
      ['unmanaged', 'queue', 'other/queue/x'],
      ['unmanaged', 'queue', 'shop/queue/debug'],
    ]);
  });

  it('a missing vhost stands for its objects', () => {
    const { drift } = compare((d) => {
      for (const k of ['queues', 'exchanges', 'bindings', 'policies', 'parameters', 'permissions'])
        d[k] = d[k]!.filter((r) => r.vhost !== 'shop');
      d.vhosts = [];
    });
    expect(drift.map((x) => [x.kind, x.type, x.name])).toEqual([['missing', 'vhost', 'shop']]);
  });

  it('a policy from elsewhere applied to a declared queue is an override; a queue the broker says nothing of is unknown', () => {
    const found = compare(
      (d) => {
        d.policies = [...d.policies!, HAND_POLICY];
      },
      [
        { vhost: 'shop', name: 'orders-us', policy: 'hand', operator_policy: null },
        { vhost: 'shop', name: 'audit' },
        { vhost: 'elsewhere', name: 'q', policy: 'hand', operator_policy: null },
      ],
    );
    expect(found.drift.map((x) => [x.kind, x.type, x.name, x.fields, x.policy])).toEqual([
      ['overridden', 'queue', 'orders-us', ['delivery-limit'], 'hand'],
      ['unmanaged', 'policy', 'hand', undefined, undefined],
    ]);
    expect(found.unknown.map((u) => u.id)).toEqual(['shop/queue/audit']);
  });

  it('places each kind of drift at the line and column of the YAML that declares it (an unmanaged one: its vhost)', () => {
    const found = compare(
      (d) => {
        d.queues = [...d.queues!.filter((q) => q.name !== 'audit'), queueRow('shop', 'debug')];
        d.bindings = d.bindings!.filter((b) => b.destination !== 'audit');
        d.permissions = d.permissions!.map((p) => ({ ...p, read: '.*' }));
        d.policies = [...d.policies!, HAND_POLICY];
      },
      [{ vhost: 'shop', name: 'orders-us', policy: 'hand', operator_policy: null }],
    );
    expect(found.placed.map((p) => [p.kind, p.type, p.name, p.line, p.col])).toEqual([
      ['missing', 'binding', 'orders>queue:audit[#]', 13, 9],
      ['missing', 'queue', 'audit', 10, 7],
      ['changed', 'permissions', 'shop-app', 23, 7],
      ['overridden', 'queue', 'orders-us', 9, 7],
      ['unmanaged', 'policy', 'hand', 3, 3],
      ['unmanaged', 'queue', 'debug', 3, 3],
    ]);
  });

  it("RabbitMQ 4's implicit x-queue-type classic and 3.10's operator-policy pairs are no drift", () => {
    const found = compare((d) => {
      d.queues = d.queues!.map((q) =>
        q.name === 'audit' ? { ...q, arguments: { ...(q.arguments as object), 'x-queue-type': 'classic' } } : q,
      );
    });
    expect(found.drift).toEqual([]);
  });
});
