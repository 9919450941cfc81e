import Router from '@koa/router';
import type { Client } from '@temporalio/client';
import { readDailyEventCounts } from '../db/dashboard-events';
import { readOnboardingFunnel } from '../db/dashboard-funnel';
import type { DbPool } from '../db/pool';
import type { Logger } from '../logger';
import { CONTENT_SECURITY_POLICY, loadDashboardAssets, sendAsset } from './assets';
import { DashboardHttpError, dashboardErrorMiddleware, fromDatabase } from './errors';
import { EVENT_PANELS, panelEvents, panelNeedsStatus, toEventSeriesResponse } from './event-panels';
import type { EventPanelName } from './event-panels';
import { toFunnelResponse } from './funnel';
import { FunnelQuerySchema, parseQuery, PeriodQuerySchema, resolvePeriod, StuckQuerySchema } from './params';
import type { ResponseCache } from './response-cache';
import { readStuckOnboardings } from './stuck';

/** Where the dashboard lives on the gateway. */
export const DASHBOARD_PATH = '/dashboard';

/** Everything the dashboard reads from, built by the gateway's composition root (or a test). */
export interface DashboardDeps {
  /**
   * PostgreSQL with `onboardings`, `onboarding_stage_history` and `reporting_events`. The gateway
   * passes the dashboard's own small pool (`createDashboardPool`), never its intake pool.
   */
  pool: DbPool;
  /** The Temporal client for the visibility API; asked on each stuck-panel request (may connect lazily). */
  temporal: () => Promise<Client>;
  /** Base URL of the Temporal Web UI (`config.temporal.uiUrl`) for workflow links. */
  uiUrl: string;
  /** Namespace the onboardings run in (`config.temporal.namespace`). */
  namespace: string;
  /** Only show onboardings of this task queue (one deployment sharing a namespace); default all. */
  taskQueue?: string;
  log?: Logger;
  /**
   * Answers of the API endpoints kept a few seconds by request (`createResponseCache`); the gateway
   * passes one. Without it every request queries (benchmarks and tests that change data between
   * requests).
   */
  cache?: ResponseCache;
  /** Clock of default periods and wait times (tests pin it). */
  now?: () => Date;
  options?: {
    /** Most candidate runs the stuck panel examines per request (default 5000). */
    stuckScanLimit?: number;
    /** Deadline of the stuck panel's Temporal calls (default 5 s). */
    temporalTimeoutMs?: number;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const periodKey = (period: { from: Date; to: Date }) =>
  `${period.from.toISOString()}|${period.to.toISOString()}`;

const TASK_QUEUE_PATTERN = /^[A-Za-z0-9._:/-]{1,200}$/;

/**
 * The rollout dashboard: the page at `/dashboard`, its static assets and the JSON endpoints behind
 * each panel at `/dashboard/api/*` (docs/dashboard.md). Mount it with `app.use(router.routes())`.
 */
export function createDashboardRouter(deps: DashboardDeps): Router {
  if (deps.taskQueue !== undefined && !TASK_QUEUE_PATTERN.test(deps.taskQueue)) {
    // It becomes part of a visibility query: only plain names are accepted.
    throw new Error(`dashboard taskQueue ${JSON.stringify(deps.taskQueue)} is not a plain task queue name`);
  }
  const now = deps.now ?? (() => new Date());
  const cached = <T>(key: string, compute: () => Promise<T>): Promise<T> =>
    deps.cache ? deps.cache.get(key, compute) : compute();
  const assets = loadDashboardAssets();
  const page = assets.get('index.html');
  if (!page) throw new Error('the dashboard page (public/index.html) is missing');

  const router = new Router();
  router.get(DASHBOARD_PATH, (ctx) => {
    if (ctx.path.endsWith('/')) {
      // The page's links are relative to `.../dashboard`: send `.../dashboard/` there (keeps any proxy prefix).
      ctx.status = 301;
      ctx.redirect(`../dashboard${ctx.search}`);
      return;
    }
    ctx.set('content-security-policy', CONTENT_SECURITY_POLICY);
    ctx.set('referrer-policy', 'same-origin');
    sendAsset(ctx, page);
  });
  router.get(`${DASHBOARD_PATH}/assets/:name`, (ctx) => {
    const asset = ctx.params.name === 'index.html' ? undefined : assets.get(ctx.params.name ?? '');
    if (!asset) return; // 404 from the app
    sendAsset(ctx, asset);
  });

  const api = new Router({ prefix: `${DASHBOARD_PATH}/api` });
  api.use(dashboardErrorMiddleware(deps.log));
  api.use(async (ctx, next) => {
    await next();
    ctx.set('cache-control', 'no-store');
  });

  api.get('/funnel', async (ctx) => {
    const { provider, ...periodQuery } = parseQuery(FunnelQuerySchema, ctx.query);
    const period = resolvePeriod(periodQuery, now());
    const only = provider === 'all' ? undefined : provider;
    ctx.body = await cached(`funnel|${provider}|${periodKey(period)}`, async () =>
      toFunnelResponse(
        period,
        provider,
        await fromDatabase(() => readOnboardingFunnel(deps.pool, period, only)),
      ),
    );
  });

  for (const name of Object.keys(EVENT_PANELS) as EventPanelName[]) {
    const panel = EVENT_PANELS[name];
    api.get(`/${name}`, async (ctx) => {
      const period = resolvePeriod(parseQuery(PeriodQuerySchema, ctx.query), now());
      ctx.body = await cached(`${name}|${periodKey(period)}`, async () => {
        const rows = await fromDatabase(() =>
          readDailyEventCounts(deps.pool, {
            ...period,
            events: panelEvents(panel),
            byStatus: panelNeedsStatus(panel),
          }),
        );
        return toEventSeriesResponse(name, period, rows);
      });
    });
  }

  api.get('/stuck', async (ctx) => {
    const query = parseQuery(StuckQuerySchema, ctx.query);
    ctx.body = await cached(`stuck|${query.olderThan}|${query.limit}|${query.provider}`, async () => {
      let client: Client;
      try {
        // A first connect to an unreachable server would otherwise hold the panel for its full timeout.
        client = await withTimeout(deps.temporal(), deps.options?.temporalTimeoutMs ?? 5_000);
      } catch (error) {
        throw new DashboardHttpError(503, 'unavailable', 'Temporal is unavailable; try again shortly', {
          cause: error,
        });
      }
      return readStuckOnboardings({
        client,
        pool: deps.pool,
        target: { uiUrl: deps.uiUrl, namespace: deps.namespace },
        ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}),
        olderThanMs: query.olderThan,
        limit: query.limit,
        provider: query.provider,
        now: now(),
        ...(deps.options?.stuckScanLimit ? { scanLimit: deps.options.stuckScanLimit } : {}),
        ...(deps.options?.temporalTimeoutMs ? { timeoutMs: deps.options.temporalTimeoutMs } : {}),
      });
    });
  });

  api.get('/{*rest}', (ctx) => {
    throw new DashboardHttpError(404, 'not_found', `no dashboard endpoint at ${ctx.path}`);
  });

  router.use(api.routes(), api.allowedMethods());
  return router;
}
