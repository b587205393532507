// RabbitMQ's upgrade rules (cluster/upgrade-paths.ts): one series at a time, flags first where the table says so,
// never down; a refused hop names the supported path.
import { describe, expect, it } from 'vitest';
import { imageVersion, judgeUpgrade, parseVersion, UPGRADE_STEPS } from '../../src/cluster/upgrade-paths.js';

const v = (text: string) => parseVersion(text)!;

describe('imageVersion', () => {
  it.each([
    ['rabbitmq:3.10.8-management', { major: 3, minor: 10, patch: 8 }],
    ['rabbitmq:4.1-management', { major: 4, minor: 1 }],
    ['warren.local/rabbitmq:3.10.8-debian-bookworm', { major: 3, minor: 10, patch: 8 }],
    ['registry:5000/team/rabbitmq:4.0.5', { major: 4, minor: 0, patch: 5 }],
    ['rabbitmq:4.0.5@sha256:abc', { major: 4, minor: 0, patch: 5 }],
  ])('%s names %o', (image, version) => expect(imageVersion(image)).toEqual(version));

  it.each(['rabbitmq', 'rabbitmq:latest', 'rabbitmq:management', 'registry:5000/rabbitmq', 'rabbitmq@sha256:abc'])(
    '%s names no version: the running one must be read from the cluster',
    (image) => expect(imageVersion(image)).toBeUndefined(),
  );
});

describe('judgeUpgrade', () => {
  it('allows a patch release and the next series, with what must be done first', () => {
    expect(judgeUpgrade(v('3.10.8'), v('3.10.25'))).toEqual({ kind: 'same-series' });
    const step = judgeUpgrade(v('3.13.7'), v('4.0.5'));
    expect(step.kind).toBe('step');
    expect(step.kind === 'step' && step.step.before).toMatch(/feature flags.*Khepri/);
    expect(judgeUpgrade(v('3.12.14'), v('3.13.0'))).toMatchObject({ kind: 'step', step: { before: '' } });
  });

  it("refuses the test images' pair, 3.10 → 4.0, naming every series between and the flags each needs", () => {
    const verdict = judgeUpgrade(v('3.10.8'), v('4.0.5'));
    expect(verdict.kind).toBe('refused');
    const reason = verdict.kind === 'refused' ? verdict.reason : '';
    expect(reason).toContain('3.11 → 3.12 → 3.13 → 4.0');
    expect(reason).toContain('on 3.11: enable all feature flags');
    expect(reason).toContain('blue/green');
  });

  it('refuses a downgrade, and a step from a patch release older than the table allows', () => {
    expect(judgeUpgrade(v('4.0.5'), v('3.13.7'))).toMatchObject({ kind: 'refused', reason: /downgrade/ });
    expect(judgeUpgrade(v('3.11.4'), v('3.12.0'))).toMatchObject({ kind: 'refused', reason: /3\.11\.18 or later/ });
    expect(judgeUpgrade(v('3.11.18'), v('3.12.0')).kind).toBe('step');
  });

  it('refuses a series the table does not reach, with blue/green as the way', () => {
    expect(judgeUpgrade(v('3.6.16'), v('3.8.0'))).toMatchObject({
      kind: 'refused',
      reason: /not a supported upgrade path/,
    });
  });

  it('has one step from each series, each to the next one', () => {
    const from = UPGRADE_STEPS.map((s) => s.from);
    expect(new Set(from).size).toBe(from.length);
    for (const [i, s] of UPGRADE_STEPS.entries()) if (i > 0) expect(s.from).toBe(UPGRADE_STEPS[i - 1]!.to);
  });
});
