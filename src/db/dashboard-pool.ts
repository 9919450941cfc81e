import { createPool } from './pool';
import type { DbPool } from './pool';

/** Options of {@link createDashboardPool}; each has a default sized for a handful of operators. */
export interface DashboardPoolOptions {
  /** Connections at most (default 3): the dashboard never holds more, however many tabs poll it. */
  max?: number;
  /** PostgreSQL cancels a dashboard statement running longer (default 10 s). */
  statementTimeoutMs?: number;
  /** A request waiting longer than this for a free connection fails (503) instead of queueing (default 3 s). */
  connectionTimeoutMs?: number;
}

/**
 * The dashboard's own small pool, apart from the gateway's intake pool: a flood of dashboard
 * requests (or one slow funnel query) can then only exhaust these few connections, never the ones
 * webhook deliveries are recorded with. Like every pool of {@link createPool}, a dropped connection
 * does not crash the gateway. Callers own it and must `end()` it on shutdown.
 */
export function createDashboardPool(databaseUrl: string, options: DashboardPoolOptions = {}): DbPool {
  return createPool(databaseUrl, {
    max: options.max ?? 3,
    statementTimeoutMs: options.statementTimeoutMs ?? 10_000,
    connectionTimeoutMs: options.connectionTimeoutMs ?? 3_000,
    applicationName: 'twofold-dashboard',
  });
}
