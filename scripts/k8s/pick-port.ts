// A port is picked for a component right before it starts, never all of them up
// front: a pick only says that nothing could bind the port at that moment. Until
// the component binds it, another program, or a second cluster starting at the
// same time, can take it; the component then exits with "address already in
// use", and waitFor (through relaunchIfPortTaken) starts it again on the next
// free port.
import { createServer } from 'node:net';
import { fail, reason } from './log.js';

/** How many ports from the starting point are tried. */
export const PORT_TRIES = 50;
const PROBE_TIMEOUT_MS = 2000;

export type PortProbe = (host: string, port: number) => Promise<boolean>;

/**
 * Whether `port` on `host` can be bound now: a listen and close, as the
 * component will listen (Go sets SO_REUSEADDR, as Node does, so a connection in
 * TIME_WAIT does not count as taken, and neither does it for the component).
 */
export const probePort: PortProbe = (host, port) =>
  new Promise((resolve, reject) => {
    const server = createServer();
    const timer = setTimeout(() => {
      server.close();
      reject(new Error(`probing ${host}:${port} took over ${PROBE_TIMEOUT_MS} ms`));
    }, PROBE_TIMEOUT_MS);
    server.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    });
    server.listen({ host, port, exclusive: true }, () => {
      clearTimeout(timer);
      server.close(() => resolve(true));
    });
  });

/**
 * The first port from `first` on that `probe` finds free and that is not in
 * `taken` (the ports this run handed out, which may not be bound yet). The
 * default starting points are 10 apart (etcd's two 100), closer than the ports
 * searched, so the ranges overlap and `taken` keeps the picks apart. The pick
 * is added to `taken`.
 */
export async function pickPort(
  first: number,
  taken: Set<number>,
  host = '127.0.0.1',
  probe: PortProbe = probePort,
): Promise<number> {
  const end = first + PORT_TRIES;
  for (let port = first; port < end && port <= 65535; port++) {
    if (taken.has(port)) continue;
    let free: boolean;
    try {
      free = await probe(host, port);
    } catch (error) {
      fail(`cannot probe ${host}:${port}: ${reason(error)}`);
    }
    if (free) {
      taken.add(port);
      return port;
    }
  }
  fail(`no free port in ${first}..${end - 1} on ${host}`);
}
