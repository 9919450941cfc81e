import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { ConfigError } from '../../src/config';
import { createPool } from '../../src/db/pool';
import { createLogger } from '../../src/logger';
import { startGateway } from '../../src/webhook-gateway/main';
import type { RunningGateway } from '../../src/webhook-gateway/main';
import { useIsolatedDatabase } from '../harness/isolated-database';
import { unusedPort } from '../harness/ports';
import { waitFor } from '../harness/wait-for';
import { startTestGateway, testGatewayConfig } from './support/gateway';
import { postJson, send } from './support/http';
import { signWebhook, uniqueAuthyId, webhookClaims } from './support/signing';
import { useForAll } from '../harness/lifecycle';

const TOKEN = randomBytes(32).toString('hex');
const log = createLogger(process.env.GATEWAY_TEST_LOG_LEVEL ?? 'silent', 'admin-listener-test');

const db = useIsolatedDatabase('gw');

/** Starts the real composition root on free ports, Temporal unreachable (not needed here). */
function start(
  env: Record<string, string> = {},
  admin: { host?: string } = {},
  port = 0,
): Promise<RunningGateway> {
  return startGateway(testGatewayConfig(db.url, env), log, {
    port,
    admin: { port: 0, ...admin },
    connectTemporal: () => Promise.reject(new Error('no Temporal in this test')),
    shutdownGraceMs: 1_000,
  });
}

