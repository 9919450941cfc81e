import type { Middleware } from 'koa';
import { errorMiddleware } from '../http/error-middleware';
import { HttpError } from '../http/http-error';
import type { ErrorBody } from '../http/http-error';
import type { Logger } from '../logger';

/** Machine-readable codes of the dashboard API's JSON error bodies (docs/dashboard.md). */
export type DashboardErrorCode = 'bad_request' | 'not_found' | 'unavailable' | 'internal';

/** The dashboard's {@link HttpError}: the one HTTP error class, limited to the dashboard's codes. */
export const DashboardHttpError = HttpError<DashboardErrorCode>;
/** An {@link HttpError} carrying one of the dashboard's codes. */
export type DashboardHttpError = HttpError<DashboardErrorCode>;

/** The body of every non-2xx answer of `/dashboard/api/*`. */
export type DashboardErrorBody = ErrorBody<DashboardErrorCode>;

/**
 * The shared {@link errorMiddleware} as the dashboard API's: every error is shaped as
 * `{ error: { code, message } }` and never cached, so the router keeps its contract whether it is
 * mounted in the gateway or on a bare Koa app. Unexpected errors answer 500 without detail and are
 * logged (never with the query, which is harmless but not ours to log).
 */
export function dashboardErrorMiddleware(log: Logger | undefined): Middleware {
  return errorMiddleware({
    headers: { 'cache-control': 'no-store' },
    report: (error, answer, ctx) => {
      if (answer.status === 503)
        log?.warn({ err: error, path: ctx.path }, 'dashboard data source unavailable');
      else if (answer.status >= 500) log?.error({ err: error, path: ctx.path }, 'dashboard request failed');
    },
  });
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
