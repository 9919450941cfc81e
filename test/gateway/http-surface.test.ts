import { connect } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { useGatewayOnOwnDatabase } from './support/gateway';
import { postJson, send } from './support/http';
import { signWebhook, uniqueAuthyId, webhookClaims } from './support/signing';

const { gateway } = useGatewayOnOwnDatabase({
  connectTemporal: async () =>
    new Client({
      connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }),
    }),
});

/** Writes raw bytes to the gateway and returns everything it answers. */
function rawExchange(payload: string): Promise<string> {
  const { port } = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(payload));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('health, readiness and errors', () => {
  it('when /healthz is asked, then it answers 200 ok', async () => {
    const response = await send(gateway.url, { method: 'GET', path: '/healthz' });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ok' });
  });

  it('when PostgreSQL and Temporal both answer, then /readyz is 200 ready', async () => {
    const response = await send(gateway.adminUrl, { method: 'GET', path: '/readyz' });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ready', checks: { postgres: 'ok', temporal: 'ok' } });
  });

  it('when a path has no route, then 404 with the JSON error body', async () => {
    const response = await send(gateway.url, { method: 'GET', path: '/webhooks/other' });
    expect(response.status).toBe(404);
    expect(response.json).toEqual({
      error: { code: 'not_found', message: 'no route for GET /webhooks/other' },
    });
  });

  it('when a route is called with the wrong method, then 405 with Allow and the JSON error body', async () => {
    const response = await send(gateway.url, { method: 'PUT', path: '/webhooks/authy' });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(response.json).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('when the HTTP framing itself is malformed, then the answer is still a JSON 400', async () => {
    const answer = await rawExchange('NOT-HTTP\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({
      error: { code: 'bad_request', message: 'malformed HTTP request' },
    });
  });
});

describe('GET /metrics', () => {
  it('when deliveries were answered, then requests, verification failures, lag and backlog are exposed without personal data', async () => {
    const authyId = uniqueAuthyId();
    const claims = webhookClaims('user_phone_changed', authyId, {
      phone_change: { new_phone_number: '+1 202 555 0188' },
    });
    expect((await postJson(gateway.url, '/webhooks/authy', { body: signWebhook(claims) })).status).toBe(200);
    expect(
      (await postJson(gateway.url, '/webhooks/authy', { body: signWebhook(claims, 'WSK_wrong') })).status,
    ).toBe(401);
    await gateway.dispatcher.runOnce();

    const response = await send(gateway.adminUrl, { method: 'GET', path: '/metrics' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    const text = response.text;
    expect(text).toContain(
      'gateway_http_requests_total{route="/webhooks/authy",method="POST",status="200"} 1',
    );
    expect(text).toContain(
      'gateway_verification_failures_total{route="/webhooks/authy",reason="bad_signature"} 1',
    );
    expect(text).toContain(
      'gateway_deliveries_recorded_total{source="webhook",event="user_phone_changed",outcome="recorded"} 1',
    );
    expect(text).toMatch(/^gateway_inbox_pending \d+$/m);
    expect(text).toContain('# TYPE gateway_delivery_lag_seconds histogram');
    for (const secret of [authyId, String(claims.id), '0188', 'WSK_']) expect(text).not.toContain(secret);
  });
});
