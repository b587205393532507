// A local HTTP server standing in for RabbitMQ's management API, started once
// per test file: `respond` answers each request as the test needs. The address
// is known once the server listens (before the file's tests run).
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';

export function standInApi(respond: RequestListener): { readonly url: string } {
  let server: Server;
  const api = { url: '' };
  beforeAll(async () => {
    server = createServer(respond);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  return api;
}
