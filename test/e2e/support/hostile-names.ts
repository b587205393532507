// Names are data, on the real broker: a vhost whose objects are named like the
// members every JavaScript object inherits (`__proto__`, `constructor`,
// `prototype`, `toString`), with argument and header keys named so, two
// bindings whose plan ids were once one, and names that hold the separators of
// @pulumi/rabbitmq's own ids (`@` in `name@vhost`, `/` in a binding's): a
// queue `q@r` with a settings policy, a binding from exchange `x/y`, and a user
// `<user>@example.com` with permissions and topic permissions. The lifecycle suites deploy it in
// both granularities and export.test.ts imports it with rabbitmqctl; each
// object must arrive as named, with its arguments, and leave on destroy.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import { api, enc } from './broker.js';

/** A sha256 password hash (the user is never logged in as). */
const HASH = 'e5o+Zuc1kFUDKmvz9FBCvfNh6+034tz+47T/A3aUDWUcX8VZ';

/** The topology file: vhost `vhost` and user `user` are global names on the broker, distinct per suite. */
export function namesTopology(vhost: string, user: string): string {
  const v = JSON.stringify(vhost);
  return `version: 1
vhosts:
  ${v}:
    exchanges:
      constructor: { type: headers }
      __proto__: { type: topic, arguments: { __proto__: x, constructor: y } }
      a: { type: direct }
      x/y: { type: direct }
    queues:
      __proto__: { arguments: { __proto__: y } }
      toString: {}
      prototype: { messageTtl: 60s }
      "b[c]": {}
      b: {}
      q@r: { messageTtl: 60s }
    bindings:
      - { from: constructor, to: __proto__, match: any, headers: { __proto__: a, constructor: b } }
      - { from: constructor, to: toString, headers: { toString: c } }
      - { from: __proto__, to: prototype, key: a.b }
      - { from: a, to: "b[c]" }
      - { from: a, to: b, key: "c][" }
      - { from: x/y, to: q@r, key: k }
    policies:
      __proto__: { pattern: "^toString$", applyTo: queues, definition: { max-length: 5 } }
    operatorPolicies:
      constructor: { pattern: "^b$", applyTo: queues, definition: { max-length: 10 } }
users:
  ${JSON.stringify(user)}:
    password: { hash: "${HASH}" }
    permissions:
      ${v}: { configure: ".*", write: ".*", read: ".*" }
    topicPermissions:
      ${v}:
        __proto__: { write: ".*", read: ".*" }
  ${JSON.stringify(atUser(user))}:
    password: { hash: "${HASH}" }
    permissions:
      ${v}: { configure: "", write: "^x/y$", read: "^q@r$" }
    topicPermissions:
      ${v}:
        x/y: { write: "^k$", read: "" }
`;
}

/** The user whose name holds `@`, beside `user`. */
function atUser(user: string): string {
  return `${user}@example.com`;
}

/** A map's entries, sorted: JSON.parse keeps a key `__proto__` as an own key, which entries list. */
const entries = (map: object) => Object.entries(map).sort(([a], [b]) => (a < b ? -1 : 1));

