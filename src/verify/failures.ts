import { ApplicationFailure } from '@temporalio/common';
import {
  AUTHY_MISCONFIGURED,
  AUTHY_PERMANENT_ERROR,
  AUTHY_RATE_LIMITED,
  AUTHY_REJECTED_INPUT,
  AUTHY_UNAVAILABLE,
} from '../shared/failures';
import { VERIFY_ERROR_CODES, VerifyApiError, VerifyResponseError, VerifyTransportError } from './errors';

/**
 * Maps a Verify client error to the ApplicationFailure an activity throws, with the same failure
 * types as Authy's (src/shared/failures.ts), so the workflow's retry policy and `failed` handling
 * treat both providers alike (docs/verify.md, "Errors"):
 * - 400 (60300 invalid parameter, 60306 invalid request, …): the input is wrong for good → rejected input;
 * - 401 / 20003 (bad credentials) and 404 (a Service SID of another account, or deleted): an operator
 *   can fix them → misconfigured, retried with backoff;
 * - 429 → rate limited, retried after `Retry-After` when sent; 5xx and transport errors → unavailable;
 * - any other 4xx (a challenge on an unverified factor, an answered or expired challenge) and a body of
 *   the wrong shape → permanent, not retried.
 */
export function toVerifyFailure(error: unknown): unknown {
  if (error instanceof VerifyApiError) {
    const details = [{ status: error.status, code: error.code }];
    const failure = (type: string, nonRetryable: boolean, extra: { nextRetryDelay?: number } = {}) =>
      ApplicationFailure.create({ type, message: error.message, nonRetryable, details, ...extra });
    if (error.status === 429) {
      return failure(
        AUTHY_RATE_LIMITED,
        false,
        error.details.retryAfterMs === undefined ? {} : { nextRetryDelay: error.details.retryAfterMs },
      );
    }
    if (error.status >= 500) return failure(AUTHY_UNAVAILABLE, false);
    if (error.status === 401 || error.code === VERIFY_ERROR_CODES.permissionDenied || error.status === 404) {
      return failure(AUTHY_MISCONFIGURED, false);
    }
    if (error.status === 400) return failure(AUTHY_REJECTED_INPUT, true);
    return failure(AUTHY_PERMANENT_ERROR, true);
  }
  if (error instanceof VerifyTransportError) {
    return ApplicationFailure.create({ type: AUTHY_UNAVAILABLE, message: error.message, cause: error });
  }
  if (error instanceof VerifyResponseError) {
    return ApplicationFailure.create({
      type: AUTHY_PERMANENT_ERROR,
      message: error.message,
      nonRetryable: true,
    });
  }
  return error;
}

/** Runs a Verify call inside an activity, converting its errors with {@link toVerifyFailure}. */
export async function callVerify<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toVerifyFailure(error);
  }
}
