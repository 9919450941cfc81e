/**
 * Names of the emulated Verify v2 endpoints: fault rules target them and the request log labels calls
 * with them (docs/emulator.md lists the paths behind each).
 */
export const VERIFY_ENDPOINTS = [
  'v2.services.create',
  'v2.services.list',
  'v2.services.fetch',
  'v2.entities.create',
  'v2.entities.list',
  'v2.entities.fetch',
  'v2.entities.delete',
  'v2.factors.create',
  'v2.factors.list',
  'v2.factors.fetch',
  'v2.factors.update',
  'v2.factors.delete',
  'v2.challenges.create',
  'v2.challenges.list',
  'v2.challenges.fetch',
  'v2.challenges.update',
  'v2.notifications.create',
  'v2.access_tokens.create',
  'v2.access_tokens.fetch',
  'v2.webhooks.create',
  'v2.webhooks.list',
  'v2.webhooks.fetch',
  'v2.webhooks.update',
  'v2.webhooks.delete',
] as const;
