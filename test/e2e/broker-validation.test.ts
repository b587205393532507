// Differential test of what warren refuses against what RabbitMQ refuses
// (docs/broker-validation.md): each case is a topology fragment; warren
// validates it, and the objects its plan makes of it go to the real broker by
// the paths warren applies them with:
// - `api`: one management API request per object, as `warren:granularity:
//   object` sends it (@pulumi/rabbitmq's provider turns exchange arguments
//   and policy definition values into strings first, and integer strings
//   back into integers; the dynamic providers join tags with commas);
// - `import`: `POST /api/definitions/{vhost}`, as `warren:granularity: vhost`
//   sends exchanges, queues, bindings, policies and operator policies.
// The broker accepts a case when every path answers 2xx and the object then
// exists under its own name, as declared (RabbitMQ strips CR/LF from names,
// skips `amq.` objects in an import, splits tags at commas). warren's verdict
// (any error) must equal the broker's, except where the table says warren is
// stricter (it refuses what the broker takes, for the reason given) or that
// the answer depends on what warren cannot know, the broker's version or the
// queues it holds (warren warns; this broker refuses).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Code } from '../../src/diagnostics/codes.js';
import { planToDefinitions, type Definitions } from '../../src/export/plan-to-definitions.js';
import { compilePlan } from '../../src/plan/compile-plan.js';
import { loadTopology } from '../../src/load-topology.js';
import { api, enc, eventually } from './support/broker.js';

const V = 'e2b-validation';
const VI = 'e2b-validation-import';
const PREFIX = 'e2b-'; // users and vhosts a case makes
const BASE = `exchanges:\n      src: {}\n      dlx: {}\n    queues:\n      dst: {}\n`;

interface Request {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  /** Where the object then stands, and what it must read as there (a subset), when it is taken as declared. */
  readonly check?: { readonly path: string; readonly has?: Record<string, unknown> };
}

interface Case {
  readonly name: string;
  /** Under the test vhost (with BASE), or a whole file when `file` is set. */
  readonly yaml: string;
  readonly file?: boolean;
  /** Requests to send instead of the plan's (the schema drops the input from the plan). */
  readonly raw?: readonly Request[];
  /** warren's code when it refuses. */
  readonly code?: Code;
  /** warren refuses what RabbitMQ takes: why. */
  readonly stricter?: string;
  /** RabbitMQ refuses it here, but the answer depends on what warren cannot know (the broker's version, the queues it already holds): warren warns with this code. */
  readonly warns?: Code;
}

const LONG = (c: string, n: number) => c.repeat(n);

