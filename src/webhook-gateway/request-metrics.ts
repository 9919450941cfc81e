import type { Middleware } from 'koa';
import type { Logger } from '../logger';
import type { GatewayMetrics } from './metrics';
import { VerificationError } from './verification-error';

/** The metrics label of a request: its route pattern, or `unmatched`; never the raw path. */
function routeOf(ctx: { _matchedRoute?: string | RegExp }): string {
  return typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched';
}

/**
 * Counts and times every answered request by route pattern and status, counts verification
 * failures by reason, and writes one log line per request (method, route, status, duration: no
 * headers, body or query, which may carry tokens or personal data). Runs inside the error middleware.
 */
export function requestMetrics(metrics: GatewayMetrics, log: Logger): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    let reason: string | undefined;
    ctx.res.once('finish', () => {
      const route = routeOf(ctx as { _matchedRoute?: string | RegExp });
      const status = ctx.res.statusCode;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requests.inc({ route, method: ctx.method, status: String(status) });
      metrics.requestDuration.observe({ route }, seconds);
      const line = { method: ctx.method, route, status, ms: Math.round(seconds * 1e4) / 10, reason };
      if (status >= 400) log.info(line, 'request refused');
      else log.debug(line, 'request');
    });
    try {
      await next();
    } catch (error) {
      if (error instanceof VerificationError) {
        reason = error.reason;
        metrics.verificationFailures.inc({
          route: routeOf(ctx as { _matchedRoute?: string | RegExp }),
          reason: error.reason,
        });
      }
      if (reason === undefined && error instanceof Error) reason = (error as { code?: string }).code;
      throw error;
    }
  };
}
