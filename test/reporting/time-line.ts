/**
 * A test's time line from `base` (an ISO instant): its `start` in epoch milliseconds, and `iso`, the
 * ISO string of the instant `offsetMs` after it.
 */
export function timeLine(base: string): { start: number; iso: (offsetMs: number) => string } {
  const start = Date.parse(base);
  return { start, iso: (offsetMs) => new Date(start + offsetMs).toISOString() };
}
