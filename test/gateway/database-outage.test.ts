import { randomUUID } from 'node:crypto';
import { createPool } from '../../src/db/pool';
import type { DbPool } from '../../src/db/pool';
import { connectTemporal } from '../harness/temporal';
import { startTestGateway } from './support/gateway';
import type { TestGateway } from './support/gateway';
import { postJson, send } from './support/http';
import { inboxRowsFor } from './support/inbox';
import { useIsolatedDatabase } from '../harness/isolated-database';
import { useForAll } from '../harness/lifecycle';
import { oneTouchBody, oneTouchHeaders, signWebhook, uniqueAuthyId, webhookClaims } from './support/signing';
import { seedRunningOnboarding, signalsOf, terminateSignalTargets } from './support/targets';
import { unusedPort } from '../harness/ports';

let deadPool: DbPool;
let gateway: TestGateway;
// afterAll hooks run in the order they are declared: these go before Temporal and the database close.
afterAll(async () => {
  await terminateSignalTargets();
  await gateway.close();
  await deadPool.end();
});
const temporal = useForAll(connectTemporal);
const db = useIsolatedDatabase('gw');

beforeAll(async () => {
  deadPool = createPool(`postgres://twofold:twofold@127.0.0.1:${await unusedPort()}/twofold`, { max: 2 });
  gateway = await startTestGateway({
    pool: deadPool,
    connectTemporal: () => temporal.connectOwnClient(),
    dispatch: true,
  });
});

describe('PostgreSQL unavailable', () => {
  it('when a valid delivery cannot be recorded, then it answers 503 with Retry-After and nothing is signalled', async () => {
    const authyId = uniqueAuthyId();
    const target = await seedRunningOnboarding(temporal.client, db.pool, authyId);

    const response = await postJson(gateway.url, '/webhooks/authy', {
      body: signWebhook(webhookClaims('device_registration_completed', authyId)),
    });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json).toEqual({ error: { code: 'unavailable', message: expect.any(String) as unknown } });

    // Signals only ever come from inbox rows: none exists, and a dispatcher on the real database
    // finds nothing to deliver.
    expect(await inboxRowsFor(db.pool, authyId)).toEqual([]);
    const healthy = await startTestGateway({ pool: db.pool });
    try {
      expect(await healthy.dispatcher.runOnce()).toBe(0);
    } finally {
      await healthy.close();
    }
    expect(await signalsOf(target.handle)).toEqual([]);
  });

  it('when a valid OneTouch callback cannot be recorded, then it answers 503 (its replay key is not kept either)', async () => {
    const body = oneTouchBody(uniqueAuthyId(), randomUUID(), 'approved');
    const headers = oneTouchHeaders(body);
    const response = await postJson(gateway.url, '/webhooks/authy/onetouch', body, headers);
    expect(response.status).toBe(503);
    const { rows } = await db.pool.query('SELECT 1 FROM onetouch_callback_replays WHERE signature = $1', [
      headers['x-authy-signature'],
    ]);
    expect(rows).toEqual([]);
  });

  it('when the delivery is not authentic, then it is still 401 (verification needs no database)', async () => {
    const response = await postJson(gateway.url, '/webhooks/authy', {
      body: signWebhook(webhookClaims('user_added', uniqueAuthyId()), 'WSK_wrong'),
    });
    expect(response.status).toBe(401);
  });

  it('when /readyz is asked, then it answers 503 naming postgres', async () => {
    const response = await send(gateway.adminUrl, { method: 'GET', path: '/readyz' });
    expect(response.status).toBe(503);
    expect(response.json).toMatchObject({
      error: { code: 'unavailable' },
      checks: { postgres: 'unreachable', temporal: 'ok' },
    });
  });

  it('when /healthz is asked, then the process is alive regardless', async () => {
    expect((await send(gateway.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
  });
});
