/**
 * Development-only credentials shared by the Authy emulator and the app when both run locally.
 * They are public by design (printed at emulator start), so loadConfig lets them stand in for unset
 * keys only when AUTHY_API_URL and GATEWAY_PUBLIC_URL are both loopback and NODE_ENV is not
 * production (devCredentialsRefusal in src/config.ts; docs/security.md, "Production guards").
 */
export const DEV_AUTHY_KEYS: Readonly<Record<'apiKey' | 'accessKey' | 'apiSigningKey', string>> = {
  apiKey: 'dev-authy-api-key-0000000000000000',
  accessKey: 'dev-authy-access-key-000000000000',
  apiSigningKey: 'dev-authy-api-signing-key-0000000',
};

/**
 * Development-only Twilio credentials the emulator's Verify v2 API accepts when TWILIO_ACCOUNT_SID,
 * TWILIO_AUTH_TOKEN, TWILIO_API_KEY and TWILIO_API_SECRET are unset (printed at emulator start).
 * The SIDs have Twilio's shape (`AC`/`SK` + 32 hex digits) so the official helper libraries take them.
 */
export const DEV_TWILIO_CREDENTIALS: Readonly<
  Record<'accountSid' | 'authToken' | 'apiKey' | 'apiSecret', string>
> = {
  accountSid: 'ACdec0de00000000000000000000000000',
  authToken: 'devtwilioauthtoken00000000000000',
  apiKey: 'SKdec0de00000000000000000000000000',
  apiSecret: 'devtwilioapisecret00000000000000',
};

/** Each dev credential on its own, under the environment variable's name it stands in for. */
export const {
  apiKey: DEV_AUTHY_API_KEY,
  accessKey: DEV_AUTHY_ACCESS_KEY,
  apiSigningKey: DEV_AUTHY_API_SIGNING_KEY,
} = DEV_AUTHY_KEYS;
export const {
  accountSid: DEV_TWILIO_ACCOUNT_SID,
  authToken: DEV_TWILIO_AUTH_TOKEN,
  apiKey: DEV_TWILIO_API_KEY,
  apiSecret: DEV_TWILIO_API_SECRET,
} = DEV_TWILIO_CREDENTIALS;
