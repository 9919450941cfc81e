/**
 * Keeps at most `limit` tasks in flight: a task starts once a slot is free, in the order tasks were
 * offered. Unlike `mapLimit` (./map-limit.ts, a fixed list), tasks arrive one by one, so a producer can stream
 * work in as slots free up instead of waiting for a whole batch.
 */
export interface Limiter {
  /**
   * Starts `task` as soon as a slot is free and resolves once it has started (not when it ends).
   * Tasks handle their own errors: a rejected task rejects {@link Limiter.idle}.
   */
  start(task: () => Promise<void>): Promise<void>;
  /** Resolves once every task started so far has settled. */
  idle(): Promise<void>;
}

/** Creates a {@link Limiter} with `limit` slots. */
export function createLimiter(limit: number): Limiter {
  const inFlight = new Set<Promise<void>>();
  const slotFreed: (() => void)[] = [];
  return {
    async start(task) {
      while (inFlight.size >= limit) await new Promise<void>((resolve) => slotFreed.push(resolve));
      const running: Promise<void> = task().finally(() => {
        inFlight.delete(running);
        slotFreed.shift()?.();
      });
      inFlight.add(running);
    },
    async idle() {
      await Promise.all(inFlight);
    },
  };
}
