import { connect } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createLogger } from '../../src/logger';
import { startGateway } from '../../src/webhook-gateway/main';
import { testGatewayConfig } from './support/gateway';
import { inboxRowsFor } from './support/inbox';
import { useIsolatedDatabase } from '../harness/isolated-database';
import { signWebhook, uniqueAuthyId, webhookClaims } from './support/signing';

const db = useIsolatedDatabase('gw');

describe('startGateway / graceful shutdown', () => {
  it('when close() is called while a delivery is in flight, then that delivery still completes and is recorded, and new connections are refused', async () => {
    const config = testGatewayConfig(db.url);
    const gateway = await startGateway(config, createLogger('silent'), {
      port: 0,
      admin: { port: 0 },
      connectTemporal: async () =>
        new Client({ connection: await Connection.connect({ address: config.temporal.address }) }),
    });
    const { port } = new URL(gateway.url);
    const authyId = uniqueAuthyId();
    const body = JSON.stringify({
      body: signWebhook(webhookClaims('device_registration_completed', authyId)),
    });

    // Headers and half the body now; the rest after shutdown has begun.
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    const closedSocket = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const requestSeen = new Promise<void>((resolve) => gateway.server.once('request', () => resolve()));
    socket.write(
      `POST /webhooks/authy HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 40)}`,
    );
    await requestSeen;

    const closing = gateway.close();
    const refused = await new Promise<string>((resolve) => {
      const late = connect(Number(port), '127.0.0.1');
      late.on('connect', () => {
        late.destroy();
        resolve('accepted');
      });
      late.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');

    // write, not end: a half-closed client socket makes Node abort the request by design.
    socket.write(body.slice(40));
    await closedSocket;
    await closing;
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(answer).toContain('{"status":"recorded"}');
    expect(await inboxRowsFor(db.pool, authyId)).toHaveLength(1);
  });

  it('when started on a migrated database, then it serves /healthz on the chosen port', async () => {
    const gateway = await startGateway(testGatewayConfig(db.url), createLogger('silent'), {
      port: 0,
      admin: { port: 0 },
      connectTemporal: () => Promise.reject(new Error('not needed')),
    });
    try {
      const response = await fetch(`${gateway.url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    } finally {
      await gateway.close();
    }
  });
});
