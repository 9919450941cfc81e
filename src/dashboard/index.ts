// The rollout dashboard, mounted by the webhook gateway (docs/dashboard.md).
export { createDashboardRouter, DASHBOARD_PATH } from './router';
export type { DashboardDeps } from './router';
export { createLazyTemporalClient } from './lazy-temporal-client';
export type { LazyTemporalClient } from './lazy-temporal-client';
