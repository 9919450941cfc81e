import { createLogger } from '../../src/logger';
import type { DbPool } from '../../src/db/pool';
import type { Client } from '@temporalio/client';
import { createApp } from '../../src/webhook-gateway/app';
import type { GatewayApp } from '../../src/webhook-gateway/app';
import { createDispatcher } from '../../src/webhook-gateway/dispatcher';
import { createGatewayMetrics } from '../../src/webhook-gateway/metrics';
import { closeGracefully, createGatewayServer } from '../../src/webhook-gateway/server';
import { createWorkflowSignaller } from '../../src/webhook-gateway/workflow-signaller';
import { DEV_TWILIO_AUTH_TOKEN } from '../../src/shared/dev-keys';
import type { WebhookSigningKeys } from '../../src/webhook-gateway/jwt-verification';
import type { AuthyEmulatorOptions } from '../../src/authy-emulator';
import type { VerifyFactorType } from '../../src/second-factor/provider';
import { createIsolatedDatabase } from '../harness/isolated-database';
import type { IsolatedDatabase } from '../harness/isolated-database';
import { unusedPort } from '../harness/ports';
import { createVerifyOnboardingHarness } from './harness';
import type { VerifyOnboardingHarness } from './harness';

/** The public gateway app with the Verify route keyed by `authToken`, its dispatcher running, on a free port. */
export interface VerifyTestGateway {
  url: string;
  app: GatewayApp;
  close(): Promise<void>;
}

export async function startVerifyGateway(options: {
  pool: DbPool;
  connectTemporal: () => Promise<Client>;
  authToken?: string;
  /** Listen port (default a free one): the public URL is http://127.0.0.1:<port>. */
  port?: number;
  /** Authy webhook JWT keys and the OneTouch API key, for a gateway serving both providers. */
  webhookKeys?: WebhookSigningKeys;
  apiKey?: string;
}): Promise<VerifyTestGateway> {
  const log = createLogger(process.env.GATEWAY_TEST_LOG_LEVEL ?? 'silent', 'verify-gateway-test');
  const metrics = createGatewayMetrics({ defaultMetrics: false });
  const signaller = createWorkflowSignaller(options.connectTemporal, { callTimeoutMs: 3_000 });
  const dispatcher = createDispatcher(
    { pool: options.pool, signaller, log, metrics },
    { pollIntervalMs: 100, retryBaseMs: 50, retryMaxMs: 250, leaseMs: 10_000, backlogIntervalMs: 0 },
  );
  const port = options.port ?? (await unusedPort());
  const url = `http://127.0.0.1:${port}`;
  const app = createApp({
    pool: options.pool,
    log,
    metrics,
    webhookKeys: options.webhookKeys,
    apiKey: options.apiKey ?? '',
    publicUrl: url,
    twilioAuthToken: options.authToken ?? DEV_TWILIO_AUTH_TOKEN,
    onRecorded: () => dispatcher.nudge(),
  });
  const server = createGatewayServer(app);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  dispatcher.start();
  return {
    url,
    app,
    async close() {
      await closeGracefully(server, 1_000);
      await dispatcher.stop();
      await signaller.close();
    },
  };
}

/**
 * A file's own migrated database, a Verify onboarding harness whose worker records into it, and a
 * Verify gateway whose inbox is in it (its dispatcher claims only this file's deliveries).
 */
export interface VerifyGatewayStack {
  db: IsolatedDatabase;
  h: VerifyOnboardingHarness;
  gateway: VerifyTestGateway;
  /** Closes the gateway and the harness, then drops the database. */
  close(): Promise<void>;
}

export async function startVerifyGatewayStack(options: {
  /** Names the isolated database. */
  databaseLabel: string;
  /** Listen port of the gateway (default a free one). */
  port?: number;
  harness?: { defaultFactorType?: VerifyFactorType; emulator?: AuthyEmulatorOptions };
  /**
   * Runs once the worker runs and before the gateway starts (e.g. registers webhooks); returns the
   * Authy keys of a gateway that serves both providers.
   */
  beforeGateway?: (
    h: VerifyOnboardingHarness,
  ) => Promise<{ webhookKeys: WebhookSigningKeys; apiKey: string }>;
}): Promise<VerifyGatewayStack> {
  const db = await createIsolatedDatabase(options.databaseLabel);
  const h = await createVerifyOnboardingHarness({ ...options.harness, pool: db.pool });
  const authy = options.beforeGateway ? await options.beforeGateway(h) : {};
  const gateway = await startVerifyGateway({
    pool: db.pool,
    connectTemporal: () => h.temporal.connectOwnClient(),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...authy,
  });
  return {
    db,
    h,
    gateway,
    async close() {
      try {
        await gateway.close();
        await h.close();
      } finally {
        await db.drop();
      }
    },
  };
}
