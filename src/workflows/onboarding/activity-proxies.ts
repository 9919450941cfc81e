import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { NON_RETRYABLE_AUTHY_FAILURES } from '../../shared/failures';

/**
 * Calls to the 2FA provider: operator-fixable failures (outage, 429, bad API key) retry with backoff
 * for as long as it takes; only failures no retry can fix stop the run (→ `failed`).
 */
export const provider = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: NON_RETRYABLE_AUTHY_FAILURES,
  },
});

/**
 * Verify calls an update handler makes while a person waits for the answer (`getEnrollment`,
 * `submitTotpCode`): a few quick tries, then the update fails and the person can try again; the
 * run itself is not affected.
 */
export const interactive = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    maximumAttempts: 3,
    nonRetryableErrorTypes: NON_RETRYABLE_AUTHY_FAILURES,
  },
});

/** Writes to the customer record: fast, idempotent, retried until PostgreSQL answers. */
export const records = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/** The text of every OneTouch push an onboarding sends. */
export const APPROVAL_MESSAGE = 'Confirm two-factor authentication for your account';
