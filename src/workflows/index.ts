// Workflow bundle entry: every workflow the worker registers is exported here.
export { checkStack } from './check-stack';
export { onboardUser } from './onboarding/onboard-user';
export { syncReportingEvents } from './reporting/sync-reporting-events';
