import pino from 'pino';

/** Structured logger type used across twofold. */
export type Logger = pino.Logger;

/**
 * Paths that may carry secrets or personal data. pino removes them before a line is written, so a
 * careless `log.info({ config })` or a logged request cannot leak a key or a phone number.
 */
export const REDACTED_PATHS = [
  '*.apiKey',
  '*.accessKey',
  '*.apiSigningKey',
  '*.webhookSigningKey',
  '*.webhookSigningKeyPrevious',
  '*.webhookSigningKeys',
  '*.signing_key',
  '*.password',
  '*.email',
  '*.cellphone',
  '*.phone_number',
  '*.countryCode',
  'req.headers["x-authy-api-key"]',
  'req.headers["x-authy-signature"]',
  'req.headers.authorization',
  'headers["x-authy-api-key"]',
];

/** Creates the process logger (JSON lines on stdout). */
export function createLogger(level: string, name = 'twofold'): Logger {
  return pino({ name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
