// Verify webhook event types (https://www.twilio.com/docs/verify/api/webhooks), one list for the
// emulator, the Verify client's CLI and the gateway.

/** The event types a Verify webhook subscribes to (`EventTypes`), besides `*` for all of them. */
export const VERIFY_WEBHOOK_EVENTS = [
  'factor.created',
  'factor.verified',
  'factor.deleted',
  'challenge.approved',
  'challenge.denied',
] as const;
export type VerifyWebhookEvent = (typeof VERIFY_WEBHOOK_EVENTS)[number];
