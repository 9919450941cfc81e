import Router from '@koa/router';
import Koa from 'koa';
import type { DbPool } from '../db/pool';
import type { Logger } from '../logger';
import { DEFAULT_BODY_LIMIT_BYTES } from './body';
import { gatewayErrorMiddleware } from './errors';
import { createIntake } from './intake';
import { DEFAULT_JWT_MAX_AGE_SECONDS } from './jwt-verification';
import type { WebhookSigningKeys } from './jwt-verification';
import { createGatewayMetrics } from './metrics';
import type { GatewayMetrics } from './metrics';
import { DEFAULT_NONCE_WINDOW_SECONDS } from './onetouch-verification';
import { requestMetrics } from './request-metrics';
import { AUTHY_WEBHOOK_PATH, authyWebhookHandler } from './routes/authy-webhook';
import { livenessHandler } from './routes/health';
import { ONETOUCH_CALLBACK_PATH, oneTouchCallbackHandler } from './routes/onetouch-callback';
import { VERIFY_WEBHOOK_PATH, verifyWebhookHandler } from './routes/twilio-verify-webhook';
import { securityHeaders } from './security-headers';

/** Tunables of the HTTP side; every one has a documented default (docs/gateway.md). */
export interface GatewayAppOptions {
  /** Largest body read (default 64 KiB); larger answers 413. */
  bodyLimitBytes?: number;
  /** OneTouch nonce freshness window in seconds (default 300). */
  nonceWindowSeconds?: number;
  /** How long a delivery waits for PostgreSQL before answering 503 (default 5 s). */
  recordTimeoutMs?: number;
  /** Oldest webhook JWT accepted by its `iat`, in seconds (default one day; 0 turns the check off). */
  webhookMaxAgeSeconds?: number;
}

/** Everything the public gateway app needs from outside, built by the composition root (or a test). */
export interface GatewayDeps {
  pool: DbPool;
  log: Logger;
  /** Webhook JWT keys; absent when AUTHY_WEBHOOK_SIGNING_KEY is unset. */
  webhookKeys: WebhookSigningKeys | undefined;
  /** The Authy application's API key (OneTouch callback HMAC key). */
  apiKey: string;
  /** GATEWAY_PUBLIC_URL: the origin (and path prefix) Authy calls. */
  publicUrl: string;
  /** TWILIO_AUTH_TOKEN, the key of Verify webhook signatures; absent or empty: Verify deliveries get 503. */
  twilioAuthToken?: string;
  metrics?: GatewayMetrics;
  /** Told after each newly recorded pending delivery, so it is dispatched at once. */
  onRecorded?: () => void;
  options?: GatewayAppOptions;
}

/** The Koa app plus the metrics it reports to. */
export type GatewayApp = Koa & { metrics: GatewayMetrics };

/**
 * Builds the public webhook gateway's Koa app: the two webhook routes and `/healthz`, nothing else
 * (the dashboard, `/metrics` and `/readyz` are on the admin app, `createAdminApp`). It never
 * listens: `main.ts` (or a test, through `app.callback()`) owns the server. One error middleware
 * first in the chain shapes every error as `{ error: { code, message } }`.
 */
export function createApp(deps: GatewayDeps): GatewayApp {
  const log = deps.log.child({ component: 'gateway' });
  const metrics = deps.metrics ?? createGatewayMetrics();
  const bodyLimitBytes = deps.options?.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const intake = createIntake({
    pool: deps.pool,
    log,
    metrics,
    ...(deps.onRecorded ? { onRecorded: deps.onRecorded } : {}),
    ...(deps.options?.recordTimeoutMs !== undefined ? { timeoutMs: deps.options.recordTimeoutMs } : {}),
  });

  const router = new Router();
  router.post(
    AUTHY_WEBHOOK_PATH,
    authyWebhookHandler({
      keys: deps.webhookKeys,
      intake,
      bodyLimitBytes,
      maxAgeSeconds: deps.options?.webhookMaxAgeSeconds ?? DEFAULT_JWT_MAX_AGE_SECONDS,
      log,
    }),
  );
  const oneTouch = oneTouchCallbackHandler({
    apiKey: deps.apiKey,
    publicUrl: deps.publicUrl.replace(/\/+$/, ''),
    intake,
    bodyLimitBytes,
    nonceWindowSeconds: deps.options?.nonceWindowSeconds ?? DEFAULT_NONCE_WINDOW_SECONDS,
    log,
  });
  router.post(ONETOUCH_CALLBACK_PATH, oneTouch);
  router.get(ONETOUCH_CALLBACK_PATH, oneTouch);
  router.post(
    VERIFY_WEBHOOK_PATH,
    verifyWebhookHandler({
      authToken: deps.twilioAuthToken ?? '',
      publicUrl: deps.publicUrl.replace(/\/+$/, ''),
      intake,
      bodyLimitBytes,
      log,
    }),
  );
  router.get('/healthz', livenessHandler());

  const app = new Koa() as GatewayApp;
  app.metrics = metrics;
  app.use(securityHeaders());
  app.use(gatewayErrorMiddleware(log));
  app.use(requestMetrics(metrics, log));
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.on('error', (error: unknown) => log.warn({ err: error }, 'connection error'));
  return app;
}
