/**
 * Development-only credentials shared by the Authy emulator and the app when both run locally.
 * They are public by design (printed at emulator start), so loadConfig lets them stand in for unset
 * keys only when AUTHY_API_URL and GATEWAY_PUBLIC_URL are both loopback and NODE_ENV is not
 * production (devKeysRefusal in src/config.ts; docs/security.md, "Production guards").
 */
export const DEV_AUTHY_API_KEY = 'dev-authy-api-key-0000000000000000';
export const DEV_AUTHY_ACCESS_KEY = 'dev-authy-access-key-000000000000';
export const DEV_AUTHY_API_SIGNING_KEY = 'dev-authy-api-signing-key-0000000';

/**
 * Development-only Twilio credentials the emulator's Verify v2 API accepts when TWILIO_ACCOUNT_SID,
 * TWILIO_AUTH_TOKEN, TWILIO_API_KEY and TWILIO_API_SECRET are unset (printed at emulator start).
 * The SIDs have Twilio's shape (`AC`/`SK` + 32 hex digits) so the official helper libraries take them.
 */
export const DEV_TWILIO_ACCOUNT_SID = 'ACdec0de00000000000000000000000000';
export const DEV_TWILIO_AUTH_TOKEN = 'devtwilioauthtoken00000000000000';
export const DEV_TWILIO_API_KEY = 'SKdec0de00000000000000000000000000';
export const DEV_TWILIO_API_SECRET = 'devtwilioapisecret00000000000000';