/** This machine's first address that is not loopback: requests to it come from a non-loopback peer. */
function nonLoopbackAddress(): string {
  const addresses = Object.values(os.networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4');
  if (!addresses[0]) throw new Error('this test needs a non-loopback IPv4 interface (none found)');
  return addresses[0].address;
}

const ADMIN_PATHS = [
  '/dashboard',
  '/dashboard/api/stuck?olderThan=0s',
  '/dashboard/api/funnel',
  '/metrics',
  '/readyz',
];

describe('two listeners (startGateway)', () => {
  const gateway = useForAll(start);

  it('when the dashboard, its API, /metrics or /readyz is asked on the public port, then 404, with nosniff', async () => {
    for (const path of ADMIN_PATHS) {
      const response = await send(gateway.url, { method: 'GET', path });
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.json).toMatchObject({ error: { code: 'not_found' } });
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
    expect((await send(gateway.url, { method: 'GET', path: '/healthz' })).status).toBe(200);
  });

  it('when the admin port is asked from loopback and no token is configured, then it serves the dashboard, /metrics and /readyz', async () => {
    const page = await send(gateway.adminUrl, { method: 'GET', path: '/dashboard' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const metrics = await send(gateway.adminUrl, { method: 'GET', path: '/metrics' });
    expect(metrics.status).toBe(200);
    expect(metrics.text).toContain('gateway_http_requests_total');
    // Temporal is unreachable in this test: /readyz answers, and says not ready.
    const ready = await send(gateway.adminUrl, { method: 'GET', path: '/readyz' });
    expect(ready.status).toBe(503);
    expect(ready.json).toMatchObject({ checks: { postgres: 'ok', temporal: 'unreachable' } });
    for (const answer of [page, metrics, ready]) {
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('when the admin port is asked for a webhook route, then 404: deliveries are only taken on the public port', async () => {
    const response = await postJson(gateway.adminUrl, '/webhooks/authy', {
      body: signWebhook(webhookClaims('device_registration_completed', uniqueAuthyId())),
    });
    expect(response.status).toBe(404);
  });

  it('when dashboard queries are stuck on a lock, then webhook intake still records at once (the dashboard has its own pool)', async () => {
    const locker = createPool(db.url, { max: 1 });
    const client = await locker.connect();
    try {
      // Every funnel query now waits on this lock, holding a connection of the dashboard's own pool.
      await client.query('BEGIN');
      await client.query('LOCK TABLE onboarding_stage_history IN ACCESS EXCLUSIVE MODE');
      let dashboardSettled = 0;
      const dashboard = Array.from({ length: 6 }, (_, i) =>
        send(gateway.adminUrl, {
          method: 'GET',
          path: `/dashboard/api/funnel?from=2025-0${i + 1}-01&to=2025-0${i + 1}-20`,
        }).finally(() => (dashboardSettled += 1)),
      );
      await waitForLockWaiters(2);

      const authyId = uniqueAuthyId();
      const started = performance.now();
      const delivery = await postJson(gateway.url, '/webhooks/authy', {
        body: signWebhook(webhookClaims('device_registration_completed', authyId)),
      });
      const intakeMs = performance.now() - started;
      expect(delivery.status).toBe(200);
      expect(delivery.json).toEqual({ status: 'recorded' });
      expect(dashboardSettled).toBe(0); // intake did not wait for the dashboard
      log.info({ intakeMs }, 'intake latency with the dashboard pool exhausted');

      await client.query('COMMIT');
      const answers = await Promise.all(dashboard);
      for (const answer of answers) expect([200, 503]).toContain(answer.status);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
      await locker.end();
    }
  });
});

/** Waits until at least `count` dashboard queries wait on a lock (read outside the locking transaction). */
async function waitForLockWaiters(count: number): Promise<void> {
  await waitFor(
    async () => {
      const { rows } = await db.pool.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and application_name = 'twofold-dashboard'`,
      );
      return rows[0]?.n ?? 0;
    },
    (waiting) => waiting >= count,
    { what: `${count} dashboard queries waiting on the lock` },
  );
}

describe('the admin listener beyond loopback', () => {
  it('when it would listen beyond loopback without TWOFOLD_ADMIN_TOKEN, then the gateway refuses to start, naming the variable', async () => {
    const port = await unusedPort();
    const refused = await start({}, { host: '0.0.0.0' }, port).then(
      async (gateway) => {
        await gateway.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).problems.map((p) => p.variable)).toEqual(['TWOFOLD_ADMIN_TOKEN']);
    // Nothing was left listening.
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => 'refused')).toBe('refused');
  });

  it('when TWOFOLD_ADMIN_TOKEN is shorter than 32 characters, then the configuration is refused', () => {
    expect(() => testGatewayConfig(db.url, { TWOFOLD_ADMIN_TOKEN: 'short-token' })).toThrow(
      /TWOFOLD_ADMIN_TOKEN: too short/,
    );
  });

  describe('with a token, listening on every interface', () => {
    let gateway: RunningGateway;
    let remoteAdminUrl: string;
    beforeAll(async () => {
      gateway = await start({ TWOFOLD_ADMIN_TOKEN: TOKEN }, { host: '0.0.0.0' });
      remoteAdminUrl = `http://${nonLoopbackAddress()}:${new URL(gateway.adminUrl).port}`;
    });
    afterAll(async () => {
      await gateway.close();
    });

    it('when a non-loopback peer asks without the token, or with a wrong one, then 401 with a generic body', async () => {
      const attempts: Record<string, string>[] = [
        {},
        { authorization: `Bearer ${TOKEN.slice(0, -1)}x` },
        { authorization: `Bearer ${TOKEN}${TOKEN}` },
        { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` },
      ];
      for (const headers of attempts) {
        for (const path of ADMIN_PATHS) {
          const response = await send(remoteAdminUrl, { method: 'GET', path, headers });
          expect([path, response.status]).toEqual([path, 401]);
          expect(response.json).toEqual({
            error: { code: 'unauthorized', message: 'authentication required' },
          });
          expect(response.headers['www-authenticate']).toBe('Bearer realm="twofold-admin"');
          expect(response.headers['x-content-type-options']).toBe('nosniff');
          expect(response.text).not.toContain('gateway_');
        }
      }
    });

    it('when a token is configured, then even a loopback peer needs it', async () => {
      const response = await send(`http://127.0.0.1:${new URL(gateway.adminUrl).port}`, {
        method: 'GET',
        path: '/metrics',
      });
      expect(response.status).toBe(401);
    });

    it('when a non-loopback peer sends the right bearer token, then it is served', async () => {
      const headers = { authorization: `Bearer ${TOKEN}` };
      const metrics = await send(remoteAdminUrl, { method: 'GET', path: '/metrics', headers });
      expect(metrics.status).toBe(200);
      expect(metrics.text).toContain('gateway_http_requests_total');
      const page = await send(remoteAdminUrl, { method: 'GET', path: '/dashboard', headers });
      expect(page.status).toBe(200);
    });
  });
});

describe('the admin app without a token, reachable beyond loopback (as a misconfigured proxy would make it)', () => {
  it('when a non-loopback peer asks, then 401; a loopback peer is served', async () => {
    const gateway = await startTestGateway({ pool: db.pool, adminHost: '0.0.0.0' });
    try {
      const port = new URL(gateway.adminUrl).port;
      const remote = await send(`http://${nonLoopbackAddress()}:${port}`, {
        method: 'GET',
        path: '/metrics',
      });
      expect(remote.status).toBe(401);
      expect(remote.json).toEqual({ error: { code: 'unauthorized', message: 'authentication required' } });
      const local = await send(`http://127.0.0.1:${port}`, { method: 'GET', path: '/metrics' });
      expect(local.status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});

describe('webhook JWT age and the inbox retention', () => {
  it('when AUTHY_WEBHOOK_MAX_AGE_SECONDS is longer than the inbox retention, then the gateway refuses to start', async () => {
    const refused = await startGateway(
      testGatewayConfig(db.url, { AUTHY_WEBHOOK_MAX_AGE_SECONDS: String(3 * 86_400) }),
      log,
      {
        port: 0,
        admin: { port: 0 },
        dispatcher: { inboxRetentionMs: 2 * 86_400_000 },
        connectTemporal: () => Promise.reject(new Error('unused')),
      },
    ).then(
      async (gateway) => {
        await gateway.close();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).message).toMatch(
      /AUTHY_WEBHOOK_MAX_AGE_SECONDS: longer than the inbox retention/,
    );
  });
});
