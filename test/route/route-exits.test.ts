// `warren route` says where a message leaves through a shovel or a
// federation link instead of stopping there silently; `queues` stays the
// contract's list of this vhost's queues.
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const FIXTURE = 'test/fixtures/route/exits.yaml';
const route = (...args: string[]) =>
  JSON.parse(runCli(['route', FIXTURE, '--vhost', 'a', ...args, '--format', 'json']).stdout) as {
    queues: string[];
    exits: {
      via: string;
      name: string;
      declaredIn: string;
      from: string;
      to: string;
      vhost?: string;
      queues?: string[];
    }[];
  };

describe('route exits', () => {
  it("a queue that is a shovel's source: the exit, followed into the local destination vhost", () => {
    const r = route('--exchange', 'events', '--key', 'job.1');
    expect(r.queues).toEqual(['jobs']);
    expect(r.exits).toEqual([
      {
        via: 'shovel',
        name: 'move',
        declaredIn: 'a',
        from: 'queue jobs',
        to: 'exchange in at amqp:///b',
        vhost: 'b',
        queues: ['archive'],
      },
      expect.objectContaining({ via: 'federation', name: 'from-a', vhost: 'c', queues: ['copies'] }),
    ]);
  });

  it('an exchange shovelled by key: only matching messages leave; a secret URI is named by its key', () => {
    const matching = route('--exchange', 'events', '--key', 'other.x');
    expect(matching.exits.map((e) => [e.via, e.name])).toEqual([
      ['shovel', 'tap'],
      ['federation', 'from-a'],
    ]);
    expect(matching.exits[0]?.to).toBe('queue far at the URI in secret FAR_URI');
    expect(matching.exits[0]?.queues).toBeUndefined();
    const deeper = route('--exchange', 'events', '--key', 'other.x.y');
    expect(deeper.exits.map((e) => e.name)).toEqual(['from-a']);
  });

  it('a super stream routes to the partition of its key, and text output keeps queues on stdout, exits on stderr', () => {
    expect(route('--exchange', 'invoices', '--key', 'us')).toEqual(
      expect.objectContaining({ queues: ['invoices-us'], exits: [] }),
    );
    const text = runCli(['route', FIXTURE, '--vhost', 'a', '--exchange', 'events', '--key', 'job.1']);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('jobs\n');
    expect(text.stderr).toContain('exit: queue jobs leaves through shovel move');
  });
});
