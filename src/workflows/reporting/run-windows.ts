// The workflow's window scheduler, free of Temporal imports so it can be tested on plain promises.

/** How {@link runWindows} schedules work. */
export interface RunWindowsOptions<W> {
  /** Most windows in flight at once. */
  concurrency: number;
  /** Asked before each start; false stops starting (in-flight windows still finish). */
  mayStart(): boolean;
  /** Syncs one window; may push more windows onto the queue (the remainder of a capped one). */
  run(window: W): Promise<void>;
}

/**
 * Runs `run` over `queue` (read as it grows) with at most `concurrency` windows in flight, until the
 * queue is empty or `mayStart` says stop, and all started windows have finished. Rejects with the
 * first failure as soon as it happens. A failure is recorded when it occurs, not picked up from a
 * race: when one window fails in the same instant another completes, a race would see only the
 * completion, and the failed window would be silently left out.
 */
export async function runWindows<W>(queue: W[], options: RunWindowsOptions<W>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (;;) {
    while (!failure && running.size < options.concurrency && queue.length > 0 && options.mayStart()) {
      const task: Promise<void> = options
        .run(queue.shift()!)
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => running.delete(task));
      running.add(task);
    }
    if (failure) throw failure.error;
    if (running.size === 0) return;
    await Promise.race(running);
  }
}
