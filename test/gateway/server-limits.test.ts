import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Koa from 'koa';
import { closeGracefully, createGatewayServer } from '../../src/webhook-gateway/server';
import type { GatewayServerOptions } from '../../src/webhook-gateway/server';
import { waitFor } from '../harness/wait-for';

/** A server around a trivial app, listening on a free loopback port. */
async function listening(options: GatewayServerOptions): Promise<{ server: Server; port: number }> {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { status: 'ok' };
  });
  const server = createGatewayServer(app, options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Opens a raw connection and collects what the server sends until it closes it. */
function rawConnection(port: number): { socket: Socket; closed: Promise<string>; opened: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.on('error', () => undefined);
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  const opened = new Promise<void>((resolve) => socket.on('connect', () => resolve()));
  return { socket, closed, opened };
}

async function get(port: number): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  await response.arrayBuffer();
  return response.status;
}

describe('HTTP server limits (createGatewayServer)', () => {
  it('when the connection cap is reached, then further connections are closed unanswered until one frees up', async () => {
    const { server, port } = await listening({ maxConnections: 2 });
    try {
      const held = [rawConnection(port), rawConnection(port)];
      await Promise.all(held.map((c) => c.opened));
      // Both slots are taken by idle connections: a third is accepted by the kernel, then dropped.
      const third = rawConnection(port);
      third.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      expect(await third.closed).toBe('');

      held[0]!.socket.destroy();
      await held[0]!.closed;
      // The server frees the slot once it has seen the close.
      await waitFor(
        () => get(port),
        (status) => status === 200,
        { what: 'a free connection slot' },
      );
      held[1]!.socket.destroy();
    } finally {
      await closeGracefully(server, 100);
    }
  });

  it('when request headers trickle in slower than the headers timeout, then the server answers 408 and closes', async () => {
    const { server, port } = await listening({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    try {
      const slow = rawConnection(port);
      await slow.opened;
      slow.socket.write('POST /webhooks/authy HTTP/1.1\r\nHost: x\r\n');
      const started = Date.now();
      const answer = await slow.closed;
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('X-Content-Type-Options: nosniff');
      // Timeouts are enforced about every second; Node's default checks only every 30 s.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await closeGracefully(server, 100);
    }
  }, 20_000);
});
