// ApplicationFailure types that cross the activity → workflow boundary (and, for a failed run, the
// workflow → client one). Workflows compare `failure.cause.type` against these strings (never
// `instanceof`), and activity retry policies list the non-retryable ones.

/** Authy rejected the input for good (invalid phone 60027, invalid email, ...): retrying cannot help. */
export const AUTHY_REJECTED_INPUT = 'AuthyRejectedInput';
/** Authy answered a non-retryable error other than bad input (404 for a resource, contract mismatch). */
export const AUTHY_PERMANENT_ERROR = 'AuthyPermanentError';
/** Authy is rate limiting (429 / 60003); retried, honouring Retry-After when sent. */
export const AUTHY_RATE_LIMITED = 'AuthyRateLimited';
/** Authy or the network failed transiently (5xx, timeout, connection refused); retried with backoff. */
export const AUTHY_UNAVAILABLE = 'AuthyUnavailable';
/** The user's app has not registered with OneTouch yet (60050): retried until it has. */
export const AUTHY_DEVICE_NOT_READY = 'AuthyDeviceNotReady';
/** An operator-fixable configuration error (bad API key): retried with backoff until fixed. */
export const AUTHY_MISCONFIGURED = 'AuthyMisconfigured';
/** The Reporting API refused the query (60089/60094/60095): the sync run fails with this reason. */
export const AUTHY_INVALID_REPORTING_QUERY = 'AuthyInvalidReportingQuery';

/** The reporting sync: more events share one instant than a single query can page (rare; readable). */
export const REPORTING_WINDOW_UNSPLITTABLE = 'ReportingWindowUnsplittable';
/** The reporting sync's workflow input is unusable (bad window, bad numbers); fails the run at once. */
export const REPORTING_INVALID_INPUT = 'ReportingInvalidInput';

/** Failure types no retry can fix; activity retry policies list them as non-retryable. */
export const NON_RETRYABLE_AUTHY_FAILURES = [
  AUTHY_REJECTED_INPUT,
  AUTHY_PERMANENT_ERROR,
  AUTHY_INVALID_REPORTING_QUERY,
];

/** What the helpers below read of a failure; structural, so it works across module registries. */
interface FailureLike {
  name?: unknown;
  message?: unknown;
  type?: unknown;
  nonRetryable?: unknown;
  cause?: unknown;
}

function asFailure(value: unknown): FailureLike | undefined {
  return typeof value === 'object' && value !== null ? value : undefined;
}

/** The ApplicationFailure an activity failed with, as the workflow sees it. */
export interface ActivityFailureCause {
  /** The failure type (one of the constants above, or another activity's own), if it has one. */
  type: string | undefined;
  message: string;
  nonRetryable: boolean;
}

/**
 * The ApplicationFailure behind an ActivityFailure, or undefined for anything else (a cancellation,
 * a timeout). Read by `name` and `type`, never `instanceof`: failures are rebuilt from history, and
 * both workflows recognise failures through this one helper.
 */
export function activityFailureCause(error: unknown): ActivityFailureCause | undefined {
  const failure = asFailure(error);
  if (failure?.name !== 'ActivityFailure') return undefined;
  const cause = asFailure(failure.cause);
  if (cause?.name !== 'ApplicationFailure') return undefined;
  return {
    type: typeof cause.type === 'string' ? cause.type : undefined,
    message: typeof cause.message === 'string' ? cause.message : 'unknown failure',
    nonRetryable: cause.nonRetryable === true,
  };
}

/** An activity failed with a failure no retry can fix (e.g. Authy rejected the phone number). */
export function isNonRetryableFailure(error: unknown): boolean {
  const cause = activityFailureCause(error);
  return (
    cause !== undefined && (cause.nonRetryable || NON_RETRYABLE_AUTHY_FAILURES.includes(cause.type ?? ''))
  );
}

/** The message of the failure behind an activity failure, for a `failed` stage's reason. */
export function failureMessage(error: unknown): string {
  const message = activityFailureCause(error)?.message ?? asFailure(error)?.message;
  return typeof message === 'string' ? message : 'unknown failure';
}
