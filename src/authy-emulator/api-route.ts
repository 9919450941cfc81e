import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Endpoint } from './endpoints';
import type { FaultEngine } from './faults';
import type { TimerSet } from './timers';

type Middleware = (ctx: Context, next: Next) => Promise<void>;

/** One emulated Authy endpoint: its route, its name (for faults and the request log), its guards. */
export interface ApiRoute {
  method: 'get' | 'post' | 'delete';
  path: string;
  endpoint: Endpoint;
  /** Authentication (API key or Webhooks API signature), run after faults. */
  guard: Middleware;
  handle: (ctx: Context) => Promise<void> | void;
}

/**
 * Mounts endpoints behind the same chain: label → faults (latency, 429, 5xx before or after the
 * handler) → auth → handler. Faults run first, as a rate limiter in front of the service would.
 */
export function mountApiRoutes(
  router: Router,
  deps: { faults: FaultEngine; timers: TimerSet },
  routes: ApiRoute[],
): void {
  for (const route of routes) {
    const withFaults: Middleware = async (ctx, next) => {
      ctx.state.endpoint = route.endpoint;
      const decision = deps.faults.decide(route.endpoint);
      if (decision.latencyMs > 0) await deps.timers.sleep(decision.latencyMs);
      if (decision.label !== undefined) ctx.state.fault = decision.label;
      if (decision.reject !== undefined) throw decision.reject;
      await next();
      if (decision.replace !== undefined) throw decision.replace;
    };
    const handler: Middleware = async (ctx) => {
      await route.handle(ctx);
    };
    router[route.method](route.path, withFaults, route.guard, handler);
  }
}
