import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { createDashboardRouter, createLazyTemporalClient } from '../dashboard';
import { migrateUp } from '../db/migrate';
import { createPool } from '../db/pool';
import type { Logger } from '../logger';
import { connectClient } from '../temporal/connection';
import { createApp } from './app';
import type { GatewayAppOptions } from './app';
import { createDispatcher } from './dispatcher';
import type { DispatcherOptions } from './dispatcher';
import { createGatewayMetrics } from './metrics';
import { closeGracefully, createGatewayServer } from './server';
import { createWorkflowSignaller } from './workflow-signaller';

/** Overrides for {@link startGateway}; everything else comes from the validated config. */
export interface StartGatewayOptions {
  /** Listen port; default `config.gateway.port` (0 picks a free one). */
  port?: number;
  host?: string;
  app?: GatewayAppOptions;
  dispatcher?: Partial<DispatcherOptions>;
  /** How Temporal is reached; default `connectClient(config.temporal)`. Tests inject outages here. */
  connectTemporal?: () => Promise<Client>;
  /** Give in-flight requests this long to finish on shutdown before connections are cut (default 10 s). */
  shutdownGraceMs?: number;
}

/** A listening gateway: its URL and an orderly `close()`. */
export interface RunningGateway {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Longest any gateway statement may run (dashboard queries included) before PostgreSQL cancels it. */
export const GATEWAY_STATEMENT_TIMEOUT_MS = 15_000;

/**
 * Composition root of the gateway: PostgreSQL pool (migrated), a lazily connected Temporal client,
 * the dispatcher and the HTTP server. The gateway records deliveries even while Temporal is down.
 * `close()` stops accepting, lets in-flight requests finish, stops the dispatcher, then closes the
 * Temporal connection and the pool.
 */
export async function startGateway(
  config: Config,
  log: Logger,
  options: StartGatewayOptions = {},
): Promise<RunningGateway> {
  // Webhook intake writes one statement at a time; a statement stuck on a lock must not stall it
  // for long (deliveries meanwhile answer 503 after 5 s and are retried by the sender).
  const pool = createPool(config.databaseUrl, { max: 20, statementTimeoutMs: GATEWAY_STATEMENT_TIMEOUT_MS });
  try {
    await migrateUp({ databaseUrl: config.databaseUrl, log: (line) => log.info(line) });
  } catch (error) {
    await pool.end();
    throw error;
  }
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
    signaller,
    metrics,
    webhookKeys: webhookSigningKey
      ? {
          current: webhookSigningKey,
          ...(webhookSigningKeyPrevious ? { previous: webhookSigningKeyPrevious } : {}),
        }
      : undefined,
    apiKey: config.authy.apiKey,
    publicUrl: config.gateway.publicUrl,
    onRecorded: () => dispatcher.nudge(),
    dashboard: createDashboardRouter({
      pool,
      log,
      temporal: dashboardTemporal.get,
      uiUrl: config.temporal.uiUrl,
      namespace: config.temporal.namespace,
    }),
    ...(options.app ? { options: options.app } : {}),
  });

  const server = createGatewayServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.gateway.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  dispatcher.start();
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  log.info({ url, publicUrl: config.gateway.publicUrl }, 'gateway listening');

  let closing: Promise<void> | undefined;
  return {
    url,
    server,
    close() {
      closing ??= (async () => {
        await closeGracefully(server, options.shutdownGraceMs ?? 10_000);
        await dispatcher.stop();
        await signaller.close();
        await dashboardTemporal.close();
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
