// Authy event names (docs/authy-api.md#23-event-names), one list for the emulator, the Webhooks API client and the gateway.

/** Events a webhook can subscribe to (docs/authy-api.md#23-event-names: the 23 names of Twilio's samples). */
export const WEBHOOK_EVENT_NAMES = [
  'account_recovery_approved',
  'account_recovery_canceled',
  'account_recovery_started',
  'custom_message_not_allowed',
  'device_registration_completed',
  'one_touch_request_responded',
  'phone_change_canceled',
  'phone_change_pin_sent',
  'phone_change_requested',
  'phone_verification_code_is_invalid',
  'phone_verification_code_is_valid',
  'phone_verification_failed',
  'phone_verification_not_found',
  'phone_verification_started',
  'suspended_account',
  'token_invalid',
  'token_verified',
  'too_many_code_verifications',
  'too_many_phone_verifications',
  'totp_token_sent',
  'user_added',
  'user_phone_changed',
  'user_removed',
] as const;

/** Reporting event pages that exist in Twilio's docs but are not in the webhook list (docs/authy-api.md#23-event-names). */
export const REPORTING_ONLY_EVENT_NAMES = [
  'totp_token_sent_via_call',
  'multidevice_setting_changed',
  'user_account_deleted',
] as const;