const CASES: Case[] = [
  // Queue arguments (rabbit_amqqueue:declare_args/0, each type's capabilities).
  { name: 'x-message-ttl 5e9', yaml: 'queues:\n      q-ttl-long: { arguments: { x-message-ttl: 5000000000 } }' },
  {
    name: 'x-message-ttl past ten years',
    yaml: 'queues:\n      q-ttl-huge: { arguments: { x-message-ttl: 315360000001 } }',
    code: 'invalid-value',
  },
  {
    name: 'x-message-ttl "60s"',
    yaml: 'queues:\n      q-ttl-text: { arguments: { x-message-ttl: 60s } }',
    code: 'invalid-value',
  },
  { name: 'messageTtl 5e9 (policy)', yaml: 'queues:\n      q-field-ttl: { messageTtl: 5000000000 }' },
  {
    name: 'messageTtl past ten years (policy)',
    yaml: 'queues:\n      q-field-ttl-huge: { messageTtl: 315360000001 }',
    code: 'invalid-duration',
    stricter: 'policies take any TTL, but one past the timer range crashes the queue process: the arguments’ bound',
  },
  {
    name: 'x-max-age as a number',
    yaml: 'queues:\n      q-age-n: { type: stream, arguments: { x-max-age: 60000 } }',
    code: 'invalid-value',
  },
  {
    name: 'x-max-age 0D',
    yaml: 'queues:\n      q-age-0: { type: stream, arguments: { x-max-age: 0D } }',
    code: 'invalid-value',
  },
  {
    name: 'x-max-age 7D then a line',
    yaml: 'queues:\n      q-age-nl: { type: stream, arguments: { x-max-age: "7D\\nx" } }',
  },
  {
    name: 'x-dead-letter-routing-key alone',
    yaml: 'queues:\n      q-dlrk: { arguments: { x-dead-letter-routing-key: k } }',
    code: 'argument-combination',
  },
  {
    name: 'x-dead-letter-strategy alone',
    yaml: 'queues:\n      q-dls: { type: quorum, arguments: { x-dead-letter-strategy: at-least-once } }',
  },
  {
    name: 'x-queue-leader-locator on classic',
    yaml: 'queues:\n      q-ll: { arguments: { x-queue-leader-locator: balanced } }',
    code: 'queue-type-unsupported',
  },
  {
    name: 'leaderLocator on classic (policy)',
    yaml: 'queues:\n      q-ll-field: { leaderLocator: client-local, messageTtl: 1000 }',
    code: 'queue-type-unsupported',
    stricter: 'RabbitMQ 3.10–3.13 take the policy, but apply no policy holding queue-leader-locator to a classic queue',
  },
  {
    name: 'x-queue-leader-locator random',
    yaml: 'queues:\n      q-ll-r: { type: quorum, arguments: { x-queue-leader-locator: random } }',
  },
  { name: 'x-max-priority 0', yaml: 'queues:\n      q-prio-0: { arguments: { x-max-priority: 0 } }' },
  {
    name: 'x-max-in-memory-length on classic',
    yaml: 'queues:\n      q-mem: { arguments: { x-max-in-memory-length: 5 } }',
    code: 'queue-type-unsupported',
  },
  {
    name: 'x-queue-version 3',
    yaml: 'queues:\n      q-v3: { arguments: { x-queue-version: 3 } }',
    code: 'invalid-value',
  },
  {
    name: 'x-queue-master-locator banana',
    yaml: 'queues:\n      q-qml: { arguments: { x-queue-master-locator: banana } }',
    code: 'invalid-value',
  },
  {
    name: 'x-stream-max-segment-size-bytes past 3e9',
    yaml: 'queues:\n      q-seg: { type: stream, arguments: { x-stream-max-segment-size-bytes: 3000000001 } }',
    code: 'invalid-value',
  },
  {
    name: 'x-max-length 1.5',
    yaml: 'queues:\n      q-len: { arguments: { x-max-length: 1.5 } }',
    code: 'invalid-value',
  },
  {
    name: 'x-single-active-consumer "true"',
    yaml: 'queues:\n      q-sac: { arguments: { x-single-active-consumer: "true" } }',
    code: 'invalid-value',
  },
  { name: 'a null argument', yaml: 'queues:\n      q-null: { arguments: { x-note: null } }', code: 'invalid-value' },
  {
    name: 'non-durable quorum',
    yaml: 'queues:\n      q-nd: { type: quorum, durable: false }',
    code: 'queue-type-unsupported',
  },
  {
    name: 'auto-delete stream',
    yaml: 'queues:\n      q-ad: { type: stream, autoDelete: true }',
    code: 'queue-type-unsupported',
  },
  {
    name: 'x-overflow reject-publish-dlx on quorum',
    yaml: 'queues:\n      q-rpd: { type: quorum, arguments: { x-overflow: reject-publish-dlx } }',
    code: 'queue-type-unsupported',
    stricter: 'RabbitMQ takes it, logs a warning and drops the oldest messages instead',
  },
  {
    name: 'deliveryLimit past 2^31 - 1 (policy)',
    yaml: 'queues:\n      q-dl: { type: quorum, deliveryLimit: 2147483648 }',
    // The schema keeps the value out of the plan: the settings policy warren would write.
    raw: [
      {
        method: 'PUT',
        path: `/policies/${enc(V)}/warren.queue.q-dl`,
        body: { pattern: '^q\\-dl$', 'apply-to': 'queues', priority: 1, definition: { 'delivery-limit': 2147483648 } },
        check: { path: `/policies/${enc(V)}/warren.queue.q-dl` },
      },
    ],
    code: 'invalid-value',
    stricter: 'delivery counts travel as a 32-bit AMQP integer (x-delivery-count)',
  },
  // Names.
  { name: 'a queue name with a line break', yaml: 'queues:\n      "q\\nbreak": {}', code: 'invalid-name' },
  { name: 'a queue name of 256 bytes', yaml: `queues:\n      ${LONG('q', 256)}: {}`, code: 'invalid-name' },
  { name: 'a queue named amq.', yaml: 'queues:\n      amq.mine: {}', code: 'reserved-name' },
  { name: 'an exchange name with a line break', yaml: 'exchanges:\n      "x\\rbreak": {}', code: 'invalid-name' },
  {
    name: 'an exchange name of 300 bytes',
    yaml: `exchanges:\n      ${LONG('x', 300)}: {}`,
    code: 'invalid-name',
    stricter: 'AMQP 0-9-1 names exchanges with short strings: no client could name it',
  },
  { name: 'an exchange named amq.', yaml: 'exchanges:\n      amq.mine: {}', code: 'reserved-name' },
  {
    name: 'a policy name of 300 bytes',
    yaml: `policies:\n      ${LONG('p', 300)}: { pattern: "^none$", definition: { max-length: 1 } }`,
    code: 'invalid-name',
    stricter: 'one bound for every name, well inside what the management API’s request line carries',
  },
  // Exchanges.
  { name: 'exchange type banana', yaml: 'exchanges:\n      x-banana: { type: banana }', code: 'unknown-exchange-type' },
  { name: 'exchange type ""', yaml: 'exchanges:\n      x-empty: { type: "" }', code: 'unknown-exchange-type' },
  {
    name: 'alternate-exchange argument as a number',
    yaml: 'exchanges:\n      x-ae: { arguments: { alternate-exchange: 5 } }',
    code: 'invalid-value',
    stricter:
      'AMQP and the management API refuse it; the object path sends it as a string, a definitions import keeps a number RabbitMQ ignores',
  },
  {
    name: 'a null exchange argument',
    yaml: 'exchanges:\n      x-null: { arguments: { x-note: null } }',
    code: 'invalid-value',
  },
  // Bindings.
  {
    name: 'a binding key of 300 bytes',
    yaml: `bindings:\n      - { from: src, to: dst, key: ${LONG('k', 300)} }`,
    code: 'key-too-long',
    stricter: 'AMQP 0-9-1 carries routing keys as short strings: no message could match it',
  },
  {
    name: 'a null binding argument',
    yaml: 'bindings:\n      - { from: src, to: dst, key: n, arguments: { x-note: null } }',
    code: 'invalid-value',
  },
  // Policies (rabbit_policy:validation/3, rabbit_policies, plugins' validators).
  {
    name: 'an unknown policy key',
    yaml: 'policies:\n      p-unknown: { pattern: "^none$", definition: { frobnicate: 1 } }',
    code: 'policy-unknown-key',
  },
  {
    name: 'an empty definition',
    yaml: 'policies:\n      p-empty: { pattern: "^none$", definition: {} }',
    code: 'policy-value',
  },
  {
    name: 'priority -5',
    yaml: 'policies:\n      p-neg: { pattern: "^none$", priority: -5, definition: { max-length: 1 } }',
  },
  {
    name: 'applyTo quorum_queues',
    yaml: 'policies:\n      p-qq: { pattern: "^none$", applyTo: quorum_queues, definition: { max-length: 1 } }',
    warns: 'needs-newer-rabbitmq',
  },
  {
    name: 'federation-upstream with federation-upstream-set',
    yaml: `federationUpstreams:\n      up: { uri: "amqp://remote" }\n    federationUpstreamSets:\n      set: [up]\n    policies:\n      p-fed: { pattern: "^none$", definition: { federation-upstream: up, federation-upstream-set: set } }`,
    code: 'policy-key-conflict',
  },
  {
    name: 'federation-upstream-pattern that does not compile',
    yaml: 'policies:\n      p-fedpat: { pattern: "^none$", definition: { federation-upstream-pattern: "(" } }',
    code: 'invalid-regex',
  },
  {
    name: 'max-age 0D',
    yaml: 'policies:\n      p-age0: { pattern: "^none$", applyTo: queues, definition: { max-age: 0D } }',
    code: 'policy-value',
  },
  {
    name: 'max-age 7D then a line',
    yaml: 'policies:\n      p-agenl: { pattern: "^none$", applyTo: queues, definition: { max-age: "7D\\nx" } }',
  },
  {
    name: 'delivery-limit -1',
    yaml: 'policies:\n      p-dl: { pattern: "^none$", applyTo: queues, definition: { delivery-limit: -1 } }',
    code: 'policy-value',
  },
  {
    name: 'queue-leader-locator random',
    yaml: 'policies:\n      p-llr: { pattern: "^none$", applyTo: queues, definition: { queue-leader-locator: random } }',
  },
  {
    name: 'consumer-timeout',
    yaml: 'policies:\n      p-ct: { pattern: "^none$", applyTo: queues, definition: { consumer-timeout: 1000 } }',
    warns: 'needs-newer-rabbitmq',
  },
  {
    name: 'ha-params without ha-mode',
    yaml: 'policies:\n      p-hap: { pattern: "^none$", applyTo: queues, definition: { ha-params: 2 } }',
    code: 'policy-key-conflict',
  },
  {
    name: 'ha-mode exactly alone',
    yaml: 'policies:\n      p-hae: { pattern: "^none$", applyTo: queues, definition: { ha-mode: exactly } }',
    code: 'policy-key-conflict',
  },
  {
    name: 'ha-mode exactly with 2',
    yaml: 'policies:\n      p-ha2: { pattern: "^none$", applyTo: queues, definition: { ha-mode: exactly, ha-params: 2 } }',
  },
  {
    name: 'stream-max-segment-size-bytes past 3e9',
    yaml: 'policies:\n      p-seg: { pattern: "^none$", applyTo: queues, definition: { stream-max-segment-size-bytes: 3000000001 } }',
    code: 'policy-value',
  },
  {
    name: 'message-ttl past ten years in a policy',
    yaml: 'policies:\n      p-ttl: { pattern: "^none$", applyTo: queues, definition: { message-ttl: 315360000001 } }',
    code: 'policy-value',
    stricter: 'policies take any TTL, but one past the timer range crashes the queue process: the arguments’ bound',
  },
  {
    name: 'keys no queue type takes together',
    yaml: 'policies:\n      p-none: { pattern: "^none$", applyTo: queues, definition: { message-ttl: 1000, max-age: 1D } }',
    // RabbitMQ takes the policy and applies it to nothing (each queue type refuses one of its keys): warren takes it
    // too, with a policy-inapplicable warning (fixture broker-refusals.yaml).
  },
  {
    name: 'routing-key without shards-per-node',
    yaml: 'policies:\n      p-shard: { pattern: "^none$", applyTo: exchanges, definition: { routing-key: a } }',
    code: 'policy-key-conflict',
  },
  {
    name: 'an operator policy with overflow',
    yaml: 'operatorPolicies:\n      o-ovf: { pattern: "^none$", definition: { overflow: drop-head } }',
    warns: 'needs-newer-rabbitmq',
  },
  {
    name: 'an operator policy with an unknown key',
    yaml: 'operatorPolicies:\n      o-unknown: { pattern: "^none$", definition: { frobnicate: 1 } }',
    code: 'operator-policy-key',
  },
  {
    name: 'an operator policy with max-length',
    yaml: 'operatorPolicies:\n      o-len: { pattern: "^none$", definition: { max-length: 5 } }',
  },
  // Federation upstreams and shovels (runtime parameters: the same path for both granularities).
  {
    name: 'an upstream with queue-type',
    yaml: 'federationUpstreams:\n      up-qt: { uri: "amqp://remote", queueType: quorum }',
    warns: 'upstream-queue-type',
  },
  {
    name: 'an upstream exchange of 300 bytes',
    yaml: `federationUpstreams:\n      up-long: { uri: "amqp://remote", exchange: ${LONG('e', 300)} }`,
    code: 'invalid-name',
    stricter: 'the link declares it over AMQP, which cannot carry the name: the link never starts',
  },
  {
    name: 'a shovel destination queue of 256 bytes',
    yaml: `shovels:\n      sh-long:\n        source: { uri: "amqp://remote", queue: a }\n        destination: { uri: "amqp://remote", queue: ${LONG('d', 256)} }`,
    code: 'invalid-name',
  },
  {
    name: 'an upstream with prefetch-count 0',
    yaml: 'federationUpstreams:\n      up-p0: { uri: "amqp://remote", prefetchCount: 0 }',
    raw: [parameter('federation-upstream', 'up-p0', { uri: 'amqp://remote', 'prefetch-count': 0 })],
    code: 'invalid-value',
    stricter: 'the format’s counts start at 1 (0 would be an unbounded prefetch)',
  },
  {
    name: 'a shovel with srcDeleteAfter 0',
    yaml: 'shovels:\n      sh-zero:\n        source: { uri: "amqp://remote", queue: a }\n        destination: { uri: "amqp://remote", queue: b }\n        srcDeleteAfter: 0',
    raw: [
      parameter('shovel', 'sh-zero', {
        'src-uri': 'amqp://remote',
        'src-queue': 'a',
        'dest-uri': 'amqp://remote',
        'dest-queue': 'b',
        'src-delete-after': 0,
      }),
    ],
    code: 'invalid-value',
    stricter: 'the format’s counts start at 1 (a shovel that is to move no message)',
  },
  {
    name: 'a shovel with no-ack and a numeric srcDeleteAfter',
    yaml: 'shovels:\n      sh-noack:\n        source: { uri: "amqp://remote", queue: a }\n        destination: { uri: "amqp://remote", queue: b }\n        ackMode: no-ack\n        srcDeleteAfter: 5',
    code: 'shovel-conflict',
  },
  // Users and vhosts (their own resources in both granularities).
  {
    name: 'a user tag with a comma',
    file: true,
    yaml: `users:\n  ${PREFIX}u-comma: { tags: ["monitoring,administrator"] }`,
    raw: [userRequest(`${PREFIX}u-comma`, ['monitoring,administrator'])],
    code: 'invalid-value',
  },
  {
    name: 'a user tag with surrounding space',
    file: true,
    yaml: `users:\n  ${PREFIX}u-space: { tags: [" ops"] }`,
    raw: [userRequest(`${PREFIX}u-space`, [' ops'])],
    code: 'invalid-value',
  },
  {
    name: 'a user tag of 300 characters',
    file: true,
    yaml: `users:\n  ${PREFIX}u-long: { tags: [${LONG('t', 300)}] }`,
    raw: [userRequest(`${PREFIX}u-long`, [LONG('t', 300)])],
    code: 'invalid-value',
  },
  { name: 'a user with tags', file: true, yaml: `users:\n  ${PREFIX}u-ok: { tags: [monitoring, custom] }` },
  {
    name: 'a password hash of the wrong length',
    file: true,
    yaml: `users:\n  ${PREFIX}u-hash: { password: { hash: AAAA } }`,
    code: 'invalid-password-hash',
    stricter: 'a hash that is not a 4-byte salt and a digest never matches any password',
  },
  {
    name: 'a vhost tag with a comma',
    file: true,
    yaml: `vhosts:\n  ${PREFIX}v-tag: { tags: ["a,b"] }`,
    raw: [vhostRequest(`${PREFIX}v-tag`, ['a,b'])],
    code: 'invalid-value',
  },
  {
    name: 'more queues than maxQueues',
    file: true,
    yaml: `vhosts:\n  ${PREFIX}v-maxq:\n    limits: { maxQueues: 1 }\n    queues: { a: {}, b: {} }`,
    raw: [
      vhostRequest(`${PREFIX}v-maxq`, []),
      { method: 'PUT', path: `/vhost-limits/${enc(`${PREFIX}v-maxq`)}/max-queues`, body: { value: 1 } },
      {
        method: 'POST',
        path: `/definitions/${enc(`${PREFIX}v-maxq`)}`,
        body: { queues: ['a', 'b'].map((name) => ({ name, durable: true, auto_delete: false, arguments: {} })) },
      },
    ],
    warns: 'vhost-limit-exceeded',
  },
  {
    name: 'a vhost limit of -1',
    file: true,
    yaml: `vhosts:\n  ${PREFIX}v-limit: { limits: { maxQueues: -1 } }`,
    raw: [
      vhostRequest(`${PREFIX}v-limit`, []),
      { method: 'PUT', path: `/vhost-limits/${enc(`${PREFIX}v-limit`)}/max-queues`, body: { value: -1 } },
    ],
    code: 'invalid-value',
    stricter: 'RabbitMQ reads a negative limit as no limit, which a topology says by leaving the limit out',
  },
];

