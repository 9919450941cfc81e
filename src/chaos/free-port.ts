import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A local port nothing listens on right now (bound, then released), for a service started later. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * A local port in [min, max] nothing listens on right now, picked at random (bound, then released):
 * for a service whose ports must stay in a range, as the postgres backend's Temporal server's do.
 */
export async function freePortBetween(min: number, max: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const candidate = min + Math.floor(Math.random() * (max - min + 1));
    if (await canListen(candidate)) return candidate;
  }
  throw new Error(`no free port between ${min} and ${max} after 200 tries`);
}

function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
