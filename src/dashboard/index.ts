// The rollout dashboard, mounted on the gateway's admin listener (docs/dashboard.md).
export { createDashboardRouter, DASHBOARD_PATH } from './router';
export type { DashboardDeps } from './router';
export { createLazyTemporalClient } from './lazy-temporal-client';
export type { LazyTemporalClient } from './lazy-temporal-client';
export { createResponseCache } from './response-cache';
export type { ResponseCache, ResponseCacheOptions } from './response-cache';
