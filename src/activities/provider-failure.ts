import { ApplicationFailure } from '@temporalio/common';
import type { ApplicationFailureOptions } from '@temporalio/common';
import { AUTHY_ERROR_CODES, AuthyApiError } from '../authy/errors';
import {
  AUTHY_DEVICE_NOT_READY,
  AUTHY_INVALID_REPORTING_QUERY,
  AUTHY_MISCONFIGURED,
  AUTHY_PERMANENT_ERROR,
  AUTHY_RATE_LIMITED,
  AUTHY_REJECTED_INPUT,
  AUTHY_UNAVAILABLE,
  NON_RETRYABLE_AUTHY_FAILURES,
} from '../shared/failures';
import { ProviderResponseError, ProviderTransportError } from '../twilio/provider-errors';
import type { ProviderApiError } from '../twilio/provider-errors';
import { VERIFY_ERROR_CODES, VerifyApiError } from '../verify/errors';

// Authy and Verify client errors → the ApplicationFailure an activity throws. Both providers share the
// failure types (src/shared/failures.ts), so the workflows' retry policies and `failed` handling treat
// them alike; each provider decides only which type an error answer gets.

/** What one provider decides about its own error answers. */
interface ProviderFailureRules<E extends ProviderApiError> {
  /** The provider's error-answer class: only its errors are classified by {@link failureType}. */
  ApiError: abstract new (...args: never[]) => E;
  /** The failure type of an error answer. */
  failureType(error: E): string;
  /** What the failure records of the answer: its status and the provider's codes. */
  failureDetails(error: E): Record<string, unknown>;
}

const REJECTED_INPUT_CODES = new Set<string>([
  AUTHY_ERROR_CODES.userNotValid,
  AUTHY_ERROR_CODES.invalidPhoneNumber,
  AUTHY_ERROR_CODES.invalidEmail,
  '60004', // invalid parameter
  '60078', // country code validation
  '60082', // SMS to landline
]);
const REPORTING_QUERY_CODES = new Set<string>([AUTHY_ERROR_CODES.invalidReportingQuery, '60094', '60095']);

/**
 * Authy (docs/authy-api.md#13-error-codes): bad input fails at once with a readable message, rate
 * limits retry after Retry-After when Authy sent one, outages and a bad API key (an operator can fix
 * it) retry with backoff forever; any other error answer is permanent.
 */
const AUTHY_RULES: ProviderFailureRules<AuthyApiError> = {
  ApiError: AuthyApiError,
  failureType(error) {
    const code = error.errorCode;
    if (code !== undefined && REJECTED_INPUT_CODES.has(code)) return AUTHY_REJECTED_INPUT;
    if (code !== undefined && REPORTING_QUERY_CODES.has(code)) return AUTHY_INVALID_REPORTING_QUERY;
    if (error.status === 429 || code === AUTHY_ERROR_CODES.rateLimited) return AUTHY_RATE_LIMITED;
    // The device-registered event can outrun OneTouch's own registration of the app: wait it out.
    if (code === AUTHY_ERROR_CODES.oneTouchUnregisteredUser) return AUTHY_DEVICE_NOT_READY;
    if (error.status === 401 || code === AUTHY_ERROR_CODES.invalidApiKey) return AUTHY_MISCONFIGURED;
    return error.retryable ? AUTHY_UNAVAILABLE : AUTHY_PERMANENT_ERROR;
  },
  failureDetails: (error) => ({
    status: error.status,
    errorCode: error.errorCode,
    fieldErrors: error.details.fieldErrors,
  }),
};

/**
 * Verify (docs/verify.md, "Errors"): 400 (60300 invalid parameter, 60306 invalid request, …) is input
 * wrong for good; 401 / 20003 (bad credentials) and 404 (a Service SID of another account, or deleted)
 * are misconfiguration an operator fixes, retried; 429 is retried after `Retry-After` when sent, 5xx
 * with backoff; any other 4xx (a challenge on an unverified factor, an answered or expired challenge)
 * is permanent.
 */
const VERIFY_RULES: ProviderFailureRules<VerifyApiError> = {
  ApiError: VerifyApiError,
  failureType(error) {
    if (error.status === 429) return AUTHY_RATE_LIMITED;
    if (error.status >= 500) return AUTHY_UNAVAILABLE;
    if (error.status === 401 || error.code === VERIFY_ERROR_CODES.permissionDenied || error.status === 404)
      return AUTHY_MISCONFIGURED;
    return error.status === 400 ? AUTHY_REJECTED_INPUT : AUTHY_PERMANENT_ERROR;
  },
  failureDetails: (error) => ({ status: error.status, code: error.code }),
};

/**
 * The failure for a provider client's error: an error answer gets the provider's type; no answer at
 * all (refused, reset, timed out) is unavailable; a 2xx body of the wrong shape is permanent; anything
 * else is returned unchanged (retried by default). Retried or not follows the type, and a rate limit
 * is retried after the answer's `Retry-After` when it sent one.
 */
function toProviderFailure<E extends ProviderApiError>(
  error: unknown,
  rules: ProviderFailureRules<E>,
): unknown {
  if (error instanceof rules.ApiError) {
    const type = rules.failureType(error);
    const retryAfterMs = type === AUTHY_RATE_LIMITED ? error.details.retryAfterMs : undefined;
    return failure(type, error.message, {
      details: [rules.failureDetails(error)],
      ...(retryAfterMs === undefined ? {} : { nextRetryDelay: retryAfterMs }),
    });
  }
  if (error instanceof ProviderTransportError)
    return failure(AUTHY_UNAVAILABLE, error.message, { cause: error });
  if (error instanceof ProviderResponseError) return failure(AUTHY_PERMANENT_ERROR, error.message);
  return error;
}

/** An ApplicationFailure of `type`, non-retryable exactly when no retry can fix that type. */
function failure(
  type: string,
  message: string,
  extra: Pick<ApplicationFailureOptions, 'details' | 'cause' | 'nextRetryDelay'> = {},
): ApplicationFailure {
  return ApplicationFailure.create({
    type,
    message,
    nonRetryable: NON_RETRYABLE_AUTHY_FAILURES.includes(type),
    ...extra,
  });
}

async function callProvider<T, E extends ProviderApiError>(
  call: () => Promise<T>,
  rules: ProviderFailureRules<E>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toProviderFailure(error, rules);
  }
}

/** Maps an Authy client error to the ApplicationFailure an activity throws ({@link AUTHY_RULES}). */
export const toAuthyFailure = (error: unknown): unknown => toProviderFailure(error, AUTHY_RULES);

/** Maps a Verify client error to the ApplicationFailure an activity throws ({@link VERIFY_RULES}). */
export const toVerifyFailure = (error: unknown): unknown => toProviderFailure(error, VERIFY_RULES);

/** Runs an Authy call inside an activity, converting its errors with {@link toAuthyFailure}. */
export const callAuthy = <T>(call: () => Promise<T>): Promise<T> => callProvider(call, AUTHY_RULES);

/** Runs a Verify call inside an activity, converting its errors with {@link toVerifyFailure}. */
export const callVerify = <T>(call: () => Promise<T>): Promise<T> => callProvider(call, VERIFY_RULES);
