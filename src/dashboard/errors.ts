import type { Middleware } from 'koa';
import type { Logger } from '../logger';

/** Machine-readable codes of the dashboard API's JSON error bodies (docs/dashboard.md). */
export type DashboardErrorCode = 'bad_request' | 'not_found' | 'unavailable' | 'internal';

/** An error meant for the API client: a status, a stable code and a message safe to show. */
export class DashboardHttpError extends Error {
  override name = 'DashboardHttpError';
  readonly expose = true;
  constructor(
    readonly status: number,
    readonly code: DashboardErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The body of every non-2xx answer of `/dashboard/api/*`. */
export interface DashboardErrorBody {
  error: { code: DashboardErrorCode; message: string };
}

/**
 * Shapes every error of the dashboard API as `{ error: { code, message } }`, so the router keeps
 * its contract whether it is mounted in the gateway or on a bare Koa app. Unexpected errors answer
 * 500 without detail and are logged (never with the query, which is harmless but not ours to log).
 */
export function dashboardErrorMiddleware(log: Logger | undefined): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const known = error instanceof DashboardHttpError ? error : undefined;
      const status = known?.status ?? 500;
      if (status === 503) log?.warn({ err: error, path: ctx.path }, 'dashboard data source unavailable');
      else if (status >= 500) log?.error({ err: error, path: ctx.path }, 'dashboard request failed');
      ctx.status = status;
      ctx.set('cache-control', 'no-store');
      ctx.body = {
        error: { code: known?.code ?? 'internal', message: known?.message ?? 'internal error' },
      } satisfies DashboardErrorBody;
    }
  };
}

// 08 connection, 53 resources, 57P shutdown, 57014 cancelled by the dashboard pool's statement_timeout.
const UNAVAILABLE_PG_CODES = /^(08|53|57P|57014$)/;
const UNAVAILABLE_NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE']);

/**
 * Runs a PostgreSQL read; a connection-level failure (server down, too many connections, shutting
 * down, no free connection in time) or a statement cancelled by its timeout becomes a 503 the page
 * shows as "unavailable", anything else stays a bug (500).
 */
export async function fromDatabase<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const message = error instanceof Error ? error.message : '';
    const unavailable =
      (typeof code === 'string' && (UNAVAILABLE_PG_CODES.test(code) || UNAVAILABLE_NET_CODES.has(code))) ||
      /timeout exceeded when trying to connect|Connection terminated/i.test(message);
    if (unavailable) {
      throw new DashboardHttpError(503, 'unavailable', 'PostgreSQL is unavailable; try again shortly', {
        cause: error,
      });
    }
    throw error;
  }
}
