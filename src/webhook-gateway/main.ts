import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { ConfigError } from '../config';
import type { Config } from '../config';
import { createDashboardRouter, createLazyTemporalClient, createResponseCache } from '../dashboard';
import { createDashboardPool } from '../db/dashboard-pool';
import { assertSchemaCurrent } from '../db/migrate';
import { createPool, warmPool } from '../db/pool';
import type { Logger } from '../logger';
import { connectClient } from '../temporal/connection';
import { createAdminApp } from './admin-app';
import { adminListenerRefusal } from './admin-auth';
import { createApp } from './app';
import type { GatewayAppOptions } from './app';
import { DEFAULT_DISPATCHER_OPTIONS, createDispatcher } from './dispatcher';
import type { DispatcherOptions } from './dispatcher';
import { createGatewayMetrics } from './metrics';
import { closeGracefully, createGatewayServer } from './server';
import type { GatewayServerOptions } from './server';
import { createWorkflowSignaller } from './workflow-signaller';

/** Overrides for {@link startGateway}; everything else comes from the validated config. */
export interface StartGatewayOptions {
  /** Public listen port; default `config.gateway.port` (0 picks a free one). */
  port?: number;
  host?: string;
  /** Admin listener overrides; default `config.admin` (port 0 picks a free one). */
  admin?: { port?: number; host?: string };
  app?: GatewayAppOptions;
  /** Limits of the public listener's HTTP server (connections, timeouts). */
  server?: GatewayServerOptions;
  dispatcher?: Partial<DispatcherOptions>;
  /** How Temporal is reached; default `connectClient(config.temporal)`. Tests inject outages here. */
  connectTemporal?: () => Promise<Client>;
  /** Give in-flight requests this long to finish on shutdown before connections are cut (default 10 s). */
  shutdownGraceMs?: number;
}

/** A listening gateway: its two URLs and an orderly `close()`. */
export interface RunningGateway {
  /** The public listener: webhook routes and `/healthz`. */
  url: string;
  server: Server;
  /** The admin listener: dashboard, `/metrics`, `/readyz`. */
  adminUrl: string;
  adminServer: Server;
  close(): Promise<void>;
}

/** Longest any intake or dispatcher statement may run before PostgreSQL cancels it. */
export const GATEWAY_STATEMENT_TIMEOUT_MS = 15_000;

/** Connections of the gateway's intake and dispatcher pool, all kept open (the dashboard has its own). */
const GATEWAY_POOL_SIZE = 20;

/** The admin listener serves a few operators: a small connection cap keeps a flood off the process. */
const ADMIN_SERVER_OPTIONS: GatewayServerOptions = { maxConnections: 64 };

function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const { address, port: bound } = server.address() as AddressInfo;
      resolve(`http://${address.includes(':') ? `[${address}]` : address}:${bound}`);
    });
  });
}

/** Refuses settings that would open the gateway to abuse, before anything starts. */
function assertSafeSettings(config: Config, adminHost: string, inboxRetentionMs: number): void {
  const refusal = adminListenerRefusal(adminHost, config.admin.token);
  if (refusal) throw new ConfigError([{ variable: 'TWOFOLD_ADMIN_TOKEN', message: refusal }]);
  const maxAgeMs = config.gateway.webhookMaxAgeSeconds * 1000;
  if (maxAgeMs > inboxRetentionMs) {
    throw new ConfigError([
      {
        variable: 'AUTHY_WEBHOOK_MAX_AGE_SECONDS',
        message:
          `longer than the inbox retention (${inboxRetentionMs / 86_400_000} days): a delivery could ` +
          'be replayed once its inbox row is pruned; lower it or raise --inbox-retention',
      },
    ]);
  }
}

/**
 * Composition root of the gateway: PostgreSQL pools (intake, and the dashboard's own small one),
 * the schema check (every migration applied, else `SchemaBehindError`), a lazily connected
 * Temporal client, the dispatcher, and two HTTP servers: the public
 * one Twilio calls (webhooks and `/healthz`) and the admin one (dashboard, `/metrics`, `/readyz`),
 * loopback unless configured otherwise and then behind a bearer token. The gateway records
 * deliveries even while Temporal is down. `close()` stops accepting, lets in-flight requests
 * finish, stops the dispatcher, then closes the Temporal connections and the pools.
 */
