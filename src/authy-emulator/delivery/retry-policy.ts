import { z } from 'zod';

/**
 * Retry policy of webhook deliveries and OneTouch callbacks. Twilio documents none (docs/authy-api.md#5-webhook-retries-and-timeouts:
 * UNCONFIRMED), so the emulator retries non-2xx answers and timeouts with exponential backoff:
 * by default 10 attempts at 0, 1, 3, 7, 15, 31, 63, 123, 183, 243 s, then the delivery is dropped
 * and counted as failed.
 */
export const RetryPolicySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).max(100),
  initialDelayMs: z.number().int().min(0).max(3_600_000),
  backoffFactor: z.number().min(1).max(10),
  maxDelayMs: z.number().int().min(0).max(3_600_000),
  /** No retry is scheduled later than this after the first attempt. */
  maxDurationMs: z.number().int().min(0).max(86_400_000),
  /** Per-attempt timeout; a slower receiver counts as a failed attempt. */
  timeoutMs: z.number().int().min(1).max(120_000),
});

export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

/** Retries for about four minutes, then gives up (see RetryPolicySchema). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  initialDelayMs: 1_000,
  backoffFactor: 2,
  maxDelayMs: 60_000,
  maxDurationMs: 300_000,
  timeoutMs: 5_000,
};

/** Delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed. */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.backoffFactor ** (attempt - 1));
}
