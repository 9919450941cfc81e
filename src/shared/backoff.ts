/** The steps of an exponential backoff, in milliseconds. */
export interface BackoffOptions {
  /** The first step; each further attempt doubles it. */
  retryBaseMs: number;
  /** No step is longer than this. */
  retryMaxMs: number;
}

/**
 * The wait before retry number `attempt` (1 for the first retry): `retryBaseMs` doubled per attempt,
 * capped at `retryMaxMs`, with jitter (50–100 % of the step) so many retriers do not wake together.
 */
export function retryDelayMs(attempt: number, options: BackoffOptions): number {
  const step = Math.min(
    options.retryMaxMs,
    options.retryBaseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30),
  );
  return Math.round(step * (0.5 + Math.random() * 0.5));
}