export async function startGateway(
  config: Config,
  log: Logger,
  options: StartGatewayOptions = {},
): Promise<RunningGateway> {
  const adminHost = options.admin?.host ?? config.admin.host;
  assertSafeSettings(
    config,
    adminHost,
    options.dispatcher?.inboxRetentionMs ?? DEFAULT_DISPATCHER_OPTIONS.inboxRetentionMs,
  );
  // Webhook intake writes one statement at a time; a statement stuck on a lock must not stall it
  // for long (deliveries meanwhile answer 503 after 5 s and are retried by the sender). Every
  // connection stays open: a burst of deliveries after a quiet spell would otherwise wait for
  // PostgreSQL to set up a connection per parallel delivery.
  const pool = createPool(config.databaseUrl, {
    max: GATEWAY_POOL_SIZE,
    minConnections: GATEWAY_POOL_SIZE,
    statementTimeoutMs: GATEWAY_STATEMENT_TIMEOUT_MS,
  });
  try {
    await assertSchemaCurrent(config.databaseUrl);
  } catch (error) {
    await pool.end();
    throw error;
  }
  await warmPool(pool);
  const dashboardPool = createDashboardPool(config.databaseUrl);
  const signaller = createWorkflowSignaller(
    options.connectTemporal ?? (() => connectClient(config.temporal)),
  );
  const dashboardTemporal = createLazyTemporalClient(
    options.connectTemporal ?? (() => connectClient(config.temporal)),
  );
  const metrics = createGatewayMetrics();
  const dispatcher = createDispatcher({ pool, signaller, log, metrics }, options.dispatcher);
  const { webhookSigningKey, webhookSigningKeyPrevious } = config.authy;
  if (!webhookSigningKey) log.warn('AUTHY_WEBHOOK_SIGNING_KEY is unset: webhook deliveries will get 503');
  const app = createApp({
    pool,
    log,
    metrics,
    webhookKeys: webhookSigningKey
      ? {
          current: webhookSigningKey,
          ...(webhookSigningKeyPrevious ? { previous: webhookSigningKeyPrevious } : {}),
        }
      : undefined,
    apiKey: config.authy.apiKey,
    publicUrl: config.gateway.publicUrl,
    twilioAuthToken: config.verify.authToken,
    onRecorded: () => dispatcher.nudge(),
    options: { webhookMaxAgeSeconds: config.gateway.webhookMaxAgeSeconds, ...options.app },
  });
  const adminApp = createAdminApp({
    log,
    access: { token: config.admin.token },
    readiness: { pool, signaller },
    metrics,
    dashboard: createDashboardRouter({
      pool: dashboardPool,
      log,
      temporal: dashboardTemporal.get,
      uiUrl: config.temporal.uiUrl,
      namespace: config.temporal.namespace,
      cache: createResponseCache(),
    }),
  });

  const server = createGatewayServer(app, options.server);
  const adminServer = createGatewayServer(adminApp, ADMIN_SERVER_OPTIONS);
  let url: string;
  let adminUrl: string;
  try {
    url = await listen(server, options.port ?? config.gateway.port, options.host ?? '127.0.0.1');
    adminUrl = await listen(adminServer, options.admin?.port ?? config.admin.port, adminHost);
  } catch (error) {
    if (server.listening) await closeGracefully(server, 0);
    await signaller.close();
    await dashboardTemporal.close();
    await dashboardPool.end();
    await pool.end();
    throw error;
  }
  dispatcher.start();
  log.info({ url, publicUrl: config.gateway.publicUrl }, 'gateway listening');
  log.info(
    { url: adminUrl, auth: config.admin.token ? 'bearer token' : 'loopback peers only' },
    'gateway admin listening (dashboard, /metrics, /readyz)',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    adminUrl,
    adminServer,
    close() {
      closing ??= (async () => {
        const graceMs = options.shutdownGraceMs ?? 10_000;
        await Promise.all([closeGracefully(server, graceMs), closeGracefully(adminServer, graceMs)]);
        await dispatcher.stop();
        await signaller.close();
        await dashboardTemporal.close();
        await dashboardPool.end();
        await pool.end();
        log.info('gateway stopped');
      })();
      return closing;
    },
  };
}

/** `twofold gateway`: runs until SIGINT/SIGTERM, then shuts down in order (see {@link startGateway}). */
export async function runGateway(
  config: Config,
  log: Logger,
  options: StartGatewayOptions = {},
): Promise<void> {
  const gateway = await startGateway(config, log, options);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'shutting down the gateway');
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await gateway.close();
}
