import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The gateway's Prometheus metrics, on a registry of its own so several apps (tests, benchmarks)
 * can live in one process. Labels are bounded sets: route patterns, status codes, failure reasons,
 * known event names. Never an id, phone number or key.
 */
export interface GatewayMetrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  requestDuration: Histogram<'route'>;
  verificationFailures: Counter<'route' | 'reason'>;
  deliveriesRecorded: Counter<'source' | 'event' | 'outcome'>;
  dispatchOutcomes: Counter<'event' | 'outcome'>;
  deliveryLag: Histogram<'event'>;
  backlog: Gauge;
  oldestPendingAge: Gauge;
}

/** Builds a fresh metrics set; `defaultMetrics` adds the process metrics (CPU, memory, event loop). */
export function createGatewayMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    requests: new Counter({
      name: 'gateway_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status code',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'gateway_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route pattern',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    verificationFailures: new Counter({
      name: 'gateway_verification_failures_total',
      help: 'Deliveries refused as not authentic (401), by route and reason',
      labelNames: ['route', 'reason'],
      registers,
    }),
    deliveriesRecorded: new Counter({
      name: 'gateway_deliveries_recorded_total',
      help: 'Verified deliveries written to the inbox (outcome=recorded) or recognised as repeats (outcome=duplicate)',
      labelNames: ['source', 'event', 'outcome'],
      registers,
    }),
    dispatchOutcomes: new Counter({
      name: 'gateway_dispatch_attempts_total',
      help: 'Dispatcher attempts by outcome: delivered, no_target, unroutable (an approval answer no onboarding run issued), retry (Temporal unreachable or target not known yet)',
      labelNames: ['event', 'outcome'],
      registers,
    }),
    deliveryLag: new Histogram({
      name: 'gateway_delivery_lag_seconds',
      help: 'Seconds from recording a delivery to signalling its workflow',
      labelNames: ['event'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
      registers,
    }),
    backlog: new Gauge({
      name: 'gateway_inbox_pending',
      help: 'Recorded deliveries not yet settled (whole inbox, the same value on every instance)',
      registers,
    }),
    oldestPendingAge: new Gauge({
      name: 'gateway_inbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unsettled delivery (0 when none)',
      registers,
    }),
  };
}
