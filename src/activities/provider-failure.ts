import { ApplicationFailure } from '@temporalio/common';
import { AUTHY_ERROR_CODES, AuthyApiError, AuthyResponseError, AuthyTransportError } from '../authy/errors';
import {
  AUTHY_DEVICE_NOT_READY,
  AUTHY_INVALID_REPORTING_QUERY,
  AUTHY_MISCONFIGURED,
  AUTHY_PERMANENT_ERROR,
  AUTHY_RATE_LIMITED,
  AUTHY_REJECTED_INPUT,
  AUTHY_UNAVAILABLE,
} from '../shared/failures';

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
 * Maps an Authy client error to the ApplicationFailure an activity throws, so Temporal's retry
 * policy does the right thing: bad input fails at once (non-retryable) with a readable message, rate
 * limits retry after Retry-After when Authy sent one, outages and a bad API key (an operator can fix
 * it) retry with backoff forever. Anything else is rethrown unchanged (retried by default).
 */
export function toAuthyFailure(error: unknown): unknown {
  if (error instanceof AuthyApiError) {
    const details = [
      { status: error.status, errorCode: error.errorCode, fieldErrors: error.details.fieldErrors },
    ];
    if (error.errorCode && REJECTED_INPUT_CODES.has(error.errorCode)) {
      return ApplicationFailure.create({
        type: AUTHY_REJECTED_INPUT,
        message: error.message,
        nonRetryable: true,
        details,
      });
    }
    if (error.errorCode && REPORTING_QUERY_CODES.has(error.errorCode)) {
      return ApplicationFailure.create({
        type: AUTHY_INVALID_REPORTING_QUERY,
        message: error.message,
        nonRetryable: true,
        details,
      });
    }
    if (error.status === 429 || error.errorCode === AUTHY_ERROR_CODES.rateLimited) {
      return ApplicationFailure.create({
        type: AUTHY_RATE_LIMITED,
        message: error.message,
        details,
        ...(error.details.retryAfterMs === undefined ? {} : { nextRetryDelay: error.details.retryAfterMs }),
      });
    }
    if (error.errorCode === AUTHY_ERROR_CODES.oneTouchUnregisteredUser) {
      // The device-registered event can outrun OneTouch's own registration of the app: wait it out.
      return ApplicationFailure.create({ type: AUTHY_DEVICE_NOT_READY, message: error.message, details });
    }
    if (error.status === 401 || error.errorCode === AUTHY_ERROR_CODES.invalidApiKey) {
      return ApplicationFailure.create({ type: AUTHY_MISCONFIGURED, message: error.message, details });
    }
    if (error.retryable) {
      return ApplicationFailure.create({ type: AUTHY_UNAVAILABLE, message: error.message, details });
    }
    return ApplicationFailure.create({
      type: AUTHY_PERMANENT_ERROR,
      message: error.message,
      nonRetryable: true,
      details,
    });
  }
  if (error instanceof AuthyTransportError) {
    return ApplicationFailure.create({ type: AUTHY_UNAVAILABLE, message: error.message, cause: error });
  }
  if (error instanceof AuthyResponseError) {
    return ApplicationFailure.create({
      type: AUTHY_PERMANENT_ERROR,
      message: error.message,
      nonRetryable: true,
    });
  }
  return error;
}

/** Runs an Authy call inside an activity, converting its errors with {@link toAuthyFailure}. */
export async function callAuthy<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toAuthyFailure(error);
  }
}
