/**
 * Every timer the emulator starts (latency, delivery retries), so close() can stop them all and a
 * test runner exits without waiting for a retry minutes away.
 */
export class TimerSet {
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private closed = false;

  /** Runs `fn` after `ms` unless the set is cleared first. */
  schedule(ms: number, fn: () => void): void {
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.set(timer, () => undefined);
  }

  /** Resolves after `ms`, or at once when the set is cleared. */
  sleep(ms: number): Promise<void> {
    if (this.closed || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  /** Cancels every pending timer; sleepers resolve. With `close`, later schedules are ignored. */
  clear(close = false): void {
    this.closed = close;
    for (const [timer, release] of this.timers) {
      clearTimeout(timer);
      release();
    }
    this.timers.clear();
  }

  get pending(): number {
    return this.timers.size;
  }
}
