import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A local port nothing listens on right now (bound, then released): for a server whose URL must be
 * known before it starts, or for a connection that must be refused.
 */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
