/**
 * Twilio Verify v2 error codes twofold reacts to (https://www.twilio.com/docs/api/errors/<code>;
 * docs/verify.md, "Errors").
 */
export const VERIFY_ERROR_CODES = {
  permissionDenied: 20003,
  notFound: 20404,
  tooManyRequests: 20429,
  invalidParameter: 60300,
  entityExists: 60301,
  invalidRequest: 60306,
  challengeAttemptsLimit: 60308,
  factorAttemptsLimit: 60310,
  factorVerificationFailed: 60311,
  challengeCreationLimit: 60312,
  factorUnverified: 60318,
  challengeAlreadyResponded: 60322,
  challengeExpired: 60323,
} as const;

/** Verify answered a non-2xx status with (usually) Twilio's body `{ code, message, more_info, status }`. */
export class VerifyApiError extends Error {
  override name = 'VerifyApiError';
  constructor(
    message: string,
    readonly details: {
      /** HTTP status of the answer. */
      status: number;
      /** Twilio's numeric error code (60300, 20404, …) when the body carried one. */
      code?: number;
      /** The endpoint as a template (`POST /v2/Services/:service/Entities`); never carries secrets. */
      endpoint: string;
      /** Parsed `Retry-After`, when the answer had one. */
      retryAfterMs?: number;
    },
  ) {
    super(message);
  }

  get status(): number {
    return this.details.status;
  }

  get code(): number | undefined {
    return this.details.code;
  }

  /** Worth retrying: rate limits and server-side failures; another 4xx will not change. */
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** The request never got an HTTP answer (connection refused, reset, timeout). Always retryable. */
export class VerifyTransportError extends Error {
  override name = 'VerifyTransportError';
  constructor(
    message: string,
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A 2xx answer whose body does not have the documented shape: a contract break, not transient. */
export class VerifyResponseError extends Error {
  override name = 'VerifyResponseError';
  constructor(
    message: string,
    readonly endpoint: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