/** Every object of namesTopology is on the broker as named, with its arguments, and nothing else is. */
export async function expectNamesOnBroker(vhost: string, user: string): Promise<void> {
  const v = enc(vhost);
  type Row = { name: string; type?: string; arguments: object };
  const queues = (await api<Row[]>(`/queues/${v}`)).body;
  expect(queues.map((q) => q.name).sort()).toEqual(['__proto__', 'b', 'b[c]', 'prototype', 'q@r', 'toString']);
  expect(entries(queues.find((q) => q.name === '__proto__')!.arguments)).toEqual([['__proto__', 'y']]);
  const exchanges = (await api<Row[]>(`/exchanges/${v}`)).body.filter(
    (x) => x.name !== '' && !x.name.startsWith('amq.'),
  );
  expect(exchanges.map((x) => `${x.name}:${x.type}`).sort()).toEqual([
    '__proto__:topic',
    'a:direct',
    'constructor:headers',
    'x/y:direct',
  ]);
  expect(entries(exchanges.find((x) => x.name === '__proto__')!.arguments)).toEqual([
    ['__proto__', 'x'],
    ['constructor', 'y'],
  ]);
  type Binding = { source: string; destination: string; routing_key: string; arguments: object };
  const bindings = (await api<Binding[]>(`/bindings/${v}`)).body.filter((b) => b.source !== '');
  expect(
    bindings.map((b) => JSON.stringify([b.source, b.destination, b.routing_key, entries(b.arguments)])).sort(),
  ).toEqual(
    [
      ['__proto__', 'prototype', 'a.b', []],
      ['a', 'b[c]', '', []],
      ['a', 'b', 'c][', []],
      [
        'constructor',
        '__proto__',
        '',
        [
          ['__proto__', 'a'],
          ['constructor', 'b'],
          ['x-match', 'any'],
        ],
      ],
      [
        'constructor',
        'toString',
        '',
        [
          ['toString', 'c'],
          ['x-match', 'all'],
        ],
      ],
      ['x/y', 'q@r', 'k', []],
    ]
      .map((b) => JSON.stringify(b))
      .sort(),
  );
  const policies = (await api<{ name: string }[]>(`/policies/${v}`)).body.map((p) => p.name).sort();
  expect(policies).toEqual(['__proto__', 'warren.queue.prototype', 'warren.queue.q@r']);
  expect((await api<{ name: string }[]>(`/operator-policies/${v}`)).body.map((p) => p.name)).toEqual(['constructor']);
  expect((await api(`/users/${enc(user)}`)).status).toBe(200);
  const permissions = (await api<{ vhost: string; write: string }[]>(`/users/${enc(user)}/permissions`)).body;
  expect(permissions).toEqual([expect.objectContaining({ vhost, write: '.*' })]);
  const topic = (await api<{ vhost: string; exchange: string }[]>(`/users/${enc(user)}/topic-permissions`)).body;
  expect(topic).toEqual([expect.objectContaining({ vhost, exchange: '__proto__' })]);
  const at = enc(atUser(user));
  expect((await api<{ vhost: string; write: string }[]>(`/users/${at}/permissions`)).body).toEqual([
    expect.objectContaining({ vhost, configure: '', write: '^x/y$', read: '^q@r$' }),
  ]);
  expect((await api<{ exchange: string }[]>(`/users/${at}/topic-permissions`)).body).toEqual([
    expect.objectContaining({ vhost, exchange: 'x/y', write: '^k$', read: '' }),
  ]);
}

/**
 * `warren import` of the broker's own export (GET /api/definitions) gives the topology back: `warren diff`
 * from namesTopology to it finds no change but the permissions the broker gave `guest` on the vhost it made.
 */
export async function expectImportedBack(dir: string, vhost: string): Promise<void> {
  const definitions = (await api<object>('/definitions')).body;
  writeFileSync(join(dir, 'names-definitions.json'), JSON.stringify(definitions));
  const imported = runCli([
    'import',
    join(dir, 'names-definitions.json'),
    '--vhost',
    vhost,
    '-o',
    join(dir, 'names-imported'),
    '--force',
  ]);
  expect(imported.code, imported.stderr).toBe(0);
  const diff = runCli(['diff', join(dir, 'topology', 'names.yaml'), join(dir, 'names-imported'), '--format', 'json']);
  expect(diff.code, diff.stderr).toBe(0);
  const changes = (JSON.parse(diff.stdout) as { changes: { id: string }[] }).changes;
  expect(changes.map((c) => c.id).filter((id) => !id.endsWith('/guest'))).toEqual([]);
}

/** namesTopology's vhost and user are gone. */
export async function expectNamesGone(vhost: string, user: string): Promise<void> {
  expect((await api(`/vhosts/${enc(vhost)}`)).status).toBe(404);
  expect((await api(`/users/${enc(user)}`)).status).toBe(404);
  expect((await api(`/users/${enc(atUser(user))}`)).status).toBe(404);
}

/** Removes what namesTopology declares from the broker (leftovers of an interrupted run). */
export async function dropNames(vhost: string, user: string): Promise<void> {
  await api(`/vhosts/${enc(vhost)}`, 'DELETE');
  for (const u of [user, atUser(user)]) await api(`/users/${enc(u)}`, 'DELETE');
}
