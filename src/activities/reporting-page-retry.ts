import { AuthyApiError, AuthyTransportError } from '../authy/errors';

/** How {@link retryTransientPage} retries one page request. */
export interface PageRetryOptions {
  /** Tries per page, the first included; after the last the error goes to Temporal's retry policy. */
  attempts: number;
  /** First backoff when Authy sent no Retry-After; doubled per try, with jitter. */
  baseDelayMs: number;
  /** A longer Retry-After is left to Temporal (nextRetryDelay) instead of holding the worker slot. */
  maxInProcessWaitMs: number;
  /** Cancellable sleep (the activity context's). */
  sleep(ms: number): Promise<void>;
}

export const DEFAULT_PAGE_RETRY: Omit<PageRetryOptions, 'sleep'> = {
  attempts: 4,
  baseDelayMs: 100,
  maxInProcessWaitMs: 2_000,
};

/**
 * Retries a page request a few times in-process on a transient failure (5xx, network, 429 with a
 * short or no Retry-After), then lets the error through. Why a second layer below Temporal's retry
 * policy: one window activity reads up to 100 pages, and Temporal's backoff grows with every failed
 * attempt of that activity and never resets on progress, so a steady 10 % error rate would stall a
 * long window. Failing pages are retried here cheaply; only persistent trouble reaches Temporal,
 * whose retry resumes from the last heartbeat.
 */
export async function retryTransientPage<T>(call: () => Promise<T>, options: PageRetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      const delay = attempt < options.attempts ? transientDelay(error, attempt, options) : undefined;
      if (delay === undefined) throw error;
      await options.sleep(delay);
    }
  }
}

function transientDelay(error: unknown, attempt: number, options: PageRetryOptions): number | undefined {
  const backoff = options.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
  if (error instanceof AuthyTransportError) return backoff;
  if (!(error instanceof AuthyApiError) || !error.retryable) return undefined;
  const retryAfter = error.details.retryAfterMs;
  if (retryAfter === undefined) return backoff;
  return retryAfter <= options.maxInProcessWaitMs ? retryAfter : undefined;
}