/** The request UserAccount sends (tags joined with commas), and what the user must then read as. */
function userRequest(name: string, tags: string[], hash = '', algorithm = 'rabbit_password_hashing_sha256'): Request {
  return {
    method: 'PUT',
    path: `/users/${enc(name)}`,
    body: { password_hash: hash, hashing_algorithm: algorithm, tags: tags.join(',') },
    check: { path: `/users/${enc(name)}`, has: { tags } },
  };
}

/** The request RuntimeParameter sends. */
function parameter(component: string, name: string, value: unknown): Request {
  const path = `/parameters/${component}/${enc(V)}/${enc(name)}`;
  return { method: 'PUT', path, body: { value }, check: { path } };
}

/** The request VHostSettings sends (tags joined with commas). */
function vhostRequest(name: string, tags: string[]): Request {
  return {
    method: 'PUT',
    path: `/vhosts/${enc(name)}`,
    body: { description: '', tags: tags.join(',') },
    check: { path: `/vhosts/${enc(name)}`, has: { tags } },
  };
}

/** What @pulumi/rabbitmq's provider sends of a map warren gives it as strings (create-topology's stringMap). */
const asStrings = (map: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
/** …and of a policy definition, whose integer strings it turns back into integers. */
const asProviderDefinition = (map: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(asStrings(map)).map(([k, v]) => [
      k,
      /^[+-]?\d+$/.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : v,
    ]),
  );

type Entry = Record<string, unknown>;
const q = (vhost: string, name: string) => `/${enc(vhost)}/${enc(name)}`;

/** The management API requests of the object path for one definitions entry. */
function apiRequest(kind: string, e: Entry): Request {
  const name = String(e.name);
  switch (kind) {
    case 'queues':
      return {
        method: 'PUT',
        path: `/queues${q(V, name)}`,
        body: { durable: e.durable, auto_delete: e.auto_delete, arguments: e.arguments },
        check: { path: `/queues${q(V, name)}` },
      };
    case 'exchanges':
      return {
        method: 'PUT',
        path: `/exchanges${q(V, name)}`,
        body: { ...e, name: undefined, vhost: undefined, arguments: asStrings(e.arguments as Entry) },
        check: { path: `/exchanges${q(V, name)}` },
      };
    case 'bindings': {
      const type = e.destination_type === 'queue' ? 'q' : 'e';
      return {
        method: 'POST',
        path: `/bindings/${enc(V)}/e/${enc(String(e.source))}/${type}/${enc(String(e.destination))}`,
        body: { routing_key: e.routing_key, arguments: e.arguments },
      };
    }
    case 'policies':
      return {
        method: 'PUT',
        path: `/policies${q(V, name)}`,
        body: { ...e, name: undefined, vhost: undefined, definition: asProviderDefinition(e.definition as Entry) },
        check: { path: `/policies${q(V, name)}` },
      };
    case 'parameters': {
      if (e.component === 'operator_policy') {
        const value = e.value as Entry;
        return {
          method: 'PUT',
          path: `/operator-policies${q(V, name)}`,
          body: { ...value, definition: asProviderDefinition(value.definition as Entry) },
          check: { path: `/operator-policies${q(V, name)}` },
        };
      }
      const path = `/parameters/${enc(String(e.component))}${q(V, name)}`;
      return { method: 'PUT', path, body: { value: e.value }, check: { path } };
    }
    case 'users':
      return userRequest(name, e.tags as string[], String(e.password_hash), String(e.hashing_algorithm));
    default:
      throw new Error(`no request for ${kind}`);
  }
}

/** The definitions import of the vhost path, for the kinds it carries; undefined for the others. */
function importRequest(kind: string, e: Entry): Request | undefined {
  if (kind === 'parameters' && e.component !== 'operator_policy') return undefined;
  if (!['queues', 'exchanges', 'bindings', 'policies', 'parameters'].includes(kind)) return undefined;
  const name = String(e.name);
  const entry = { ...e, vhost: undefined };
  const check =
    kind === 'queues' || kind === 'exchanges' || kind === 'policies'
      ? { path: `/${kind}${q(VI, name)}` }
      : kind === 'parameters'
        ? { path: `/operator-policies${q(VI, name)}` }
        : undefined;
  return { method: 'POST', path: `/definitions/${enc(VI)}`, body: { [kind]: [entry] }, ...(check ? { check } : {}) };
}

const dir = mkdtempSync(join(tmpdir(), 'warren-e2b-'));
const BASE_FILE = join(dir, 'base.yaml');
writeFileSync(BASE_FILE, `version: 1\nvhosts:\n  ${V}:\n    ${BASE}`);
let files = 0;
/** A case's file, validated with the base's (the same vhost in two files, as teams split them). */
function validate(text: string, withBase = true) {
  const file = join(dir, `case-${files++}.yaml`);
  writeFileSync(file, text);
  return loadTopology({ paths: withBase ? [BASE_FILE, file] : [file] });
}
const topology = (c: Case) => (c.file ? `version: 1\n${c.yaml}\n` : `version: 1\nvhosts:\n  ${V}:\n    ${c.yaml}\n`);

/** The plan's definitions entries, by kind, that the case adds to the base. */
function entriesOf(text: string, base: Set<string>): [string, Entry][] {
  const { definitions } = planToDefinitions(compilePlan(validate(text).model));
  return Object.entries(definitions as Definitions).flatMap(([kind, list]) =>
    (list as Entry[]).filter((e) => !base.has(JSON.stringify([kind, e]))).map((e) => [kind, e] as [string, Entry]),
  );
}

async function send(r: Request): Promise<boolean> {
  const answer = await api(r.path, r.method, r.body);
  if (answer.status >= 300) return false;
  if (!r.check) return true;
  const read = await api<Record<string, unknown>>(r.check.path);
  if (read.status !== 200) return false;
  return Object.entries(r.check.has ?? {}).every(([k, v]) => JSON.stringify(read.body[k]) === JSON.stringify(v));
}

async function cleanUp(): Promise<void> {
  for (const vhost of [V, VI]) await api(`/vhosts/${enc(vhost)}`, 'DELETE');
  const users = await api<{ name: string }[]>('/users');
  for (const u of users.body.filter((u) => u.name.startsWith(PREFIX))) await api(`/users/${enc(u.name)}`, 'DELETE');
  const vhosts = await api<{ name: string }[]>('/vhosts');
  for (const v of vhosts.body.filter((v) => v.name.startsWith(`${PREFIX}v-`)))
    await api(`/vhosts/${enc(v.name)}`, 'DELETE');
}

beforeAll(async () => {
  await cleanUp();
  for (const vhost of [V, VI]) expect((await api(`/vhosts/${enc(vhost)}`, 'PUT', {})).status).toBeLessThan(300);
});
afterAll(cleanUp);

it('refuses exactly what RabbitMQ refuses, on the paths warren applies by, but where the table says why not', async () => {
  const baseText = `version: 1\nvhosts:\n  ${V}:\n    ${BASE}`;
  expect(validate(baseText, false).diagnostics).toEqual([]);
  const base = planToDefinitions(compilePlan(validate(baseText, false).model)).definitions as Definitions;
  const baseKeys = new Set(
    Object.entries(base).flatMap(([kind, list]) => (list as Entry[]).map((e) => JSON.stringify([kind, e]))),
  );
  for (const [kind, list] of Object.entries(base))
    for (const e of (list as Entry[]).filter((x) => x.vhost === V)) {
      expect(await send(apiRequest(kind, e)), `base ${kind}`).toBe(true);
      const imported = importRequest(kind, e);
      if (imported) expect(await send(imported), `base ${kind}`).toBe(true);
    }

  const results: {
    case: string;
    warren: string;
    broker: string;
    codes: Code[];
    warnings: Code[];
    c: Case;
  }[] = [];
  for (const c of CASES) {
    const text = topology(c);
    const findings = validate(text).diagnostics;
    const errors = findings.filter((d) => d.severity === 'error').map((d) => d.code);
    const requests =
      c.raw ??
      entriesOf(text, baseKeys).flatMap(([kind, e]) =>
        kind === 'vhosts' || kind === 'permissions'
          ? []
          : [apiRequest(kind, e), importRequest(kind, e)].filter((r) => r !== undefined),
      );
    expect(requests.length, c.name).toBeGreaterThan(0);
    const answers: boolean[] = [];
    for (const r of requests) answers.push(await send(r));
    const accepted = answers.every(Boolean);
    results.push({
      case: c.name,
      warren: errors.length > 0 ? 'refuses' : 'takes',
      broker: accepted ? 'takes' : 'refuses',
      codes: [...new Set(errors)],
      warnings: findings.filter((d) => d.severity === 'warning').map((d) => d.code),
      c,
    });
  }

  const wrong = results.filter(({ c, warren, broker, codes, warnings }) => {
    if (c.warns) return !(broker === 'refuses' && warren === 'takes' && warnings.includes(c.warns));
    if (c.stricter) return !(broker === 'takes' && warren === 'refuses' && codes.includes(c.code!));
    if (warren !== broker) return true;
    return c.code !== undefined ? !codes.includes(c.code) : codes.length > 0;
  });
  expect(wrong.map(({ c, ...r }) => ({ ...r, expected: c.code ?? c.warns ?? 'valid', stricter: c.stricter }))).toEqual(
    [],
  );
  expect(results.filter((r) => r.broker === 'refuses').length).toBeGreaterThan(30);
  expect(results.filter((r) => r.broker === 'takes').length).toBeGreaterThan(15);
}, 120_000);

it('applies no settings policy that a user policy keeps off the queue (a key its type refuses)', async () => {
  // A classic queue with its own TTL, matched by a user policy that holds a
  // quorum-only key: RabbitMQ skips that policy for classic queues, so the
  // settings policy must not take its keys over, or RabbitMQ skips it too.
  const text = `version: 1\nvhosts:\n  ${VI}:\n    queues:\n      cq: { messageTtl: 2s }\n    policies:\n      quorum-only: { pattern: "^cq$", applyTo: queues, priority: 1, definition: { delivery-limit: 3, max-length: 10 } }\n`;
  const validation = validate(text, false);
  expect(validation.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const definitions = planToDefinitions(compilePlan(validation.model)).definitions as Definitions;
  for (const kind of ['policies', 'queues'] as const) {
    const list = (definitions[kind] as Entry[]).map((e) => ({ ...e, vhost: undefined }));
    expect((await api(`/definitions/${enc(VI)}`, 'POST', { [kind]: list })).status).toBeLessThan(300);
  }
  const applied = await eventually(async () => {
    const { body } = await api<{ policy?: string; effective_policy_definition?: Record<string, unknown> }>(
      `/queues${q(VI, 'cq')}`,
    );
    return body.policy ? body : undefined;
  });
  expect(applied.policy).toBe('warren.queue.cq');
  expect(applied.effective_policy_definition).toEqual({ 'message-ttl': 2000 });
}, 60_000);
