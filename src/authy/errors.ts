import { ProviderApiError, ProviderResponseError, ProviderTransportError } from '../twilio/provider-errors';
import type { ProviderApiErrorDetails } from '../twilio/provider-errors';

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

/** What an Authy error answer carries besides the status, the endpoint and `Retry-After`. */
export interface AuthyApiErrorDetails extends ProviderApiErrorDetails {
  /** Authy `error_code` (a string such as "60027"), when the body carried one. */
  errorCode?: string;
  /** Field errors from the body's `errors` object (e.g. `{ cellphone: "is invalid" }`). */
  fieldErrors?: Record<string, string>;
}

/** The Authy API answered with an error (non-2xx or `success: false`). */
export class AuthyApiError extends ProviderApiError<AuthyApiErrorDetails> {
  override name = 'AuthyApiError';

  get errorCode(): string | undefined {
    return this.details.errorCode;
  }

  /** Also retried: Authy's rate limit code 60003, whatever the status. */
  override get retryable(): boolean {
    return super.retryable || this.errorCode === AUTHY_ERROR_CODES.rateLimited;
  }
}

/** The request never got an HTTP answer (connection refused, reset, timeout). Always retryable. */
export class AuthyTransportError extends ProviderTransportError {
  override name = 'AuthyTransportError';
}

/** A 2xx answer whose body does not have the documented shape: a contract break, not transient. */
export class AuthyResponseError extends ProviderResponseError {
  override name = 'AuthyResponseError';
}
