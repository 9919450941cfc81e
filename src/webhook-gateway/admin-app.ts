import Router from '@koa/router';
import Koa from 'koa';
import type { DbPool } from '../db/pool';
import type { Logger } from '../logger';
import { adminAuth } from './admin-auth';
import type { AdminAccess } from './admin-auth';
import { gatewayErrorMiddleware } from './errors';
import type { GatewayMetrics } from './metrics';
import { readinessHandler } from './routes/health';
import { metricsHandler } from './routes/metrics';
import { securityHeaders } from './security-headers';
import type { WorkflowSignaller } from './workflow-signaller';

/** Everything the admin app needs, built by the composition root (or a test). */
export interface AdminAppDeps {
  log: Logger;
  /** Who may call it: the bearer token, or loopback peers only when there is none. */
  access: AdminAccess;
  /** PostgreSQL and Temporal, probed by `/readyz`. */
  readiness: { pool: DbPool; signaller: WorkflowSignaller };
  /** The public app's metrics (`app.metrics`), exposed at `/metrics`. */
  metrics: GatewayMetrics;
  /** The rollout dashboard (`createDashboardRouter`), served at /dashboard when given. */
  dashboard?: Router;
}

/**
 * Builds the gateway's admin Koa app: `/readyz`, `/metrics` and the dashboard, every route behind
 * {@link adminAuth}. It is meant for a listener on loopback or a private network, never for the
 * port Twilio calls (docs/security.md, "Listeners"). It never listens.
 */
export function createAdminApp(deps: AdminAppDeps): Koa {
  const log = deps.log.child({ component: 'gateway-admin' });
  const router = new Router();
  router.get('/readyz', readinessHandler(deps.readiness));
  router.get('/metrics', metricsHandler(deps.metrics));

  const app = new Koa();
  app.use(securityHeaders());
  app.use(gatewayErrorMiddleware(log));
  app.use(adminAuth(deps.access, log));
  app.use(router.routes());
  app.use(router.allowedMethods());
  if (deps.dashboard) app.use(deps.dashboard.routes()).use(deps.dashboard.allowedMethods());
  app.on('error', (error: unknown) => log.warn({ err: error }, 'connection error'));
  return app;
}
