// Names @pulumi/rabbitmq could create but never read back or delete
// (model/provider-ids.ts), refused before anything is applied: by validation
// for the granularity a stack deploys with (the program, `validate --stack`),
// and by the Topology component for a plan compiled without it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../src/plan/compile-plan.js';
import { unmanageableEntries } from '../src/plan/unmanageable-entries.js';
import { validateTopology } from '../src/validate-topology.js';
import { runCli } from './support/run-cli.js';

const TOPOLOGY = `version: 1
vhosts:
  shop:
    exchanges:
      a@b: { type: topic }
      c/d: { type: topic }
      hidden@x: { type: topic, internal: true }
    queues:
      e@f: {}
      plain: {}
    bindings:
      - { from: c/d, to: plain, key: k }
      - { from: a@b, toExchange: c/d }
    policies:
      p@q: { pattern: "^zz$", definition: { max-length: 1 } }
    superStreams:
      s@t: { partitions: 1 }
  team@x:
    queues: { q: {} }
users:
  alice@example.com:
    permissions:
      shop: { configure: ".*", write: ".*", read: ".*" }
`;

const read = () => ({ text: TOPOLOGY });
const problems = (granularity?: 'object' | 'vhost') =>
  validateTopology(['t.yaml'], undefined, read, granularity ? { granularity } : {})
    .diagnostics.filter((d) => d.code === 'provider-name')
    .map((d) => `${d.line}:${d.col} ${d.pointer}`);

describe('provider-name', () => {
  it('with granularity object: `@` in names the provider ids name@vhost, `/` in binding ends', () => {
    expect(problems('object')).toEqual([
      '5:7 /vhosts/shop/exchanges/a@b',
      '9:7 /vhosts/shop/queues/e@f',
      '12:11 /vhosts/shop/bindings/0/from',
      '13:22 /vhosts/shop/bindings/1/toExchange',
      '15:7 /vhosts/shop/policies/p@q',
      '17:7 /vhosts/shop/superStreams/s@t',
      // once for the vhost, whatever it holds
      '18:3 /vhosts/team@x',
      '21:3 /users/alice@example.com',
    ]);
  });

  it('with granularity vhost, and when it is not known: permissions only (a vhost groups the rest in one warren resource)', () => {
    expect(problems('vhost')).toEqual(['21:3 /users/alice@example.com']);
    expect(problems()).toEqual(problems('vhost'));
  });

  it('`validate --stack` checks the granularity the stack file names (object when it names none)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warren-provider-'));
    writeFileSync(join(dir, 't.yaml'), TOPOLOGY);
    const count = (stack?: string) => {
      const args = ['validate', join(dir, 't.yaml'), '--format', 'json'];
      if (stack !== undefined) {
        writeFileSync(join(dir, 'Pulumi.s.yaml'), stack);
        args.push('--stack', join(dir, 'Pulumi.s.yaml'));
      }
      const r = runCli(args);
      expect(r.code).toBe(1);
      return (JSON.parse(r.stdout) as { code: string }[]).filter((p) => p.code === 'provider-name').length;
    };
    expect(count()).toBe(1);
    expect(count('config: {}\n')).toBe(8);
    expect(count('config:\n  warren:granularity: vhost\n')).toBe(1);
    writeFileSync(join(dir, 'Pulumi.s.yaml'), 'config:\n  warren:granularity: objects\n');
    expect(runCli(['validate', join(dir, 't.yaml'), '--stack', join(dir, 'Pulumi.s.yaml')]).code).toBe(2);
  });

  it('a plan compiled without validation is refused by the same rules (ids of what cannot be applied)', () => {
    const v = validateTopology(['t.yaml'], undefined, () => ({
      text: `${TOPOLOGY}      .. : { configure: ".*", write: ".*", read: ".*" }\n`,
    }));
    const plan = compilePlan(v.model);
    const ids = (g: 'object' | 'vhost') => unmanageableEntries(plan, g).map((line) => line.split(': ')[0]);
    // `..` cannot be in a path at all, and its `@` split is the provider's too.
    expect(ids('vhost').sort()).toEqual([
      '../permissions/alice@example.com',
      '../permissions/alice@example.com',
      'shop/permissions/alice@example.com',
    ]);
    expect(ids('object')).toEqual(expect.arrayContaining(['shop/exchange/a@b', 'shop/queue/e@f', 'shop/policy/p@q']));
    expect(ids('object')).not.toContain('shop/exchange/hidden@x');
    expect(ids('object').filter((id) => id.includes('/binding/'))).toHaveLength(2);
  });
});
