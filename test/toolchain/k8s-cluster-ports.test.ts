// Port picking (the first free port from a starting point, never one this run
// handed out), the probe it uses, and DIR/ports.env.
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ClusterError } from '../../scripts/k8s/log.js';
import { PORT_TRIES, pickPort, probePort } from '../../scripts/k8s/pick-port.js';
import { parsePorts, renderPorts } from '../../scripts/k8s/save-ports.js';

/** A probe that finds `busy` taken, recording what it was asked. */
function fakeProbe(busy: number[]) {
  const asked: string[] = [];
  const probe = async (host: string, port: number) => {
    asked.push(`${host}:${port}`);
    return !busy.includes(port);
  };
  return { probe, asked };
}

function listen(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
}

const portOf = (server: Server) => (server.address() as { port: number }).port;
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

describe('pickPort', () => {
  it('takes the first port the probe finds free and records it as handed out', async () => {
    const { probe, asked } = fakeProbe([23791, 23792]);
    const taken = new Set<number>();
    expect(await pickPort(23791, taken, '127.0.0.1', probe)).toBe(23793);
    expect(asked).toEqual(['127.0.0.1:23791', '127.0.0.1:23792', '127.0.0.1:23793']);
    expect([...taken]).toEqual([23793]);
  });

  it('never hands out a port twice in one run, without probing it again', async () => {
    const { probe, asked } = fakeProbe([]);
    const taken = new Set<number>();
    expect(await pickPort(64431, taken, '10.244.0.1', probe)).toBe(64431);
    expect(await pickPort(64431, taken, '10.244.0.1', probe)).toBe(64432);
    expect(asked).toEqual(['10.244.0.1:64431', '10.244.0.1:64432']);
  });

  it(`gives up after ${PORT_TRIES} ports with the range in the message`, async () => {
    const { probe, asked } = fakeProbe(Array.from({ length: 100 }, (_, i) => 10000 + i));
    const error = await pickPort(10000, new Set(), '127.0.0.1', probe).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as Error).message).toBe(`no free port in 10000..${10000 + PORT_TRIES - 1} on 127.0.0.1`);
    expect(asked).toHaveLength(PORT_TRIES);
  });

  it('stops with the reason when the probe cannot probe (an address this machine does not have)', async () => {
    const error = await pickPort(30000, new Set(), '192.0.2.1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as Error).message).toMatch(/^cannot probe 192\.0\.2\.1:30000: .*EADDRNOTAVAIL/);
  });

  it('skips a port a real listener holds', async () => {
    const server = await listen();
    const port = portOf(server);
    try {
      expect(await probePort('127.0.0.1', port)).toBe(false);
      const picked = await pickPort(port, new Set());
      expect(picked).toBeGreaterThan(port);
    } finally {
      await close(server);
    }
    expect(await probePort('127.0.0.1', port)).toBe(true);
  });
});

describe('ports.env', () => {
  const ports = {
    ETCD_PORT: 23791,
    ETCD_PEER_PORT: 23891,
    APISERVER_PORT: 64432,
    KCM_PORT: 64441,
    SCHEDULER_PORT: 64451,
  };

  it('is NAME=port lines that read back', () => {
    const text = renderPorts(ports);
    expect(text).toBe(
      'ETCD_PORT=23791\nETCD_PEER_PORT=23891\nAPISERVER_PORT=64432\nKCM_PORT=64441\nSCHEDULER_PORT=64451\n',
    );
    expect(parsePorts(text, 'ports.env')).toEqual(ports);
  });

  it.each([
    ['ETCD_PORT=23791\nAPISERVER_PORT=$(id)\n', 'ports.env line 2 is not NAME=port'],
    ['ETCD_PORT=70000\n', 'ports.env line 1 is not NAME=port'],
    ['OTHER_PORT=1\n', 'ports.env line 1 is not NAME=port'],
    ['ETCD_PORT=1\n', 'ports.env lacks ETCD_PEER_PORT, APISERVER_PORT, KCM_PORT, SCHEDULER_PORT'],
  ])('refuses %j, naming what is wrong', (text, message) => {
    expect(() => parsePorts(text, 'ports.env')).toThrow(message);
  });
});
