import pino from 'pino';

/** Structured logger type used across twofold. */
export type Logger = pino.Logger;

/** What replaces a redacted value in a log line. */
export const REDACTED = '[redacted]';

/**
 * pino redact paths for the request headers that carry credentials: a fallback for loggers built
 * with pino directly (prefer {@link createLogger}, whose key-name rule already covers them).
 */
export const REDACTED_PATHS = [
  'req.headers["x-authy-api-key"]',
  'req.headers["x-authy-signature"]',
  'req.headers.authorization',
  'headers["x-authy-api-key"]',
];

/**
 * Key names (compared lower-cased, without `_` and `-`) whose values are secrets or personal data:
 * Authy and Twilio keys, tokens, passwords, connection strings, email and phone numbers. Matched at
 * any depth of a logged object, so `log.info({ input: { contact: { email } } })` leaks nothing.
 */
const SENSITIVE_KEYS = new Set(
  [
    'apiKey',
    'app_api_key',
    'accessKey',
    'apiSigningKey',
    'signingKey',
    'signing_key',
    'webhookSigningKey',
    'webhookSigningKeyPrevious',
    'webhookSigningKeys',
    'payloadKeys',
    'password',
    'secret',
    'apiSecret',
    'authToken',
    'token',
    'accessToken',
    'adminToken',
    'codecToken',
    'authorization',
    'cookie',
    'set-cookie',
    'x-authy-api-key',
    'x-authy-signature',
    'x-twilio-signature',
    'databaseUrl',
    'connectionString',
    'email',
    'cellphone',
    'phone',
    'phoneNumber',
    'countryCode',
  ].map(normalise),
);

function normalise(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/** True when a value under this key never belongs in a log line. */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEYS.has(normalise(key));
}

/** Deeper than this, a logged object is cut off rather than walked (log lines stay bounded). */
const MAX_DEPTH = 32;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with every sensitive key's value replaced by {@link REDACTED}, at any depth of
 * plain objects and arrays. Untouched branches are shared, not copied; other instances (errors,
 * dates, buffers) pass through to pino's serializers.
 */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (!Array.isArray(value) && !isPlainObject(value)) return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value as unknown[];
      let copy: unknown[] | undefined;
      items.forEach((item, index) => {
        const redacted = redactDeep(item, depth + 1, seen);
        if (redacted !== item) (copy ??= [...items])[index] = redacted;
      });
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const redacted =
        isSensitiveKey(key) && item !== undefined ? REDACTED : redactDeep(item, depth + 1, seen);
      if (redacted !== item) (copy ??= { ...value })[key] = redacted;
    }
    return copy ?? value;
  } finally {
    seen.delete(value);
  }
}

/**
 * Child loggers redact their bindings too: pino applies a `bindings` formatter only to the root
 * logger's own bindings, so each `child()` is wrapped to redact before binding.
 */
function redactChildren(logger: Logger): Logger {
  const child = logger.child.bind(logger);
  logger.child = ((bindings: pino.Bindings, options?: pino.ChildLoggerOptions) =>
    redactChildren(child(redactDeep(bindings) as pino.Bindings, options))) as unknown as Logger['child'];
  return logger;
}

/**
 * Creates the process logger (JSON lines on stdout, or `destination`). Every logged object and
 * every child logger's bindings go through {@link redactDeep}: a careless `log.info({ config })`
 * or a logged request cannot leak a key, a token, an email or a phone number, however deep.
 */
export function createLogger(level: string, name = 'twofold', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
    formatters: { log: (object) => redactDeep(object) as Record<string, unknown> },
  };
  return redactChildren(destination === undefined ? pino(options) : pino(options, destination));
}
