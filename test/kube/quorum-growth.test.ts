// Which quorum queues get which new members after a roll or a scale-up.
import { describe, expect, it } from 'vitest';
import { addsMembersOverHttp, quorumGrowth } from '../../src/cluster/quorum-growth.js';

const nodes = ['rabbit@r-2', 'rabbit@r-0', 'rabbit@r-1'];
const q = (name: string, members: string[], extra: object = {}) => ({
  vhost: 'shop',
  name,
  type: 'quorum',
  members,
  ...extra,
});

describe('quorumGrowth', () => {
  it('gives a queue declared on one node a member on every other running node, in node order', () => {
    expect(quorumGrowth(nodes, [q('orders', ['rabbit@r-1'])]).growth).toEqual([
      { vhost: 'shop', name: 'orders', add: ['rabbit@r-0', 'rabbit@r-2'] },
    ]);
  });

  it('leaves full queues, classic queues and streams alone; a quorum queue listed without members is unknown', () => {
    expect(
      quorumGrowth(nodes, [
        q('full', [...nodes]),
        { vhost: 'shop', name: 'c', type: 'classic' },
        { vhost: 'shop', name: 's', type: 'stream', members: ['rabbit@r-0'] },
        { vhost: 'shop', name: 'm', type: 'quorum' },
      ]),
    ).toEqual({ growth: [], unknown: ['shop/m'] });
  });

  it('grows up to x-quorum-initial-group-size, never past the running nodes', () => {
    const sized = (n: unknown) => q('sized', ['rabbit@r-0'], { arguments: { 'x-quorum-initial-group-size': n } });
    expect(quorumGrowth(nodes, [sized(2)]).growth).toEqual([{ vhost: 'shop', name: 'sized', add: ['rabbit@r-1'] }]);
    expect(quorumGrowth(nodes, [sized(1)]).growth).toEqual([]);
    expect(quorumGrowth(nodes, [sized(7)]).growth[0]!.add).toEqual(['rabbit@r-1', 'rabbit@r-2']);
    // A size that is not a number is RabbitMQ's to refuse at declaration; here it does not cap.
    expect(quorumGrowth(nodes, [sized('2')]).growth[0]!.add).toHaveLength(2);
  });

  it('counts a member on a stopped node (it comes back with its node), and removes none', () => {
    expect(quorumGrowth(['rabbit@r-0', 'rabbit@r-1'], [q('down', ['rabbit@r-2', 'rabbit@r-0'])]).growth).toEqual([]);
    expect(quorumGrowth(['rabbit@r-0'], [q('many', [...nodes])]).growth).toEqual([]);
  });

  it('knows which brokers add members over HTTP: 3.12.1 and later', () => {
    expect(addsMembersOverHttp({ major: 3, minor: 10, patch: 8 })).toBe(false);
    expect(addsMembersOverHttp({ major: 3, minor: 12, patch: 0 })).toBe(false);
    expect(addsMembersOverHttp({ major: 3, minor: 12, patch: 1 })).toBe(true);
    expect(addsMembersOverHttp({ major: 4, minor: 0, patch: 5 })).toBe(true);
  });
});
