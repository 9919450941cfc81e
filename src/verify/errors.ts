import { ProviderApiError, ProviderResponseError, ProviderTransportError } from '../twilio/provider-errors';
import type { ProviderApiErrorDetails } from '../twilio/provider-errors';

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

/** What a Verify error answer carries besides the status, the endpoint and `Retry-After`. */
export interface VerifyApiErrorDetails extends ProviderApiErrorDetails {
  /** Twilio's numeric error code (60300, 20404, …) when the body carried one. */
  code?: number;
}

/** Verify answered a non-2xx status with (usually) Twilio's body `{ code, message, more_info, status }`. */
export class VerifyApiError extends ProviderApiError<VerifyApiErrorDetails> {
  override name = 'VerifyApiError';

  get code(): number | undefined {
    return this.details.code;
  }
}

/** The request never got an HTTP answer (connection refused, reset, timeout). Always retryable. */
export class VerifyTransportError extends ProviderTransportError {
  override name = 'VerifyTransportError';
}

/** A 2xx answer whose body does not have the documented shape: a contract break, not transient. */
export class VerifyResponseError extends ProviderResponseError {
  override name = 'VerifyResponseError';
}
