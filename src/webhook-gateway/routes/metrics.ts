import type { Middleware } from 'koa';
import type { GatewayMetrics } from '../metrics';

/** `GET /metrics`: the Prometheus text exposition of the gateway's registry. */
export function metricsHandler(metrics: GatewayMetrics): Middleware {
  return async (ctx) => {
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}
