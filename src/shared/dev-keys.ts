/**
 * Development-only credentials shared by the Authy emulator and the app when both run locally.
 * They are public by design (printed at emulator start) and are never accepted for a remote
 * AUTHY_API_URL: see loadConfig.
 */
export const DEV_AUTHY_API_KEY = 'dev-authy-api-key-0000000000000000';
export const DEV_AUTHY_ACCESS_KEY = 'dev-authy-access-key-000000000000';
export const DEV_AUTHY_API_SIGNING_KEY = 'dev-authy-api-signing-key-0000000';
