import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { DbPool } from '../../../src/db/pool';
import { loadConfig } from '../../../src/config';
import type { Config } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { createAdminApp } from '../../../src/webhook-gateway/admin-app';
import { createApp } from '../../../src/webhook-gateway/app';
import type { GatewayApp, GatewayAppOptions } from '../../../src/webhook-gateway/app';
import { createDispatcher } from '../../../src/webhook-gateway/dispatcher';
import type { Dispatcher, DispatcherOptions } from '../../../src/webhook-gateway/dispatcher';
import type { WebhookSigningKeys } from '../../../src/webhook-gateway/jwt-verification';
import { createGatewayMetrics } from '../../../src/webhook-gateway/metrics';
import { closeGracefully, createGatewayServer } from '../../../src/webhook-gateway/server';
import { createWorkflowSignaller } from '../../../src/webhook-gateway/workflow-signaller';
import type { WorkflowSignaller } from '../../../src/webhook-gateway/workflow-signaller';
import { createIsolatedDatabase } from '../../harness/isolated-database';
import type { IsolatedDatabase } from '../../harness/isolated-database';
import { forwardTo, openForAll } from '../../harness/lifecycle';
import { API_KEY, PUBLIC_URL, WEBHOOK_KEY } from './signing';

/**
 * The configuration of the real composition root (`startGateway`) over `databaseUrl` with the test
 * keys; `env` adds or overrides variables.
 */
export function testGatewayConfig(databaseUrl: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    AUTHY_API_URL: 'http://127.0.0.1:4010',
    AUTHY_API_KEY: API_KEY,
    AUTHY_WEBHOOK_SIGNING_KEY: WEBHOOK_KEY,
    GATEWAY_PUBLIC_URL: PUBLIC_URL,
    ...env,
  });
}

/** Dispatcher timings that keep tests fast. */
export const FAST_DISPATCH: Partial<DispatcherOptions> = {
  pollIntervalMs: 100,
  retryBaseMs: 50,
  retryMaxMs: 250,
  leaseMs: 10_000,
  backlogIntervalMs: 0,
};

export interface TestGatewayOptions {
  pool: DbPool;
  /** How the gateway reaches Temporal; default: fails (tests that signal pass a real client). */
  connectTemporal?: () => Promise<Client>;
  /** Start the background dispatcher loop (nudged after each insert); default false. */
  dispatch?: boolean;
  dispatcher?: Partial<DispatcherOptions>;
  app?: GatewayAppOptions;
  /** Default: the test key; pass `undefined` explicitly for "not configured". */
  webhookKeys?: WebhookSigningKeys | undefined;
  apiKey?: string;
  publicUrl?: string;
  /** Listen port (default 0, a free one). */
  port?: number;
  /** TWOFOLD_ADMIN_TOKEN of the admin listener (default none: loopback peers only). */
  adminToken?: string;
  /** Admin listener address (default 127.0.0.1; port always a free one). */
  adminHost?: string;
}

/** The apps built by `createApp` and `createAdminApp`, each listening on a free port, with the dispatcher. */
export interface TestGateway {
  /** The public listener: webhook routes and /healthz. */
  url: string;
  /** The admin listener: /readyz and /metrics (no dashboard here; see test/dashboard). */
  adminUrl: string;
  app: GatewayApp;
  dispatcher: Dispatcher;
  signaller: WorkflowSignaller;
  close(): Promise<void>;
}

/** Starts the gateway app in-process on 127.0.0.1:0 with test keys. */
export async function startTestGateway(options: TestGatewayOptions): Promise<TestGateway> {
  const log = createLogger(process.env.GATEWAY_TEST_LOG_LEVEL ?? 'silent', 'gateway-test');
  const metrics = createGatewayMetrics({ defaultMetrics: false });
  const signaller = createWorkflowSignaller(
    options.connectTemporal ?? (() => Promise.reject(new Error('no Temporal in this test'))),
    { callTimeoutMs: 3_000 },
  );
  const dispatcher = createDispatcher(
    { pool: options.pool, signaller, log, metrics },
    { ...FAST_DISPATCH, ...options.dispatcher },
  );
  const app = createApp({
    pool: options.pool,
    log,
    metrics,
    webhookKeys: 'webhookKeys' in options ? options.webhookKeys : { current: WEBHOOK_KEY },
    apiKey: options.apiKey ?? API_KEY,
    publicUrl: options.publicUrl ?? PUBLIC_URL,
    onRecorded: () => dispatcher.nudge(),
    ...(options.app ? { options: options.app } : {}),
  });
  const adminApp = createAdminApp({
    log,
    access: { token: options.adminToken },
    readiness: { pool: options.pool, signaller },
    metrics,
  });
  const server = createGatewayServer(app);
  const adminServer = createGatewayServer(adminApp);
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const adminHost = options.adminHost ?? '127.0.0.1';
  await new Promise<void>((resolve) => adminServer.listen(0, adminHost, resolve));
  if (options.dispatch) dispatcher.start();
  const { port } = server.address() as AddressInfo;
  const { port: adminPort } = adminServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    adminUrl: `http://${adminHost === '0.0.0.0' ? '127.0.0.1' : adminHost}:${adminPort}`,
    app,
    dispatcher,
    signaller,
    async close() {
      await Promise.all([closeGracefully(server, 1_000), closeGracefully(adminServer, 1_000)]);
      await dispatcher.stop();
      await signaller.close();
    },
  };
}

/**
 * For the tests of the calling describe block: a database of their own (dispatchers claim every due
 * row they see) and a test gateway on it with `options`, started before them; after them the gateway
 * is closed and the database dropped.
 */
export function useGatewayOnOwnDatabase(options: Omit<TestGatewayOptions, 'pool'> = {}): {
  db: Omit<IsolatedDatabase, 'drop'>;
  gateway: TestGateway;
} {
  const opened = openForAll(
    async () => {
      const db = await createIsolatedDatabase('gw');
      return { db, gateway: await startTestGateway({ ...options, pool: db.pool }) };
    },
    async ({ db, gateway }) => {
      await gateway.close();
      await db.drop();
    },
  );
  return { db: forwardTo(() => opened().db), gateway: forwardTo(() => opened().gateway) };
}

/** The gateway's verification-failure counter for one route and reason. */
export async function verificationFailures(
  gateway: TestGateway,
  route: string,
  reason: string,
): Promise<number> {
  const metric = await gateway.app.metrics.verificationFailures.get();
  return metric.values.find((v) => v.labels.reason === reason && v.labels.route === route)?.value ?? 0;
}
