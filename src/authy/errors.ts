/** Authy error codes twofold reacts to (docs/authy-api.md#13-error-codes). Strings, as the API sends them. */
export const AUTHY_ERROR_CODES = {
  invalidApiKey: '60001',
  rateLimited: '60003',
  userNotFound: '60026',
  userNotValid: '60027',
  invalidPhoneNumber: '60033',
  invalidEmail: '60038',
  approvalRequestNotFound: '60049',
  oneTouchUnregisteredUser: '60050',
  invalidReportingQuery: '60089',
} as const;

/** The Authy API answered with an error (non-2xx or `success: false`). */
export class AuthyApiError extends Error {
  override name = 'AuthyApiError';
  constructor(
    message: string,
    readonly details: {
      /** HTTP status of the answer. */
      status: number;
      /** Authy `error_code` (a string such as "60027"), when the body carried one. */
      errorCode?: string;
      /** The endpoint as a template (`GET /protected/json/users/:id/status`); never carries secrets. */
      endpoint: string;
      /** Parsed `Retry-After`, when the answer had one. */
      retryAfterMs?: number;
      /** Field errors from the body's `errors` object (e.g. `{ cellphone: "is invalid" }`). */
      fieldErrors?: Record<string, string>;
    },
  ) {
    super(message);
  }

  get status(): number {
    return this.details.status;
  }

  get errorCode(): string | undefined {
    return this.details.errorCode;
  }

  /** Worth retrying: rate limits and server-side failures. A 4xx other than 429 will not change. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500 || this.errorCode === AUTHY_ERROR_CODES.rateLimited;
  }
}

/** The request never got an HTTP answer (connection refused, reset, timeout). Always retryable. */
export class AuthyTransportError extends Error {
  override name = 'AuthyTransportError';
  constructor(
    message: string,
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A 2xx answer whose body does not have the documented shape: a contract break, not transient. */
export class AuthyResponseError extends Error {
  override name = 'AuthyResponseError';
  constructor(
    message: string,
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Parses a `Retry-After` header (delta seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
