// Every warren:* stack setting is read through one schema (format/stack-config-schema.ts), the way the program
// reads it (Pulumi's text), and `warren validate --stack` reports what the program would refuse, at its place.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStackConfig, decodeSetting, settingsOfStackFile } from '../../src/check/check-stack-config.js';
import { STACK_SETTINGS } from '../../src/format/stack-settings.js';
import { ROOT, runCli } from '../support/run-cli.js';

describe('decodeSetting: a value as Pulumi hands it to the program', () => {
  it('reads booleans from their text, JSON settings as JSON, and leaves what does not read as text', () => {
    expect(decodeSetting('protectQueues', 'true')).toBe(true);
    expect(decodeSetting('syncTopology', 'false')).toBe(false);
    expect(decodeSetting('adopt', 'yes')).toBe('yes');
    expect(decodeSetting('allow', '{"recreate":["v/queue/a"]}')).toEqual({ recreate: ['v/queue/a'] });
    expect(decodeSetting('topology', 'topology/')).toBe('topology/');
    // A text setting stays text even when it would parse as JSON: a user named 123 is the string '123'.
    expect(decodeSetting('managementUser', '123')).toBe('123');
  });

  it("reads a stack file's values as Pulumi would hand them over, and never its secrets", () => {
    const settings = settingsOfStackFile({
      'warren:protectQueues': 'true',
      'warren:granularity': 'vhost',
      'warren:allow': { destroyNonEmpty: true },
      'warren:managementPassword': { secure: 'v1:abc' },
      'warren:kubeconfig': 'apiVersion: v1',
      'warren:orderServicePassword': { secure: 'v1:def' },
      'shop:overrides': {},
    });
    expect(settings).toEqual({
      'warren:protectQueues': true,
      'warren:granularity': 'vhost',
      'warren:allow': { destroyNonEmpty: true },
    });
  });
});

describe('checkStackConfig', () => {
  it('has a schema for every setting, and accepts each in its documented form', () => {
    const good = {
      'warren:topology': ['topology/'],
      'warren:overrides': { vhosts: {} },
      'warren:allow': {
        recreate: ['v/queue/a'],
        delete: ['v/queue/b'],
        migrate: ['v/queue/*'],
        destroyNonEmpty: true,
        scaleDownTo: 3,
        replaceCluster: false,
      },
      'warren:protectQueues': false,
      'warren:granularity': 'object',
      'warren:adopt': true,
      'warren:managementUrl': 'http://127.0.0.1:15672',
      'warren:managementUser': 'guest',
      'warren:managementTls': { caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem', insecure: false },
      'warren:cluster': { replicas: 3 },
      'warren:syncTopology': true,
    };
    const checked = Object.keys(good).map((k) => k.slice('warren:'.length));
    expect(checked.sort()).toEqual(
      Object.keys(STACK_SETTINGS)
        .filter((k) => STACK_SETTINGS[k as keyof typeof STACK_SETTINGS] !== 'secret')
        .sort(),
    );
    expect(checkStackConfig('s.yaml', good)).toEqual({ findings: [], config: good });
  });

  it('refuses each wrong setting with its code and pointer under /config', () => {
    const { findings, config } = checkStackConfig('s.yaml', {
      'warren:topology': [],
      'warren:allow': { recreate: 'v/queue/a', scaleDownTo: 0, recreat: [] },
      'warren:protectQueues': 'yes',
      'warren:granularity': 'vhosts',
      'warren:managementTls': { caFile: '' },
      'warren:other': 'a secret of a user, not ours',
    });
    expect(config).toBeUndefined();
    const got = findings.map((f) => `${f.code} ${f.pointer}`).sort();
    expect(got).toEqual(
      expect.arrayContaining([
        'invalid-value /config/warren:topology',
        'unknown-field /config/warren:allow/recreat',
        'wrong-type /config/warren:allow/recreate',
        'invalid-value /config/warren:allow/scaleDownTo',
        'wrong-type /config/warren:protectQueues',
        'invalid-value /config/warren:managementTls/caFile',
      ]),
    );
    expect(got.some((g) => g.endsWith('/config/warren:granularity'))).toBe(true);
    expect(got.some((g) => g.includes('warren:other'))).toBe(false);
  });
});

describe('warren validate --stack checks the settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warren-stack-config-'));
  const stack = join(dir, 'Pulumi.staging.yaml');

  it('reports each wrong setting at its FILE:LINE:COL, exit 1', () => {
    writeFileSync(
      stack,
      [
        'config:',
        '  warren:managementPassword:',
        '    secure: v1:AAAA',
        '  warren:granularity: vhosts',
        '  warren:protectQueues: "yes"',
        '  warren:allow:',
        '    recreat: [shop/queue/orders]',
        '',
      ].join('\n'),
    );
    const r = runCli(['validate', join(ROOT, 'topology'), '--stack', stack, '--format', 'json']);
    expect(r.code).toBe(1);
    const found = (JSON.parse(r.stdout) as { code: string; line: number; col: number; file: string }[])
      .filter((d) => d.file === stack)
      .map((d) => `${d.line}:${d.col} ${d.code}`);
    expect(found).toEqual(['4:23 invalid-value', '5:25 wrong-type', '7:5 unknown-field']);
  });

  it('passes a stack whose settings are right, booleans given as text included', () => {
    writeFileSync(stack, 'config:\n  warren:protectQueues: "true"\n  warren:granularity: object\n');
    const r = runCli(['validate', join(ROOT, 'topology'), '--stack', stack]);
    expect(r.stderr).not.toContain(stack);
    expect(r.code).toBe(0);
  });
});
